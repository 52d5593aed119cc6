/**
 * The kill -9 chaos finding (run 5 of 2026-12-06: 9 missing Outreach effects): a worker dies after Outreach made
 * the sequence state and before the answer was recorded; a rep changes the record's email before the retry; the
 * retry must take the state its first try made — not enrol the new email's prospect as well, whose state the exit
 * then finishes while the first one stays active. The death is the runner's `afterTargetCall` gate, held shut; the
 * worker is closed without waiting for its jobs (as kill -9 leaves them) and the restart takes the stalled job.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { loadEnv } from '../../server/src/env/env';
import { actionTargetsFromEnv } from '../../server/src/runtime/action-targets';
import {
  OUTREACH_FAKE_CLIENT,
  OUTREACH_FAKE_INITIAL_REFRESH_TOKEN,
  OUTREACH_FAKE_MAILBOX_ID,
  OUTREACH_FAKE_SEQUENCE_ID,
  startOutreachFake,
  type OutreachFake,
} from '../emulators/outreach/index';
import { LoopHarness, waitFor } from './support/loop-harness';

/** Short locks so the dead worker's job and episode are taken over within seconds. */
const LOCK_MS = 2_000;

type Row = Record<string, unknown> & { Id: string };

let outreach: OutreachFake;
beforeAll(async () => {
  outreach = await startOutreachFake();
});
afterAll(async () => {
  await outreach?.stop();
});

describe('e2e: an Outreach apply retried after the record’s email changed', () => {
  let h: LoopHarness | undefined;
  afterEach(async () => {
    const running = h?.runtime ? h.loop.queues.workers() : [];
    await Promise.all(running.filter((w) => w.name === 'membership').map((w) => w.close(true)));
    await h?.stop();
    h = undefined;
  });

  it('is one sequence state, taken by the retry and finished by the exit', async () => {
    h = await LoopHarness.create({
      start: false,
      sources: [{ Object__c: 'Contact' }],
      fieldMaps: [],
      audiences: [{ Name: 'VPs', Object__c: 'Contact', Filter__c: '{"field":"Title","op":"contains","value":"VP"}' }],
      records: {
        Contact: [{ FirstName: 'Ada', LastName: 'Lovelace', Title: 'VP Engineering', Email: 'ada@example.com' }],
      },
    });
    const harness = h;
    const audienceId = harness.ids.audiences[0]!;
    await harness.createRecords('Audience_Action__c', [
      {
        Name: 'Outbound sequence',
        Audience__c: audienceId,
        Active__c: true,
        Type__c: 'Outreach_Sequence',
        Target__c: String(OUTREACH_FAKE_SEQUENCE_ID),
        Settings__c: JSON.stringify({ mailboxId: OUTREACH_FAKE_MAILBOX_ID }),
        On_Exit__c: 'Remove',
      },
    ]);
    const env = loadEnv({
      OUTREACH_CLIENT_ID: OUTREACH_FAKE_CLIENT.clientId,
      OUTREACH_CLIENT_SECRET: OUTREACH_FAKE_CLIENT.clientSecret,
      OUTREACH_REFRESH_TOKEN: OUTREACH_FAKE_INITIAL_REFRESH_TOKEN,
      OUTREACH_BASE_URL: outreach.baseUrl,
      OUTREACH_TOKEN_KEY: Buffer.alloc(32, 9).toString('base64'),
    });
    const targets = () =>
      actionTargetsFromEnv(env, { redis: harness.redis, prefix: harness.prefix, logger: harness.logger });
    const [ada] = harness.records.Contact as [string];

    // The first process: Outreach answers, and the worker dies before the answer is recorded.
    const answered = new Set<string>();
    const first = await harness.startRuntime({
      actions: {
        targets: targets(),
        lockMs: LOCK_MS,
        afterTargetCall: async (key) => {
          answered.add(key);
          await new Promise<void>(() => undefined);
        },
      },
    });
    await waitFor(() => answered.size === 1, 120_000, 'the apply answered by Outreach');
    expect(outreach.sequenceStates()).toHaveLength(1);
    // Before the retry, a rep changes Ada's email (she stays a VP: no exit yet).
    await harness.updateRecords('Contact', [{ Id: ada, Email: 'ada.lovelace@personal.example' }], harness.repConn());
    await waitFor(
      async () => (await first.mirror.get('Contact', ada))?.fields.Email === 'ada.lovelace@personal.example',
      60_000,
      'the new email mirrored',
    );
    await first.queues
      .workers()
      .find((w) => w.name === 'membership')
      ?.close(true);
    await harness.stopRuntime();

    // The restart retries the apply (the stalled job comes back once its lock expired).
    await harness.startRuntime({ actions: { targets: targets(), lockMs: LOCK_MS } });
    const applied = await settled(harness, 'apply');
    expect(applied.Status__c).toBe('Succeeded');
    expect(outreach.sequenceStates()).toHaveLength(1);
    expect(applied.External_Id__c).toBe(String(outreach.sequenceStates()[0]!.id));

    // Ada leaves: the state her apply made is finished; nothing of ours stays active in the sequence.
    await harness.updateRecords('Contact', [{ Id: ada, Title: 'Engineer' }], harness.repConn());
    expect((await settled(harness, 'remove')).Status__c).toBe('Succeeded');
    expect(outreach.sequenceStates().map((s) => s.state)).toEqual(['finished']);
  }, 300_000);
});

function settled(h: LoopHarness, operation: 'apply' | 'remove') {
  return waitFor(
    async () => {
      const rows = await h.query<Row & { Key__c: string; Status__c: string; External_Id__c: string | null }>(
        'SELECT Id, Key__c, Status__c, External_Id__c FROM Audience_Action_Log__c',
      );
      return rows.find((r) => r.Key__c.endsWith(`-${operation}`) && r.Status__c !== 'Pending');
    },
    120_000,
    `the ${operation} settled`,
  );
}
