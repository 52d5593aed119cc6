/**
 * The Campaign target against the emulator, many applications at once: the inserts go in one Composite call, the
 * rows answered DUPLICATE_VALUE are looked up one query per 200 people (ours from an earlier attempt, or a
 * person's), and exits delete only our memberships through Collections — one call for all of them. Calls are read
 * from the emulator's per-user counters.
 */
import { Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSalesforceEmulator, type RunningEmulator } from '../../../../test/emulators/salesforce';
import type { ActionApplication } from '../../../src/pipeline/action/action-target';
import { CampaignTarget, type CampaignSettings } from '../../../src/pipeline/action/targets/campaign/campaign-target';
import { OrgClient } from '../../../src/salesforce/org-client';
import { CollectionsClient } from '../../../src/salesforce/writers/collections-client';

const PEOPLE = 250;

let emulator: RunningEmulator;
let admin: Connection;
let rep: Connection;
let target: CampaignTarget;
let integrationUserId: string;
let contactIds: string[];

function connectionAs(role: 'admin' | 'integration' | 'rep'): Connection {
  const user = emulator.users.find((u) => u.role === role);
  if (!user) throw new Error(`no ${role} user`);
  return new Connection({ instanceUrl: emulator.instanceUrl, accessToken: user.accessToken, version: '62.0' });
}

/** The integration user's calls since the last reset, by route. */
function callsByRoute(): Record<string, number> {
  return emulator.org.usage.snapshot().byRoute;
}

async function newCampaign(): Promise<string> {
  const result = await admin.sobject('Campaign').create({ Name: `Campaign ${Math.random()}`, IsActive: true });
  if (!result.success) throw new Error('no campaign');
  return result.id;
}

function applications(
  campaignId: string,
  ids: string[],
  extra: Partial<ActionApplication<CampaignSettings>> = {},
): ActionApplication<CampaignSettings>[] {
  return ids.map((id) => ({
    key: `a05000000000001AAA-aud-${id}-1-apply`,
    operation: 'apply',
    action: {
      id: 'a05000000000001AAA',
      name: 'Campaign action',
      type: 'Campaign',
      audienceId: 'a01000000000001AAA',
      target: campaignId,
      onExit: 'Remove',
      settings: {},
    },
    audience: { id: 'a01000000000001AAA', name: 'VPs' },
    record: { id, object: 'Contact', fields: {} },
    episodeKey: `aud-${id}-1`,
    occurredAt: new Date().toISOString(),
    attempt: 1,
    pendingSince: new Date(Date.now() - 60_000).toISOString(),
    integrationUserId,
    ...extra,
  }));
}

async function membersOf(campaignId: string) {
  const result = await admin.query<{ Id: string; ContactId: string; CreatedById: string }>(
    `SELECT Id, ContactId, CreatedById FROM CampaignMember WHERE CampaignId = '${campaignId}'`,
    { autoFetch: true, maxFetch: 10_000 },
  );
  return result.records;
}

describe('Campaign target, many applications at once', () => {
  beforeAll(async () => {
    emulator = await startSalesforceEmulator({ seed: PEOPLE });
    admin = connectionAs('admin');
    rep = connectionAs('rep');
    const integration = connectionAs('integration');
    integrationUserId = emulator.users.find((u) => u.role === 'integration')?.id as string;
    const org = new OrgClient(integration);
    target = new CampaignTarget(org, new CollectionsClient(org));
    const contacts = await admin.query<{ Id: string }>('SELECT Id FROM Contact', { autoFetch: true, maxFetch: 10_000 });
    contactIds = contacts.records.map((r) => r.Id);
    expect(contactIds.length).toBeGreaterThanOrEqual(PEOPLE);
  }, 120_000);

  afterAll(async () => {
    await emulator?.stop();
  });

  beforeEach(() => {
    emulator.org.usage.resetCounters();
  });

  it('when a person already added some, then those are Skipped and all duplicates cost one query per 200', async () => {
    const campaignId = await newCampaign();
    const people = contactIds.slice(0, PEOPLE);
    const theirs = people.slice(0, 230);
    for (let i = 0; i < theirs.length; i += 200) {
      const created = await rep.sobject('CampaignMember').create(
        theirs.slice(i, i + 200).map((ContactId) => ({ CampaignId: campaignId, ContactId })),
        { allOrNone: true },
      );
      expect(created.every((r) => r.success)).toBe(true);
    }
    emulator.org.usage.resetCounters();

    const results = await target.applyMany(applications(campaignId, people));

    const statuses = people.map((id) => results.get(`a05000000000001AAA-aud-${id}-1-apply`)?.status);
    expect(statuses.filter((s) => s === 'Skipped')).toHaveLength(theirs.length);
    expect(statuses.filter((s) => s === 'Succeeded')).toHaveLength(people.length - theirs.length);
    // One Composite create (two collections), and the 230 duplicates looked up in two queries (200 + 30).
    expect(callsByRoute()).toEqual({ composite: 1, query: 2 });
    expect(await membersOf(campaignId)).toHaveLength(people.length);
  }, 120_000);

  it('when a retry meets its own memberships, then they are ours (Succeeded), a person’s stay Skipped', async () => {
    const campaignId = await newCampaign();
    const people = contactIds.slice(0, 20);
    const [personal] = await rep.sobject('CampaignMember').create([{ CampaignId: campaignId, ContactId: people[0] }]);
    expect(personal?.success).toBe(true);
    const first = await target.applyMany(applications(campaignId, people));
    emulator.org.usage.resetCounters();

    // The same applications again, as after a crash between the insert and its record.
    const again = await target.applyMany(applications(campaignId, people, { attempt: 2 }));

    for (const id of people.slice(1)) {
      const key = `a05000000000001AAA-aud-${id}-1-apply`;
      expect(again.get(key)).toMatchObject({
        status: 'Succeeded',
        externalId: (first.get(key) as { externalId: string }).externalId,
      });
    }
    expect(again.get(`a05000000000001AAA-aud-${people[0]}-1-apply`)).toMatchObject({
      status: 'Skipped',
      reason: 'already_member',
    });
    expect(callsByRoute()).toEqual({ collections: 1, query: 1 });
    expect(await membersOf(campaignId)).toHaveLength(people.length);
  }, 120_000);

  it('when many leave, then only our memberships are deleted, in one call, and one already gone counts as removed', async () => {
    const campaignId = await newCampaign();
    // 249 people: 248 of them entered (ours), the last never did; a 250th is in the campaign by a person's hand.
    const people = contactIds.slice(0, PEOPLE - 1);
    const [personal] = await rep
      .sobject('CampaignMember')
      .create([{ CampaignId: campaignId, ContactId: contactIds[PEOPLE - 1] }]);
    expect(personal?.success).toBe(true);
    const applied = await target.applyMany(applications(campaignId, people.slice(0, -1)));
    const externalId = (id: string) =>
      (applied.get(`a05000000000001AAA-aud-${id}-1-apply`) as { externalId?: string } | undefined)?.externalId;
    // A person removed one of ours already.
    const gone = people[3] as string;
    await rep.sobject('CampaignMember').destroy(externalId(gone) as string);
    emulator.org.usage.resetCounters();

    const removes = people.map((id) => ({
      ...applications(campaignId, [id])[0]!,
      key: `a05000000000001AAA-aud-${id}-1-remove`,
      operation: 'remove' as const,
      appliedExternalId: externalId(id),
    }));
    const results = await target.removeMany(removes);

    expect(results.get(`a05000000000001AAA-aud-${gone}-1-remove`)).toMatchObject({
      status: 'Succeeded',
      message: 'already removed',
    });
    // The last one never applied (no membership of ours): nothing to delete.
    expect(results.get(`a05000000000001AAA-aud-${people.at(-1)}-1-remove`)).toMatchObject({
      status: 'Skipped',
      reason: 'not_ours',
    });
    expect([...results.values()].filter((r) => r.status !== 'Succeeded' && r.status !== 'Skipped')).toEqual([]);
    expect([...results.values()].filter((r) => r.status === 'Succeeded')).toHaveLength(people.length - 1);
    // 248 deletes: one Composite call carrying two Collections deletes.
    expect(callsByRoute()).toEqual({ composite: 1 });
    const left = await membersOf(campaignId);
    expect(left.map((m) => m.Id)).toEqual([personal?.id]);
  }, 120_000);
});
