/**
 * The health heartbeat over the emulator: `Audience_Health__c` upserted by its key at most once a minute (a clock
 * the test moves), the change channel's members checked through the Tooling API, and every failed item carrying how
 * to fix it. An org whose channel lacks the Lead member (force-app read, one member left out) reports it.
 */
import { readForceApp } from '@audience-loop/force-app-model';
import { afterEach, describe, expect, it } from 'vitest';
import { gatherHealthFacts } from '../../server/src/health/health-facts';
import type { HealthCheck } from '../../server/src/health/health-checks';
import { HealthHeartbeat } from '../../server/src/health/health-heartbeat';
import { CollectionsClient } from '../../server/src/salesforce/writers/collections-client';
import { LoopHarness } from './support/loop-harness';

type HealthRow = Record<string, unknown> & { Id: string; Checks__c: string; Reported_At__c: string };

let h: LoopHarness | undefined;

afterEach(async () => {
  await h?.stop();
  h = undefined;
});

async function harness(forceApp = readForceApp()): Promise<LoopHarness> {
  h = await LoopHarness.create({
    forceApp,
    sources: [{ Object__c: 'Contact', Inclusion_Filter__c: null }],
    fieldMaps: [{ Object__c: 'Contact', Field__c: 'Title', Write_Rule__c: 'Never' }],
    records: { Contact: [{ LastName: 'Quinn', Title: 'VP Sales' }] },
  });
  return h;
}

function heartbeat(loop: LoopHarness, clock: { now: Date }): HealthHeartbeat {
  return new HealthHeartbeat({
    collections: new CollectionsClient(loop.loop.deps.org),
    key: loop.prefix,
    gather: () => gatherHealthFacts(loop.loop, { slackConnected: false }),
    logger: loop.logger,
    now: () => clock.now,
  });
}

async function healthRows(loop: LoopHarness): Promise<HealthRow[]> {
  return loop.query<HealthRow>(
    'SELECT Id, Key__c, Reported_At__c, Loop_Running__c, Stream_State__c, Slack_Connected__c, Checks__c, Failed_Checks__c, Channel_Members__c, Providers__c FROM Audience_Health__c',
  );
}

describe('health heartbeat', { timeout: 120_000 }, () => {
  it('upserts one record at most once a minute, with a fix for every failed item', async () => {
    const loop = await harness();
    const clock = { now: new Date('2026-03-02T10:00:00Z') };
    const beat = heartbeat(loop, clock);
    expect(await beat.beat()).toBe(true);
    clock.now = new Date('2026-03-02T10:00:59Z');
    expect(await beat.beat()).toBe(false);
    let rows = await healthRows(loop);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ Key__c: loop.prefix, Loop_Running__c: true, Stream_State__c: 'live' });
    expect(Date.parse(rows[0]!.Reported_At__c)).toBe(Date.parse('2026-03-02T10:00:00Z'));

    const checks = JSON.parse(rows[0]!.Checks__c) as HealthCheck[];
    const byItem = new Map(checks.map((c) => [c.item, c]));
    expect(byItem.get('loop_running')?.ok).toBe(true);
    expect(byItem.get('change_channel_members')).toMatchObject({ ok: true });
    expect(JSON.parse(String(rows[0]!.Channel_Members__c))).toEqual([
      'AccountChangeEvent',
      'ContactChangeEvent',
      'LeadChangeEvent',
    ]);
    // No provider keys and no Slack in this environment: each is reported with its fix.
    expect(byItem.get('slack')).toMatchObject({ ok: false, fix: expect.stringContaining('SLACK_BOT_TOKEN') });
    expect(byItem.get('provider_hunter')).toMatchObject({ ok: false, fix: expect.stringContaining('HUNTER_API_KEY') });
    for (const check of checks) if (!check.ok) expect(check.fix, check.item).toBeTruthy();
    expect(rows[0]!.Failed_Checks__c).toBe(checks.filter((c) => !c.ok).length);

    clock.now = new Date('2026-03-02T10:01:00Z');
    expect(await beat.beat()).toBe(true);
    rows = await healthRows(loop);
    expect(rows).toHaveLength(1);
    expect(Date.parse(rows[0]!.Reported_At__c)).toBe(Date.parse('2026-03-02T10:01:00Z'));
  });

  it('reports a change channel member that is missing, with how to fix it', async () => {
    const model = readForceApp();
    for (const channel of model.channels)
      channel.members = channel.members.filter((m) => !/Lead/.test(m.selectedEntity));
    const loop = await harness(model);
    await heartbeat(loop, { now: new Date('2026-03-02T10:00:00Z') }).beat();
    const [row] = await healthRows(loop);
    const check = (JSON.parse(row!.Checks__c) as HealthCheck[]).find((c) => c.item === 'change_channel_members');
    expect(check).toMatchObject({ ok: false, detail: expect.stringContaining('LeadChangeEvent') });
    expect(check?.fix).toMatch(/LeadChangeEvent/);
    expect(check?.fix).toMatch(/Change Data Capture|deploy/);
  });
});
