import { randomBytes } from 'node:crypto';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ActionTarget } from '../../../../src/pipeline/action/action-target';
import type { OutreachConfig } from '../../../../src/pipeline/action/targets/outreach/outreach-config';
import {
  createOutreachTarget,
  type OutreachSettings,
} from '../../../../src/pipeline/action/targets/outreach/outreach-target';
import {
  OUTREACH_FAKE_CLIENT,
  OUTREACH_FAKE_INITIAL_REFRESH_TOKEN,
  OUTREACH_FAKE_MAILBOX_ID,
  OUTREACH_FAKE_SEQUENCE_ID,
  startOutreachFake,
  type OutreachFake,
} from '../../../../../test/emulators/outreach/index';
import { gate } from '../../../queues/queue-test-kit';
import {
  buildApplication,
  eventually,
  ManualClock,
  openTargetRedis,
  pausingPosts,
  silentLogger,
} from './target-test-kit';

let fake: OutreachFake;
let redis: Redis;
let rootPrefix: string;
let cleanup: () => Promise<void>;
let prefix: string;
let testNumber = 0;
const encryptionKey = randomBytes(32);

beforeAll(async () => {
  fake = await startOutreachFake();
  ({ redis, prefix: rootPrefix, cleanup } = await openTargetRedis('outreach'));
});

afterAll(async () => {
  await fake.stop();
  await cleanup();
});

beforeEach(() => {
  fake.control.reset();
  // A new chain of tokens per test: the fake starts again from its initial refresh token.
  testNumber += 1;
  prefix = `${rootPrefix}:t${testNumber}`;
});

const settings: OutreachSettings = { mailboxId: OUTREACH_FAKE_MAILBOX_ID };
const sequence = String(OUTREACH_FAKE_SEQUENCE_ID);

function config(): OutreachConfig {
  return {
    ...OUTREACH_FAKE_CLIENT,
    refreshToken: OUTREACH_FAKE_INITIAL_REFRESH_TOKEN,
    baseUrl: fake.baseUrl,
    tokenUrl: new URL('/oauth/token', fake.baseUrl),
    encryptionKey,
  };
}

function target(
  options: { now?: () => number; sleep?: (ms: number) => Promise<void> } = {},
): ActionTarget<OutreachSettings> {
  return createOutreachTarget({ config: config(), redis, prefix, logger: silentLogger, ...options });
}

const application = (overrides: Parameters<typeof buildApplication<OutreachSettings>>[1] = {}) =>
  buildApplication(settings, { type: 'Outreach_Sequence', target: sequence, ...overrides });

const apiCalls = () => fake.apiRequests().map((r) => `${r.method} ${r.path.replace('/api/v2/', '')}`);

describe('Outreach_Sequence target', () => {
  it('when the prospect is new, then it is created and added to the sequence with the mailbox', async () => {
    const result = await target().apply(application());
    expect(result).toMatchObject({ status: 'Succeeded' });
    expect(fake.sequenceStates()).toHaveLength(1);
    expect(fake.sequenceStates()[0]).toMatchObject({
      sequenceId: OUTREACH_FAKE_SEQUENCE_ID,
      mailboxId: OUTREACH_FAKE_MAILBOX_ID,
    });
    expect(result).toMatchObject({ externalId: String(fake.sequenceStates()[0]?.id) });
    const create = fake.apiRequests().find((r) => r.method === 'POST' && r.path.endsWith('/prospects'));
    expect(create?.headers['content-type']).toContain('application/vnd.api+json');
    expect(create?.body).toMatchObject({
      data: { type: 'prospect', attributes: { emails: ['olivia.martin@acme.com'], firstName: 'Olivia' } },
    });
  });

  it('when the create answers 422 "email hash has already been taken" (a race), then it looks up again and adds one sequence state', async () => {
    fake.control.raceNextProspectCreate();
    const result = await target().apply(application());
    expect(result).toMatchObject({ status: 'Succeeded' });
    expect(apiCalls()).toEqual(['GET prospects', 'POST prospects', 'GET prospects', 'POST sequenceStates']);
    expect(fake.sequenceStates()).toHaveLength(1);
  });

  it('when a retry finds the prospect active in the sequence, then that state is ours: Succeeded, no second state', async () => {
    const first = await target().apply(application());
    const retry = await target().apply(application({ attempt: 2 }));
    expect(retry).toMatchObject({ status: 'Succeeded', externalId: (first as { externalId: string }).externalId });
    expect(fake.sequenceStates()).toHaveLength(1);
    expect(apiCalls().filter((call) => call === 'POST sequenceStates')).toHaveLength(1);
  });

  it('when the email changed between a try whose answer was lost and its retry, then the retry takes the first try’s state', async () => {
    // The first try enrolled the prospect of the old email; the worker died before it recorded the answer.
    const lost = await target().apply(application());
    expect(lost).toMatchObject({ status: 'Succeeded' });
    // A rep's edit changed the email before the retry (the kill -9 chaos run: a second prospect enrolled too).
    const fields = { Email: 'olivia@personal.example', FirstName: 'Olivia', LastName: 'Martin', Title: 'VP Sales' };
    const retry = await target().apply(application({ fields, attempt: 2 }));
    expect(retry).toMatchObject({ status: 'Succeeded', externalId: (lost as { externalId: string }).externalId });
    expect(fake.sequenceStates()).toHaveLength(1);
    // The exit finishes it: nothing of ours stays in the sequence.
    const removed = await target().remove(
      application({ operation: 'remove', fields, appliedExternalId: (retry as { externalId: string }).externalId }),
    );
    expect(removed).toMatchObject({ status: 'Succeeded' });
    expect(fake.sequenceStates().map((s) => s.state)).toEqual(['finished']);
  });

  it('when two records share the prospect, then the second one’s retry does not take the first one’s state for its own', async () => {
    const first = await target().apply(application());
    expect(first).toMatchObject({ status: 'Succeeded' });
    // Another record with the same email, on a retry after a crash: the state it finds was added for the first.
    const other = { episodeKey: 'a01000000000001AAA-003000000000002AAA-1' };
    const retry = await target().apply(application({ ...other, attempt: 2 }));
    expect(retry).toMatchObject({ status: 'Skipped', reason: 'already_in_target' });
    expect(fake.sequenceStates()).toHaveLength(1);
  });

  it('when a retry takes over the claim while the other record’s POST is on its way, then whichever POST comes second is Skipped, not handed the other’s state', async () => {
    // The default-size chaos clean run: two records sharing an email both logged Succeeded on one sequence state.
    // The first claimed the prospect and was about to add its state; the other — a retry, its first try having
    // failed before it enrolled anything ("other side closed") — found no active state, took the claim over, and its
    // POST came second: refused (the prospect is active), it took the first one's state for its own.
    const firstAtPost = gate();
    const otherAtPost = gate();
    const firstPosted = gate();
    const firstTarget = createOutreachTarget({
      config: config(),
      redis,
      prefix,
      logger: silentLogger,
      fetch: pausingPosts(
        '/sequenceStates',
        async () => {
          firstAtPost.open();
          await otherAtPost.promise;
        },
        () => firstPosted.open(),
      ),
    });
    const otherTarget = createOutreachTarget({
      config: config(),
      redis,
      prefix,
      logger: silentLogger,
      fetch: pausingPosts('/sequenceStates', async () => {
        otherAtPost.open();
        await firstPosted.promise;
      }),
    });
    const first = firstTarget.apply(application());
    await firstAtPost.promise;
    const other = otherTarget.apply(application({ episodeKey: 'a01000000000001AAA-003000000000002AAA-1', attempt: 2 }));
    expect(await first).toMatchObject({ status: 'Succeeded', externalId: String(fake.sequenceStates()[0]?.id) });
    expect(await other).toMatchObject({ status: 'Skipped', reason: 'already_in_target' });
    expect(fake.sequenceStates()).toHaveLength(1);
  });

  it('when a person already put the prospect in the sequence, then the first attempt is Skipped (already in target)', async () => {
    const prospectId = fake.control.addProspect('olivia.martin@acme.com');
    fake.control.addSequenceState(prospectId, OUTREACH_FAKE_SEQUENCE_ID);
    const result = await target().apply(application());
    expect(result).toMatchObject({ status: 'Skipped', reason: 'already_in_target' });
    expect(fake.sequenceStates()).toHaveLength(1);
  });

  it('when the record has no email or opted out of email, then it is Skipped with the reason and Outreach is not called', async () => {
    const noEmail = await target().apply(application({ fields: { FirstName: 'Nobody', Email: null } }));
    const optedOut = await target().apply(
      application({ fields: { Email: 'olivia.martin@acme.com', HasOptedOutOfEmail: true } }),
    );
    expect(noEmail).toMatchObject({ status: 'Skipped', reason: 'no_email' });
    expect(optedOut).toMatchObject({ status: 'Skipped', reason: 'opted_out' });
    expect(fake.requests()).toHaveLength(0);
  });

  it('when Outreach refuses the email (excluded domain), then the application fails for good with its detail', async () => {
    const result = await target().apply(application({ fields: { Email: 'someone@excluded.test' } }));
    expect(result).toMatchObject({ status: 'Failed', retryable: false, code: 'OUTREACH_PROSPECT_REJECTED' });
    expect((result as { message: string }).message).toContain('excluded email address');
  });

  it('when the record exits with Remove, then its sequence state is finished', async () => {
    await target().apply(application());
    const result = await target().remove(application({ operation: 'remove' }));
    expect(result).toMatchObject({ status: 'Succeeded' });
    expect(fake.sequenceStates().map((s) => s.state)).toEqual(['finished']);
    const again = await target().remove(application({ operation: 'remove', attempt: 2 }));
    expect(again).toMatchObject({ status: 'Skipped', reason: 'not_in_target' });
  });

  it('when the record exits after its email changed, then the state its apply recorded is finished', async () => {
    const applied = await target().apply(application());
    const stateId = applied.status === 'Succeeded' ? applied.externalId : undefined;
    expect(stateId).toBeDefined();
    // The rep's edit that made the record leave also changed its email: no prospect has the new one.
    const fields = { Email: 'olivia@personal.example', FirstName: 'Olivia', LastName: 'Martin', Title: 'Intern' };
    const result = await target().remove(application({ operation: 'remove', fields, appliedExternalId: stateId }));
    expect(result).toMatchObject({ status: 'Succeeded', externalId: stateId });
    expect(fake.sequenceStates().map((s) => s.state)).toEqual(['finished']);
    // A retry of that remove (its first try finished the state, then the worker died) is Succeeded, not a second call.
    const again = await target().remove(
      application({ operation: 'remove', fields, appliedExternalId: stateId, attempt: 2 }),
    );
    expect(again).toMatchObject({ status: 'Succeeded', externalId: stateId });
    expect(apiCalls().filter((c) => c.endsWith('/actions/finish'))).toHaveLength(1);
  });

  it('when two workers refresh at once, then one refresh call is made and both use the new token', async () => {
    const release = fake.control.holdTokenRequests();
    let waiting = 0;
    const waitingSleep = async () => {
      waiting += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
    };
    const workerA = target({ sleep: waitingSleep });
    const workerB = target({ sleep: waitingSleep });
    const applied = Promise.all([
      workerA.apply(application()),
      workerB.apply(application({ fields: { Email: 'lucas.bernard@acme.com' } })),
    ]);
    // One worker holds the lock inside the token call, the other waits for it.
    const tokenCallsArrived = () => fake.requests().filter((r) => r.path === '/oauth/token').length;
    await eventually(() => tokenCallsArrived() === 1 && waiting > 0, 'one token call in flight, one worker waiting');
    release();
    const results = await applied;
    expect(results.map((r) => r.status)).toEqual(['Succeeded', 'Succeeded']);
    expect(fake.tokenRequests()).toEqual([{ refreshToken: OUTREACH_FAKE_INITIAL_REFRESH_TOKEN, ok: true }]);
    const bearers = new Set(fake.apiRequests().map((r) => r.headers.authorization));
    expect(bearers.size).toBe(1);
  });

  it('when Outreach rotated the refresh token, then a new instance after expiry refreshes with the rotated one, and Redis holds no raw token', async () => {
    const clock = ManualClock.at('2026-11-28T12:00:00Z');
    await target({ now: clock.now }).apply(application());
    const rotated = fake.currentRefreshToken();
    expect(rotated).not.toBe(OUTREACH_FAKE_INITIAL_REFRESH_TOKEN);

    // A restart two hours later: the access token has expired and the environment still names the first token.
    clock.advance(2 * 3_600_000);
    fake.control.expireAccessTokens();
    const result = await target({ now: clock.now }).apply(application({ fields: { Email: 'lucas.bernard@acme.com' } }));
    expect(result).toMatchObject({ status: 'Succeeded' });
    expect(fake.tokenRequests()).toEqual([
      { refreshToken: OUTREACH_FAKE_INITIAL_REFRESH_TOKEN, ok: true },
      { refreshToken: rotated, ok: true },
    ]);

    const keys = await redis.keys(`${prefix}:*`);
    const values = await Promise.all(keys.filter((key) => key.endsWith(':token')).map((key) => redis.get(key)));
    expect(values).toHaveLength(1);
    const stored = values[0] ?? '';
    expect(stored).not.toContain(fake.currentRefreshToken());
    expect(stored).not.toContain(rotated);
    expect(stored).not.toContain('access-');
    expect(stored).toMatch(/^v1\./);
  });

  it('when an access token is refused (401), then the target refreshes once and repeats the call', async () => {
    await target().apply(application());
    fake.control.expireAccessTokens();
    const result = await target().apply(application({ fields: { Email: 'lucas.bernard@acme.com' } }));
    expect(result).toMatchObject({ status: 'Succeeded' });
    expect(fake.tokenRequests().filter((t) => t.ok)).toHaveLength(2);
  });

  it('when Outreach answers 429 with Retry-After, then the attempt fails retryable with that wait and no worker calls until it passed', async () => {
    // The fake's rate headers are in real time: start the hand-moved clock there.
    const clock = new ManualClock(Date.now());
    fake.control.rateLimitNext(1, 30);
    const first = await target({ now: clock.now }).apply(application());
    expect(first).toMatchObject({
      status: 'Failed',
      retryable: true,
      code: 'OUTREACH_RATE_LIMITED',
      retryAfterMs: 30_000,
    });
    const callsAfter429 = fake.apiRequests().length;

    // Another worker, 10 s later: the shared block holds it back without a call.
    clock.advance(10_000);
    const second = await target({ now: clock.now }).apply(application({ attempt: 2 }));
    expect(second).toMatchObject({ status: 'Failed', retryable: true, retryAfterMs: 20_000 });
    expect(fake.apiRequests()).toHaveLength(callsAfter429);

    clock.advance(20_000);
    const third = await target({ now: clock.now }).apply(application({ attempt: 3 }));
    expect(third).toMatchObject({ status: 'Succeeded' });
  });

  it('when the sequence does not exist, then validateTarget says so', async () => {
    const outreach = target();
    const missing = buildApplication(settings, { type: 'Outreach_Sequence', target: '999' }).action;
    expect(await outreach.validateTarget?.(missing)).toBe('Outreach has no sequence 999');
    expect(await outreach.validateTarget?.({ ...missing, target: 'abc' })).toContain('must be an Outreach sequence id');
    expect(await outreach.validateTarget?.({ ...missing, target: sequence })).toBeUndefined();
  });
});
