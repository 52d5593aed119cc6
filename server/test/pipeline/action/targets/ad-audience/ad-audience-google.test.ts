import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startGoogleAdsFake, type GoogleAdsFake } from '../../../../../../test/emulators/google-ads';
import type { ActionTarget } from '../../../../../src/pipeline/action/action-target';
import type { AdAudienceEnv } from '../../../../../src/pipeline/action/targets/ad-audience/ad-audience-env';
import {
  adAudienceSettingsSchema,
  type AdAudienceSettings,
} from '../../../../../src/pipeline/action/targets/ad-audience/ad-audience-settings';
import { createAdAudienceTarget } from '../../../../../src/pipeline/action/targets/ad-audience/create-ad-audience-target';
import { sha256Hex } from '../../../../../src/pipeline/action/targets/ad-audience/ad-identifiers';
import { application, connectRedis, silentLogger } from './ad-audience-test-kit';

const CUSTOMER = '9876543210';
const LIST = '555000111';
const OTHER_LIST = '555000222';
// Parsed as config load parses Settings__c: the dashes of a customer id go.
const GOOGLE: AdAudienceSettings = adAudienceSettingsSchema.parse({ platform: 'google', customerId: '987-654-3210' });

let fake: GoogleAdsFake;
let redisKit: Awaited<ReturnType<typeof connectRedis>>;
let redis: Redis;

function envFor(overrides: Partial<NonNullable<AdAudienceEnv['google']>> = {}): AdAudienceEnv {
  return {
    google: {
      ...fake.keys,
      baseUrl: fake.baseUrl,
      tokenUrl: fake.tokenUrl,
      ...overrides,
    },
    defaultPhoneRegion: 'US',
  };
}

function target(env = envFor()): ActionTarget<AdAudienceSettings> {
  return createAdAudienceTarget({ env, redis, prefix: redisKit.prefix, logger: silentLogger, busyRetryMs: 120_000 });
}

const person = (email: string) => application({ settings: GOOGLE, target: LIST, fields: { Email: email } });

beforeAll(async () => {
  fake = await startGoogleAdsFake();
  redisKit = await connectRedis('ad-google');
  redis = redisKit.redis;
});

afterAll(async () => {
  await fake.stop();
  await redisKit.cleanup();
});

beforeEach(async () => {
  fake.control.reset();
  fake.control.addUserList(CUSTOMER, LIST);
  fake.control.addUserList(CUSTOMER, OTHER_LIST);
  // Each test starts with free lists and no platform block.
  const keys = await redis.keys(`${redisKit.prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
});

describe('Ad_Audience target, Google Customer Match, against the Google Ads fake and real Redis', () => {
  it('puts a batch in one job: Pending with the job name, then poll reports Succeeded when the job finishes', async () => {
    const ads = target();
    const batch = [person('Ann@Example.com'), person('bob@example.com'), person('cy@example.com')];
    const results = await ads.applyMany!(batch);

    const jobName = fake.control.jobs()[0]!.resourceName;
    expect(fake.control.jobs()).toHaveLength(1);
    for (const app of batch) expect(results.get(app.key)).toMatchObject({ status: 'Pending', externalId: jobName });
    // One create, one addOperations with three operations, one run; headers as Google documents them.
    const calls = fake.requests().filter((request) => request.path.startsWith('/v26/'));
    expect(calls.map((call) => call.path.split(':').pop())).toEqual(['create', 'addOperations', 'run']);
    const add = calls[1]!.body as { operations: unknown[]; enablePartialFailure: boolean };
    expect(add.enablePartialFailure).toBe(true);
    expect(add.operations[0]).toEqual({ create: { userIdentifiers: [{ hashedEmail: sha256Hex('ann@example.com') }] } });
    for (const call of calls) {
      expect(call.headers['developer-token']).toBe(fake.keys.developerToken);
      expect(call.headers['login-customer-id']).toBe(fake.keys.loginCustomerId);
      expect(call.headers.authorization).toMatch(/^Bearer ya29\.fake-/);
    }

    const action = batch[0]!.action;
    expect(await ads.poll!(jobName, action)).toMatchObject({ status: 'Pending' });
    fake.control.advanceJob(jobName, 'SUCCESS');
    expect(await ads.poll!(jobName, action)).toEqual({
      status: 'Succeeded',
      externalId: jobName,
      message: 'Google Ads job finished',
    });
    expect(fake.control.members(CUSTOMER, LIST)).toEqual(
      new Set(['ann', 'bob', 'cy'].map((n) => sha256Hex(`${n}@example.com`))),
    );
  });

  it('refuses a second job on a list while one runs (retryable, after busyRetryMs), and allows it once polled done', async () => {
    const ads = target();
    const first = await ads.apply(person('ann@example.com'));
    expect(first.status).toBe('Pending');
    const jobName = (first as { externalId: string }).externalId;

    const refused = await ads.apply(person('bob@example.com'));
    expect(refused).toMatchObject({
      status: 'Failed',
      retryable: true,
      retryAfterMs: 120_000,
      code: 'AD_AUDIENCE_JOB_RUNNING',
    });
    expect(fake.control.jobs()).toHaveLength(1);
    // Another list is not held by this job.
    expect(
      (await ads.apply(application({ settings: GOOGLE, target: OTHER_LIST, fields: { Email: 'c@example.com' } })))
        .status,
    ).toBe('Pending');

    fake.control.advanceJob(jobName, 'SUCCESS');
    await ads.poll!(jobName, person('x@example.com').action);
    expect((await ads.apply(person('bob@example.com'))).status).toBe('Pending');
  });

  it('frees a list whose job finished without a poll (its worker gone) instead of waiting for the lock to expire', async () => {
    const ads = target();
    const first = await ads.apply(person('ann@example.com'));
    fake.control.advanceJob((first as { externalId: string }).externalId, 'SUCCESS');
    expect((await target().apply(person('bob@example.com'))).status).toBe('Pending');
  });

  it('skips a record without an email or a valid phone, with the reason, and sends nothing for it', async () => {
    const ads = target();
    const none = application({ settings: GOOGLE, target: LIST, fields: { Email: null, Phone: 'unknown' } });
    const some = person('ann@example.com');
    const results = await ads.applyMany!([none, some]);
    expect(results.get(none.key)).toEqual({
      status: 'Skipped',
      reason: 'no_identifier',
      message: 'no usable email and no valid phone number to match on',
    });
    expect(results.get(some.key)?.status).toBe('Pending');
    const add = fake.requests().find((request) => request.path.endsWith(':addOperations'))!.body as {
      operations: unknown[];
    };
    expect(add.operations).toHaveLength(1);
  });

  it('removes on exit in a job of its own, with remove operations, and the person leaves the list', async () => {
    const ads = target();
    const entered = await ads.apply(person('ann@example.com'));
    fake.control.advanceJob((entered as { externalId: string }).externalId, 'SUCCESS');
    await ads.poll!((entered as { externalId: string }).externalId, person('x@example.com').action);

    const exit = application({
      settings: GOOGLE,
      target: LIST,
      fields: { Email: 'ann@example.com' },
      operation: 'remove',
    });
    const removed = await ads.removeMany!([exit]);
    const jobName = (removed.get(exit.key) as { externalId: string }).externalId;
    const add = fake
      .requests()
      .filter((request) => request.path.endsWith(':addOperations'))
      .pop()!.body as {
      operations: Record<string, unknown>[];
    };
    expect(Object.keys(add.operations[0]!)).toEqual(['remove']);
    fake.control.advanceOnPoll(true);
    expect((await ads.poll!(jobName, exit.action)).status).toBe('Succeeded');
    expect(fake.control.members(CUSTOMER, LIST).size).toBe(0);
  });

  it('a retry whose earlier attempt already ran a job follows that job instead of submitting again', async () => {
    const ads = target();
    const first = person('ann@example.com');
    const jobName = ((await ads.apply(first)) as { externalId: string }).externalId;
    const retry = { ...first, attempt: 2, previousExternalId: jobName };
    expect(await ads.apply(retry)).toMatchObject({ status: 'Pending', externalId: jobName });
    expect(fake.control.jobs()).toHaveLength(1);
  });

  it('maps errors: quota → retryable after its retryDelay and every worker waits; 5xx → retryable; bad list and revoked credentials → not', async () => {
    fake.control.failNext(1, 'rate_limit');
    const limited = await target().apply(person('ann@example.com'));
    expect(limited).toMatchObject({
      status: 'Failed',
      retryable: true,
      retryAfterMs: 30_000,
      code: 'AD_AUDIENCE_RATE_LIMITED',
    });
    // Another worker (another target instance) does not call Google while the block lasts.
    const callsBefore = fake.requests().length;
    expect(await target().apply(person('bob@example.com'))).toMatchObject({
      code: 'AD_AUDIENCE_RATE_LIMITED',
      retryable: true,
    });
    expect(fake.requests().length).toBe(callsBefore);
    await redis.del(`${redisKit.prefix}:action:ad-audience:google:blocked-until`);

    fake.control.failNext(1, 'server_error');
    expect(await target().apply(person('cy@example.com'))).toMatchObject({
      retryable: true,
      code: 'AD_AUDIENCE_UNAVAILABLE',
    });

    const unknownList = application({ settings: GOOGLE, target: '999', fields: { Email: 'dee@example.com' } });
    expect(await target().apply(unknownList)).toMatchObject({
      status: 'Failed',
      retryable: false,
      code: 'AD_AUDIENCE_REJECTED',
      message: expect.stringContaining('offlineUserDataJobError.INVALID_USER_LIST_ID') as string,
    });

    const revoked = target(envFor({ refreshToken: 'revoked' }));
    expect(await revoked.apply(person('eve@example.com'))).toMatchObject({
      retryable: false,
      code: 'AD_AUDIENCE_AUTH',
    });
    const wrongManager = target(envFor({ loginCustomerId: '1111111111' }));
    expect(await wrongManager.apply(person('fay@example.com'))).toMatchObject({
      retryable: false,
      code: 'AD_AUDIENCE_AUTH',
      message: expect.stringContaining('USER_PERMISSION_DENIED') as string,
    });
  });

  it('a job Google reports FAILED settles as Failed with the reason and frees the list', async () => {
    const ads = target();
    const jobName = ((await ads.apply(person('ann@example.com'))) as { externalId: string }).externalId;
    fake.control.advanceJob(jobName, 'FAILED', 'INSUFFICIENT_MATCHED_TRANSACTIONS');
    expect(await ads.poll!(jobName, person('x@example.com').action)).toMatchObject({
      status: 'Failed',
      retryable: false,
      code: 'AD_AUDIENCE_JOB_FAILED',
      message: expect.stringContaining('INSUFFICIENT_MATCHED_TRANSACTIONS') as string,
    });
    expect((await ads.apply(person('bob@example.com'))).status).toBe('Pending');
  });

  it('reports a missing configuration and a Target__c that is not a list id at config load', async () => {
    const off = createAdAudienceTarget({
      env: { defaultPhoneRegion: 'US' },
      redis,
      prefix: redisKit.prefix,
      logger: silentLogger,
    });
    const action = person('a@example.com').action;
    expect(await off.validateTarget!(action)).toMatch(/^Google Ads is not configured/);
    expect(await target().validateTarget!({ ...action, target: 'my list' })).toMatch(/Target__c must be the user list/);
    expect(await target().validateTarget!(action)).toBeUndefined();
  });
});
