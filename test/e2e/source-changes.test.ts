/**
 * Issue 11, findings 3 and 4: what the loop includes of an object is the union of its active Salesforce sources,
 * and it follows the admin's changes to them. A record included only by a second source survives a change event
 * and is read in by one; narrowing or deactivating a source makes the records no source includes any more leave
 * the mirror and their audiences (exit cause `source_changed`); widening one imports the newcomers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MembershipEvent } from '../../server/src/pipeline/segments/membership/membership-event';
import { LoopHarness, waitFor } from './support/loop-harness';

const eq = (field: string, value: string) => JSON.stringify({ field, op: 'eq', value });

/** Six Leads: two at Acme, four at Initech; the first and fourth came from the web. */
const LEADS = Array.from({ length: 6 }, (_, i) => ({
  LastName: `L${i}`,
  Company: i < 2 ? 'Acme' : 'Initech',
  LeadSource: i === 0 || i === 3 ? 'Web' : 'Phone Inquiry',
}));

/**
 * A Lead loop whose reloads are paced tightly (the pacing has its own test) and whose membership events the test
 * hears; config changes reach it as an admin would make them, through the config triggers' RELOAD_CONFIG.
 */
async function leadLoop() {
  const harness = await LoopHarness.create({
    start: false,
    sources: [{ Name: 'Leads', Object__c: 'Lead' }],
    fieldMaps: [],
    audiences: [
      {
        Name: 'Leads by company',
        Object__c: 'Lead',
        Filter__c: JSON.stringify({ field: 'Company', op: 'is_not_blank' }),
      },
    ],
    records: { Lead: LEADS },
  });
  const events: MembershipEvent[] = [];
  await harness.startRuntime({ reload: { settleMs: 100, minIntervalMs: 200 } }, (loop) =>
    loop.fanout.listen(async (batch) => {
      events.push(...batch);
    }),
  );
  const mirrored = async () => {
    const ids: string[] = [];
    for await (const page of harness.loop.mirror.scan('Lead')) ids.push(...page.map((r) => r.id));
    return new Set(ids);
  };
  const editSource = (fields: Record<string, unknown>) =>
    harness.updateRecords('Audience_Source__c', [{ Id: harness.ids.sources[0]!, ...fields }]);
  return { harness, events, mirrored, editSource };
}

describe('e2e: sources of an object', () => {
  let h: LoopHarness | undefined;

  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it(
    'when two Contact sources are active, then a record only the second includes survives a change and is read in by one',
    { timeout: 120_000 },
    async () => {
      h = await LoopHarness.create({
        sources: [
          { Name: 'CEOs', Object__c: 'Contact', Inclusion_Filter__c: eq('Title', 'CEO') },
          { Name: 'Sales', Object__c: 'Contact', Inclusion_Filter__c: eq('Department', 'Sales') },
        ],
        fieldMaps: [],
        audiences: [{ Name: 'Sales people', Object__c: 'Contact', Filter__c: eq('Department', 'Sales') }],
        records: {
          Contact: [
            { LastName: 'Both', Title: 'CEO', Department: 'Sales' },
            { LastName: 'Second only', Title: 'Engineer', Department: 'Sales' },
            { LastName: 'Neither', Title: 'Engineer', Department: 'Support' },
          ],
        },
      });
      const harness = h;
      const [both, secondOnly, neither] = harness.records.Contact as [string, string, string];
      const audience = harness.ids.audiences[0]!;
      expect(await harness.activeMembers(audience)).toEqual(new Set([both, secondOnly]));

      // A rep's edit: still outside the first source, still inside the second.
      await harness.updateRecords('Contact', [{ Id: secondOnly, Title: 'Account Executive' }], harness.repConn());
      // Another: now inside the second source only, so it must be read in through it.
      await harness.updateRecords('Contact', [{ Id: neither, Department: 'Sales' }], harness.repConn());
      await harness.settle();

      expect(await harness.loop.mirror.get('Contact', secondOnly)).toBeDefined();
      expect(await harness.loop.mirror.get('Contact', neither)).toBeDefined();
      expect(await harness.activeMembers(audience)).toEqual(new Set([both, secondOnly, neither]));
      // The episode of the record only the second source includes was never closed.
      const episodes = await harness.query<{ Id: string; Is_Active__c: boolean }>(
        `SELECT Id, Is_Active__c FROM Audience_Member__c WHERE Record_Id__c = '${secondOnly}'`,
      );
      expect(episodes.map((e) => e.Is_Active__c)).toEqual([true]);
    },
  );
  it(
    'when two Contact sources are active and an overflow forces a reconciliation, then no record of the second leaves',
    { timeout: 120_000 },
    async () => {
      h = await LoopHarness.create({
        sources: [
          { Name: 'CEOs', Object__c: 'Contact', Inclusion_Filter__c: eq('Title', 'CEO') },
          { Name: 'Sales', Object__c: 'Contact', Inclusion_Filter__c: eq('Department', 'Sales') },
        ],
        fieldMaps: [],
        audiences: [{ Name: 'Sales people', Object__c: 'Contact', Filter__c: eq('Department', 'Sales') }],
        records: { Contact: [{ LastName: 'Second only', Title: 'Engineer', Department: 'Sales' }] },
      });
      const harness = h;
      const [secondOnly] = harness.records.Contact as [string];
      const audience = harness.ids.audiences[0]!;
      expect(await harness.activeMembers(audience)).toEqual(new Set([secondOnly]));

      await harness.control('POST', '/streaming/faults', {
        inject: { changeType: 'GAP_OVERFLOW', entityName: 'Contact' },
      });
      await harness.settle();

      expect(await harness.loop.mirror.get('Contact', secondOnly)).toBeDefined();
      const episodes = await harness.query<{ Id: string; Is_Active__c: boolean }>(
        `SELECT Id, Is_Active__c FROM Audience_Member__c WHERE Record_Id__c = '${secondOnly}'`,
      );
      expect(episodes.map((e) => e.Is_Active__c)).toEqual([true]);
    },
  );
  it(
    'when a source is narrowed, then the excluded records leave with cause source_changed, and widening imports them',
    { timeout: 120_000 },
    async () => {
      const { harness, events, mirrored, editSource } = await leadLoop();
      h = harness;
      const leads = harness.records.Lead!;
      const audience = harness.ids.audiences[0]!;
      expect(await harness.activeMembers(audience)).toEqual(new Set(leads));

      // Narrowed on a mirrored field (Company): decided over the mirror.
      await editSource({ Inclusion_Filter__c: eq('Company', 'Acme') });
      const acme = new Set(leads.slice(0, 2));
      await waitFor(async () => (await harness.activeMembers(audience)).size === 2, 60_000, 'the narrowing to apply');
      expect(await harness.activeMembers(audience)).toEqual(acme);
      expect(await mirrored()).toEqual(acme);
      const exits = events.filter((e) => e.kind === 'exit');
      expect(new Set(exits.map((e) => e.recordId))).toEqual(new Set(leads.slice(2)));
      expect(exits.every((e) => e.cause === 'source_changed')).toBe(true);

      // Widened again: the newcomers are imported and re-enter (new episodes).
      await editSource({
        Inclusion_Filter__c: JSON.stringify({ field: 'Company', op: 'in', value: ['Acme', 'Initech'] }),
      });
      await waitFor(async () => (await harness.activeMembers(audience)).size === 6, 60_000, 'the widening to apply');
      expect(await mirrored()).toEqual(new Set(leads));

      // Narrowed on a field the mirror did not keep (LeadSource): decided by asking the org.
      await editSource({ Inclusion_Filter__c: eq('LeadSource', 'Web') });
      const web = new Set([leads[0]!, leads[3]!]);
      await waitFor(async () => (await harness.activeMembers(audience)).size === 2, 60_000, 'the second narrowing');
      expect(await harness.activeMembers(audience)).toEqual(web);
      expect(await mirrored()).toEqual(web);
    },
  );

  it(
    'when a source is deactivated, then its records leave the mirror and every audience, and come back when reactivated',
    { timeout: 120_000 },
    async () => {
      const { harness, events, mirrored, editSource } = await leadLoop();
      h = harness;
      const leads = harness.records.Lead!;
      const audience = harness.ids.audiences[0]!;
      expect(await harness.activeMembers(audience)).toEqual(new Set(leads));

      await editSource({ Active__c: false });
      await waitFor(async () => (await harness.activeMembers(audience)).size === 0, 60_000, 'the deactivation');
      expect(await mirrored()).toEqual(new Set());
      const exits = events.filter((e) => e.kind === 'exit');
      expect(exits).toHaveLength(6);
      expect(exits.every((e) => e.cause === 'source_changed')).toBe(true);

      await editSource({ Active__c: true });
      await waitFor(async () => (await harness.activeMembers(audience)).size === 6, 60_000, 'the reactivation');
      expect(await mirrored()).toEqual(new Set(leads));
    },
  );
});
