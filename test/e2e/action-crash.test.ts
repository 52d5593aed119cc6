/**
 * A worker that dies between an application's `Pending` row and its target call (the crash point the batched step
 * must survive): the membership event is still an unacknowledged job, so after a restart the application runs
 * again — exactly one CampaignMember, one pair of Tasks, and one settled log row per application, with or without
 * Redis remembering the application. The "death" is a gate the test holds shut: the worker is closed without
 * waiting for its jobs (as kill -9 leaves them: active, their locks left to expire) and the process parts stopped.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { clearPrefix, LoopHarness, waitFor } from './support/loop-harness';

const VP_FILTER = '{"field":"Title","op":"contains","value":"VP"}';
const CADENCE = JSON.stringify({
  steps: [
    { dayOffset: 0, subject: 'Call {FirstName}', type: 'Call' },
    { dayOffset: 2, subject: 'Email {FirstName} {LastName}', type: 'Email' },
  ],
  assignTo: 'owner',
});
/** Short locks so a dead worker's job and episodes are taken over within seconds, not minutes. */
const LOCK_MS = 2_000;

type Row = Record<string, unknown> & { Id: string };

describe('e2e: an action worker dying between the Pending row and the target call', () => {
  let h: LoopHarness | undefined;
  afterEach(async () => {
    // A failed test may leave the first process's worker at the gate: it is let go without waiting.
    const running = h?.runtime ? h.loop.queues.workers() : [];
    await Promise.all(running.filter((w) => w.name === 'membership').map((w) => w.close(true)));
    await h?.stop();
    h = undefined;
  });

  it.each([
    ['Redis keeps the application state', 1, false],
    ['Redis lost the application state too', 1, true],
    // BullMQ's default fails a job that stalls twice: the event would be lost with its application Pending forever.
    ['the worker died there twice in a row', 2, false],
  ] as const)(
    'is applied exactly once after the restart (%s)',
    async (_label, deaths, loseState) => {
      h = await LoopHarness.create({
        start: false,
        sources: [{ Object__c: 'Contact' }],
        fieldMaps: [],
        audiences: [{ Name: 'VPs', Object__c: 'Contact', Filter__c: VP_FILTER }],
        records: {
          Contact: [{ FirstName: 'Ada', LastName: 'Lovelace', Title: 'VP Engineering', Email: 'ada@example.com' }],
        },
      });
      const harness = h;
      const [campaignId] = await harness.createRecords('Campaign', [{ Name: 'Crash campaign', IsActive: true }]);
      const audienceId = harness.ids.audiences[0]!;
      const actionIds = await harness.createRecords(
        'Audience_Action__c',
        [
          { Type__c: 'Campaign', Target__c: campaignId, On_Exit__c: 'Remove' },
          { Type__c: 'Task', Settings__c: CADENCE, On_Exit__c: 'Remove' },
        ].map((a, i) => ({ Name: `Action ${i + 1}`, Audience__c: audienceId, Active__c: true, ...a })),
      );
      const [ada] = harness.records.Contact as [string];

      // The first process(es): every application stops at the gate, after its Pending row, before its target —
      // and the worker dies there (its jobs stay active in Redis with locks nobody renews).
      for (let life = 1; life <= deaths; life += 1) {
        const held = new Set<string>();
        const shut = new Promise<void>(() => undefined);
        await harness.startRuntime({
          actions: {
            lockMs: LOCK_MS,
            beforeTargetCall: async (key) => {
              held.add(key);
              await shut;
            },
          },
        });
        await waitFor(() => held.size === 2, 120_000, `both applications at the gate (life ${life})`);
        const pending = await logs(harness);
        expect(pending.map((r) => r.Status__c)).toEqual(['Pending', 'Pending']);
        const worker = harness.loop.queues.workers().find((w) => w.name === 'membership');
        await worker?.close(true);
        await harness.stopRuntime();
      }
      if (loseState) await clearPrefix(harness.redis, `${harness.prefix}:action:`);
      expect(await members(harness, campaignId!)).toEqual([]);

      // The restart takes the stalled job again; the gate is gone.
      await harness.startRuntime({ actions: { lockMs: LOCK_MS } });
      const settled = await waitFor(
        async () => {
          const rows = (await logs(harness)).filter((r) => r.Status__c !== 'Pending');
          return rows.length >= 2 ? rows : undefined;
        },
        120_000,
        'both applications settled after the restart',
      );
      expect(settled.map((r) => r.Status__c)).toEqual(['Succeeded', 'Succeeded']);
      expect((await logs(harness)).map((r) => r.Key__c).sort()).toEqual(
        actionIds.map((id) => `${id}-${audienceId}-${ada}-1-apply`).sort(),
      );
      expect((await members(harness, campaignId!)).map((m) => m.ContactId)).toEqual([ada]);
      const tasks = await harness.query<Row & { Audience_Action_Key__c: string | null }>(
        `SELECT Id, Audience_Action_Key__c FROM Task WHERE WhoId = '${ada}'`,
      );
      expect(tasks).toHaveLength(2);
      // One row per application (a lost state's create met DUPLICATE_VALUE and read the row back), linked to Ada's episode.
      expect(settled.every((r) => typeof r.Audience_Member__c === 'string')).toBe(true);
    },
    240_000,
  );
});

function logs(h: LoopHarness) {
  return h.query<Row & { Key__c: string; Status__c: string; Audience_Member__c: string | null }>(
    'SELECT Id, Key__c, Status__c, Attempts__c, Audience_Member__c FROM Audience_Action_Log__c ORDER BY Key__c',
  );
}

function members(h: LoopHarness, campaignId: string) {
  return h.query<Row & { ContactId: string }>(
    `SELECT Id, ContactId FROM CampaignMember WHERE CampaignId = '${campaignId}'`,
  );
}
