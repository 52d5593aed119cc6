import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RateLimit } from '../../../../src/pipeline/action/targets/shared/action-rate-limiter';
import {
  createSalesloftTarget,
  type SalesloftSettings,
} from '../../../../src/pipeline/action/targets/salesloft/salesloft-target';
import {
  SALESLOFT_FAKE_CADENCE_ID,
  startSalesloftFake,
  type SalesloftFake,
} from '../../../../../test/emulators/salesloft/index';
import { gate } from '../../../queues/queue-test-kit';
import { buildApplication, ManualClock, openTargetRedis, pausingPosts } from './target-test-kit';

let fake: SalesloftFake;
let redis: Redis;
let rootPrefix: string;
let cleanup: () => Promise<void>;
let prefix: string;
let testNumber = 0;

beforeAll(async () => {
  fake = await startSalesloftFake();
  ({ redis, prefix: rootPrefix, cleanup } = await openTargetRedis('salesloft'));
});

afterAll(async () => {
  await fake.stop();
  await cleanup();
});

beforeEach(() => {
  fake.control.reset();
  testNumber += 1;
  prefix = `${rootPrefix}:t${testNumber}`;
});

const cadence = String(SALESLOFT_FAKE_CADENCE_ID);

function target(options: { now?: () => number; rateLimit?: RateLimit; fetch?: typeof fetch } = {}) {
  return createSalesloftTarget({ config: { apiKey: fake.apiKey, baseUrl: fake.baseUrl }, redis, prefix, ...options });
}

const application = (overrides: Parameters<typeof buildApplication<SalesloftSettings>>[1] = {}) =>
  buildApplication<SalesloftSettings>({}, { type: 'Salesloft_Cadence', target: cadence, ...overrides });

/** The application of the same action to another record (a second Contact sharing the email, say). */
const otherRecord = { episodeKey: 'a01000000000001AAA-003000000000002AAA-1' };

/** A try whose membership POST never reaches Salesloft (the connection is cut): it fails after it chose the person. */
const cutBeforeEnrolling = pausingPosts('/cadence_memberships', () => Promise.reject(new Error('other side closed')));

const calls = () => fake.requests().map((r) => `${r.method} ${r.path.replace('/v2/', '')}`);
const current = () => fake.memberships().filter((m) => m.currentlyOnCadence);

describe('Salesloft_Cadence target', () => {
  it('when the person is new, then it is created and put on the cadence once', async () => {
    const result = await target().apply(application());
    expect(result).toMatchObject({ status: 'Succeeded', externalId: String(current()[0]?.id) });
    expect(calls()).toEqual(['GET people', 'POST people', 'POST cadence_memberships']);
    const membership = fake.requests().find((r) => r.path.endsWith('cadence_memberships'));
    expect(membership?.query).toMatchObject({ cadence_id: cadence });
    expect(fake.requests()[0]?.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
  });

  it('when a retry answers 422 (already on the cadence), then that membership is ours: Succeeded, no duplicate', async () => {
    const first = await target().apply(application());
    const retry = await target().apply(application({ attempt: 2 }));
    expect(retry).toMatchObject({ status: 'Succeeded', externalId: (first as { externalId: string }).externalId });
    expect(current()).toHaveLength(1);
  });

  it('when two records share the person, then the second one’s retry does not take the first one’s membership for its own', async () => {
    const first = await target().apply(application());
    expect(first).toMatchObject({ status: 'Succeeded' });
    // Another record with the same email, on a retry after a crash: the membership it finds was made for the first.
    const retry = await target().apply(application({ ...otherRecord, attempt: 2 }));
    expect(retry).toMatchObject({ status: 'Skipped', reason: 'already_in_target' });
    expect(current()).toHaveLength(1);
    expect(calls().filter((call) => call === 'POST cadence_memberships')).toHaveLength(1);
  });

  it('when the email changed before a retry, then the retry looks at the person its earlier try enrolled, and takes its membership only while the claim is its own', async () => {
    // The first try chose the person of the old email, then its POST was cut: nothing enrolled yet.
    const cut = await target({ fetch: cutBeforeEnrolling }).apply(application());
    expect(cut).toMatchObject({ status: 'Failed', retryable: true });
    // Meanwhile another record sharing the old email put that person on the cadence (its membership, its claim).
    const other = await target().apply(application(otherRecord));
    expect(other).toMatchObject({ status: 'Succeeded' });
    // A rep's edit changed the first record's email before its retry.
    const fields = { Email: 'olivia@personal.example', FirstName: 'Olivia', LastName: 'Martin' };
    const retry = await target().apply(application({ fields, attempt: 2 }));
    // The old person's membership is the other record's: the retry enrols the new email's person instead.
    expect(retry).toMatchObject({ status: 'Succeeded' });
    expect((retry as { externalId: string }).externalId).not.toBe((other as { externalId: string }).externalId);
    expect(current()).toHaveLength(2);
    // Its exit deletes its own membership only: the other record's stays on the cadence.
    const removed = await target().remove(
      application({ operation: 'remove', fields, appliedExternalId: (retry as { externalId: string }).externalId }),
    );
    expect(removed).toMatchObject({ status: 'Succeeded' });
    expect(current().map((m) => String(m.id))).toEqual([(other as { externalId: string }).externalId]);
  });

  it('when a retry takes over the claim while the other record’s POST is on its way, then whichever POST comes second is Skipped, not handed the other’s membership', async () => {
    const firstAtPost = gate();
    const otherAtPost = gate();
    const firstPosted = gate();
    const firstTarget = target({
      fetch: pausingPosts(
        '/cadence_memberships',
        async () => {
          firstAtPost.open();
          await otherAtPost.promise;
        },
        () => firstPosted.open(),
      ),
    });
    const otherTarget = target({
      fetch: pausingPosts('/cadence_memberships', async () => {
        otherAtPost.open();
        await firstPosted.promise;
      }),
    });
    const first = firstTarget.apply(application());
    await firstAtPost.promise;
    const other = otherTarget.apply(application({ ...otherRecord, attempt: 2 }));
    expect(await first).toMatchObject({ status: 'Succeeded', externalId: String(current()[0]?.id) });
    expect(await other).toMatchObject({ status: 'Skipped', reason: 'already_in_target' });
    expect(current()).toHaveLength(1);
  });

  it('when a person already put them on the cadence, then the first attempt is Skipped (already in target)', async () => {
    const personId = fake.control.addPerson('olivia.martin@acme.com');
    fake.control.addMembership(personId, SALESLOFT_FAKE_CADENCE_ID);
    const result = await target().apply(application());
    expect(result).toMatchObject({ status: 'Skipped', reason: 'already_in_target' });
    expect(current()).toHaveLength(1);
  });

  it('when creating the person answers 422 "has already been taken" (a race), then it looks up again and goes on', async () => {
    fake.control.raceNextPersonCreate();
    const result = await target().apply(application());
    expect(result).toMatchObject({ status: 'Succeeded' });
    expect(calls()).toEqual(['GET people', 'POST people', 'GET people', 'POST cadence_memberships']);
    expect(current()).toHaveLength(1);
  });

  it('when the record exits with Remove, then the membership is deleted', async () => {
    await target().apply(application());
    const result = await target().remove(application({ operation: 'remove' }));
    expect(result).toMatchObject({ status: 'Succeeded' });
    expect(current()).toHaveLength(0);
    expect(calls().at(-1)).toMatch(/^DELETE cadence_memberships\/\d+$/);
  });

  it('when the email changed between a try whose answer was lost and its retry, then the retry takes the first try’s membership', async () => {
    // The first try put the old email's person on the cadence; the worker died before it recorded the answer.
    const lost = await target().apply(application());
    expect(lost).toMatchObject({ status: 'Succeeded' });
    // A rep's edit changed the email before the retry: without the remembered person, a second one is enrolled.
    const fields = { Email: 'olivia@personal.example', FirstName: 'Olivia', LastName: 'Martin' };
    const retry = await target().apply(application({ fields, attempt: 2 }));
    expect(retry).toMatchObject({ status: 'Succeeded', externalId: (lost as { externalId: string }).externalId });
    expect(current()).toHaveLength(1);
  });

  it('when the record exits after its email changed, then the membership its apply recorded is deleted', async () => {
    const applied = await target().apply(application());
    // The edit that made the record leave also changed its email: no person has the new one.
    const removed = await target().remove(
      application({
        operation: 'remove',
        fields: { Email: 'olivia@personal.example' },
        appliedExternalId: (applied as { externalId: string }).externalId,
      }),
    );
    expect(removed).toMatchObject({ status: 'Succeeded' });
    expect(current()).toHaveLength(0);
  });

  it('when workers share the team budget, then together they make no more calls than it allows', async () => {
    const clock = ManualClock.at('2026-11-28T12:00:00Z');
    const budget = { capacity: 4, windowMs: 60_000 };
    const results = [];
    for (const email of ['a@acme.com', 'b@acme.com', 'c@acme.com']) {
      const worker = target({ now: clock.now, rateLimit: budget });
      results.push(await worker.apply(application({ fields: { Email: email } })));
    }
    // Each new person costs 3 calls: 4 fit in the minute, the next waits for the bucket to refill.
    expect(fake.requests()).toHaveLength(4);
    expect(results[1]).toMatchObject({ status: 'Failed', retryable: true, code: 'SALESLOFT_RATE_LIMITED' });
    expect((results[1] as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(2_000);
  });

  it('when Salesloft says the minute is spent (429, remaining 0), then every worker waits a minute without calling', async () => {
    const clock = ManualClock.at('2026-11-28T12:00:00Z');
    fake.control.setBudgetLeft(0);
    const first = await target({ now: clock.now }).apply(application());
    expect(first).toMatchObject({
      status: 'Failed',
      retryable: true,
      code: 'SALESLOFT_RATE_LIMITED',
      retryAfterMs: 60_000,
    });
    const seen = fake.requests().length;
    clock.advance(30_000);
    const second = await target({ now: clock.now }).apply(application({ attempt: 2 }));
    expect(second).toMatchObject({ status: 'Failed', retryable: true, retryAfterMs: 30_000 });
    expect(fake.requests()).toHaveLength(seen);
    fake.control.setBudgetLeft(600);
    clock.advance(30_000);
    expect(await target({ now: clock.now }).apply(application({ attempt: 3 }))).toMatchObject({ status: 'Succeeded' });
  });

  it('when the cadence does not exist, then validateTarget says so and an application fails for good', async () => {
    const salesloft = target();
    const missing = application({ target: '404' });
    expect(await salesloft.validateTarget?.(missing.action)).toBe('Salesloft has no cadence 404');
    expect(await salesloft.validateTarget?.(application().action)).toBeUndefined();
    expect(await salesloft.apply(missing)).toMatchObject({ status: 'Failed', retryable: false });
  });
});
