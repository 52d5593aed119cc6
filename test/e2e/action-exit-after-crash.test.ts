/**
 * An entry held by a worker that died before its applications' Pending rows, and the record's exit processed
 * before BullMQ's stalled check hands that entry on (the chaos kill -9 finding: an episode with no log row and no
 * effect at all). The exit must wait for the entry it overtook — apply, then remove, as in a run without the crash —
 * instead of cancelling applications the dead worker had begun. Lock expiries are the test's to decide: it deletes
 * the dead worker's episode locks, then its job lock, at the moments a long wait would have made them expire.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { jobId } from '../../server/src/queues/job-ids';
import { clearPrefix, LoopHarness, waitFor } from './support/loop-harness';

const VP_FILTER = '{"field":"Title","op":"contains","value":"VP"}';
const CADENCE = JSON.stringify({
  steps: [
    { dayOffset: 0, subject: 'Call {FirstName}', type: 'Call' },
    { dayOffset: 2, subject: 'Email {FirstName} {LastName}', type: 'Email' },
  ],
  assignTo: 'owner',
});
/** The dead worker's locks: long, so nothing expires unless the test says so. */
const DEAD_LOCK_MS = 10 * 60_000;
/** The restarted worker checks for stalled jobs every 2 s. */
const LIVE_LOCK_MS = 2_000;

type Row = Record<string, unknown> & { Id: string };

describe('e2e: an exit overtaking an entry whose worker died', () => {
  let h: LoopHarness | undefined;
  afterEach(async () => {
    const running = h?.runtime ? h.loop.queues.workers() : [];
    await Promise.all(running.filter((w) => w.name === 'membership').map((w) => w.close(true)));
    await h?.stop();
    h = undefined;
  });

  it('when the exit is processed first, then the entry is still applied and then removed, each logged', async () => {
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
    const [campaignId] = await harness.createRecords('Campaign', [{ Name: 'Overtaken campaign', IsActive: true }]);
    const audienceId = harness.ids.audiences[0]!;
    const actionIds = await harness.createRecords(
      'Audience_Action__c',
      [
        { Type__c: 'Campaign', Target__c: campaignId, On_Exit__c: 'Remove' },
        { Type__c: 'Task', Settings__c: CADENCE, On_Exit__c: 'Remove' },
      ].map((a, i) => ({ Name: `Action ${i + 1}`, Audience__c: audienceId, Active__c: true, ...a })),
    );
    const [ada] = harness.records.Contact as [string];
    const episodeKey = `${audienceId}-${ada}-1`;

    // The first process takes Ada's entry, holds both episodes, and dies before either Pending row exists.
    const held = new Set<string>();
    await harness.startRuntime({
      actions: {
        lockMs: DEAD_LOCK_MS,
        beforePendingRow: async (key) => {
          held.add(key);
          await new Promise<void>(() => undefined);
        },
      },
    });
    await waitFor(() => held.size === 2, 120_000, 'both applications holding their episode');
    await harness.loop.queues
      .workers()
      .find((w) => w.name === 'membership')
      ?.close(true);
    await harness.stopRuntime();
    expect(await logs(harness)).toEqual([]);

    // Time passes: the dead worker's episode locks expire; its job lock (BullMQ's) has not yet.
    await clearPrefix(harness.redis, `${harness.prefix}:action-lock:`);
    const loop = await harness.startRuntime({ actions: { lockMs: LIVE_LOCK_MS } });
    const membership = loop.queues.queue('membership');
    await harness.updateRecords('Contact', [{ Id: ada, Title: 'Engineer' }], harness.repConn());
    const exitId = jobId('exit', episodeKey);
    await waitFor(
      async () => {
        const exit = await membership.getJob(exitId);
        const state = await membership.getJobState(exitId);
        return exit !== undefined && exit.attemptsStarted > 0 && state !== 'active' && state !== 'waiting';
      },
      120_000,
      'the exit processed while the entry is still held by the dead worker',
    );

    // The entry's job lock expires too: the stalled check hands the entry to the live worker.
    const entryId = jobId('entry', episodeKey);
    // (BullMQ's once-per-interval marker for the stalled check was set by the dead worker with its long interval.)
    await harness.redis.del(
      `${harness.prefix}:membership:${entryId}:lock`,
      `${harness.prefix}:membership:stalled-check`,
    );
    await waitFor(
      async () => {
        const states = [await membership.getJobState(entryId), await membership.getJobState(exitId)];
        if (states.every((s) => s === 'completed')) return true;
        throw new Error(`entry, exit: ${states.join(', ')}`);
      },
      120_000,
      'the entry and the exit both done',
    );

    const rows = await logs(harness);
    const key = (actionId: string, op: string) => `${actionId}-${episodeKey}-${op}`;
    expect(rows.map((r) => [r.Key__c, r.Status__c])).toEqual(
      actionIds
        .flatMap((id) => [
          [key(id, 'apply'), 'Succeeded'],
          [key(id, 'remove'), 'Succeeded'],
        ])
        .sort((a, b) => a[0]!.localeCompare(b[0]!)),
    );
    expect(await harness.query(`SELECT Id FROM CampaignMember WHERE CampaignId = '${campaignId}'`)).toEqual([]);
    const tasks = await harness.query<Row & { Status: string }>(`SELECT Id, Status FROM Task WHERE WhoId = '${ada}'`);
    expect(tasks.map((t) => t.Status)).toEqual(['Completed', 'Completed']);
  }, 300_000);
});

function logs(h: LoopHarness) {
  return h.query<Row & { Key__c: string; Status__c: string }>(
    'SELECT Id, Key__c, Status__c FROM Audience_Action_Log__c ORDER BY Key__c',
  );
}
