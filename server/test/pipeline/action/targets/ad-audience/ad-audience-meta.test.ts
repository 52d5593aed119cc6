import type { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { META_MAX_ROWS, startMetaFake, type MetaFake } from '../../../../../../test/emulators/meta';
import type { ActionApplication, ActionTarget } from '../../../../../src/pipeline/action/action-target';
import {
  adAudienceSettingsSchema,
  type AdAudienceSettings,
} from '../../../../../src/pipeline/action/targets/ad-audience/ad-audience-settings';
import { sha256Hex } from '../../../../../src/pipeline/action/targets/ad-audience/ad-identifiers';
import { createAdAudienceTarget } from '../../../../../src/pipeline/action/targets/ad-audience/create-ad-audience-target';
import { application, connectRedis, silentLogger } from './ad-audience-test-kit';

const AUDIENCE = '23850000000000001';
const META: AdAudienceSettings = adAudienceSettingsSchema.parse({ platform: 'meta' });

let fake: MetaFake;
let redisKit: Awaited<ReturnType<typeof connectRedis>>;
let redis: Redis;

function target(accessToken = fake.accessToken): ActionTarget<AdAudienceSettings> {
  return createAdAudienceTarget({
    env: { meta: { accessToken, apiVersion: 'v25.0', baseUrl: fake.baseUrl }, defaultPhoneRegion: 'US' },
    redis,
    prefix: redisKit.prefix,
    logger: silentLogger,
  });
}

const person = (index: number, operation: 'apply' | 'remove' = 'apply'): ActionApplication<AdAudienceSettings> =>
  application({ settings: META, target: AUDIENCE, fields: { Email: `p${index}@example.com` }, operation });

beforeAll(async () => {
  fake = await startMetaFake();
  fake.control.addAudience(AUDIENCE);
  redisKit = await connectRedis('ad-meta');
  redis = redisKit.redis;
});

afterAll(async () => {
  await fake.stop();
  await redisKit.cleanup();
});

beforeEach(async () => {
  fake.control.reset();
  const keys = await redis.keys(`${redisKit.prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
});

describe('Ad_Audience target, Meta Custom Audiences, against the Meta fake and real Redis', () => {
  it('sends 25,000 entries in 3 calls of at most 10,000 rows tied by one session, and every one Succeeded', async () => {
    const batch = Array.from({ length: 25_000 }, (_, index) => person(index));
    const results = await target().applyMany!(batch);

    const calls = fake.requests();
    expect(calls.map((call) => [call.method, call.rows])).toEqual([
      ['POST', 10_000],
      ['POST', 10_000],
      ['POST', 5_000],
    ]);
    const sessions = calls.map((call) => JSON.parse(call.body.session!) as Record<string, unknown>);
    expect(new Set(sessions.map((session) => session.session_id)).size).toBe(1);
    expect(sessions.map((session) => [session.batch_seq, session.last_batch_flag])).toEqual([
      [1, false],
      [2, false],
      [3, true],
    ]);
    expect(JSON.parse(calls[0]!.body.payload!)).toMatchObject({ schema: ['EMAIL', 'PHONE'] });
    expect([...results.values()].every((result) => result.status === 'Succeeded')).toBe(true);
    expect(results.size).toBe(25_000);
    expect(fake.control.members(AUDIENCE).size).toBe(25_000);
    expect(fake.control.members(AUDIENCE).has(sha256Hex('p7@example.com'))).toBe(true);
  });

  it('removes on exit with DELETE and the same rows; the person leaves the audience', async () => {
    await target().apply(person(1));
    expect(fake.control.members(AUDIENCE).size).toBe(1);
    const removed = await target().removeMany!([person(1, 'remove')]);
    expect([...removed.values()][0]?.status).toBe('Succeeded');
    expect(fake.requests().at(-1)?.method).toBe('DELETE');
    expect(fake.control.members(AUDIENCE).size).toBe(0);
  });

  it('skips a record without identifiers and sends the others', async () => {
    const none = application({ settings: META, target: AUDIENCE, fields: { Email: '', Phone: null } });
    const phoneOnly = application({ settings: META, target: AUDIENCE, fields: { MobilePhone: '+1 650 253 1234' } });
    const results = await target().applyMany!([none, phoneOnly]);
    expect(results.get(none.key)).toMatchObject({ status: 'Skipped', reason: 'no_identifier' });
    expect(results.get(phoneOnly.key)?.status).toBe('Succeeded');
    expect(JSON.parse(fake.requests()[0]!.body.payload!)).toEqual({
      schema: ['EMAIL', 'PHONE'],
      data: [['', sha256Hex('16502531234')]],
    });
  });

  it('maps errors: a rate limit is retryable after the usage header’s wait and holds every worker; a bad token or a flagged audience is not', async () => {
    fake.control.failNext(1, 'rate_limit');
    const batch = Array.from({ length: 3 }, (_, index) => person(100 + index));
    const limited = await target().applyMany!(batch);
    for (const app of batch) {
      expect(limited.get(app.key)).toMatchObject({
        status: 'Failed',
        retryable: true,
        retryAfterMs: 2 * 60_000,
        code: 'AD_AUDIENCE_RATE_LIMITED',
      });
    }
    const callsBefore = fake.requests().length;
    expect(await target().apply(person(200))).toMatchObject({ code: 'AD_AUDIENCE_RATE_LIMITED', retryable: true });
    expect(fake.requests().length).toBe(callsBefore);
    await redis.del(`${redisKit.prefix}:action:ad-audience:meta:blocked-until`);

    fake.control.failNext(1, 'server_error');
    expect(await target().apply(person(201))).toMatchObject({ retryable: true, code: 'AD_AUDIENCE_UNAVAILABLE' });
    expect(await target('wrong-token').apply(person(202))).toMatchObject({
      retryable: false,
      code: 'AD_AUDIENCE_AUTH',
    });
    fake.control.failNext(1, 'flagged');
    expect(await target().apply(person(203))).toMatchObject({
      retryable: false,
      code: 'AD_AUDIENCE_REJECTED',
      message: expect.stringContaining('code 100/1713230') as string,
    });
    const unknown = application({ settings: META, target: '42', fields: { Email: 'x@example.com' } });
    expect(await target().apply(unknown)).toMatchObject({ retryable: false, code: 'AD_AUDIENCE_REJECTED' });
  });
});

describe('Meta fake: the platform rules it enforces', () => {
  const post = (rows: unknown[], token = fake.accessToken) =>
    fetch(`${fake.baseUrl}/v25.0/${AUDIENCE}/users`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ payload: JSON.stringify({ schema: ['EMAIL'], data: rows }), access_token: token }),
    });

  it('refuses more than 10,000 rows in one call with a Graph API error body', async () => {
    const reply = await post(Array.from({ length: META_MAX_ROWS + 1 }, (_, index) => [sha256Hex(String(index))]));
    expect(reply.status).toBe(400);
    expect(((await reply.json()) as { error: Record<string, unknown> }).error).toMatchObject({
      type: 'OAuthException',
      code: 100,
      fbtrace_id: expect.any(String) as string,
    });
  });

  it('counts plain emails and upper-case hashes as invalid entries and keeps the valid rows', async () => {
    const upper = sha256Hex('a@example.com').toUpperCase();
    const reply = await post([['plain@example.com'], [upper], [sha256Hex('b@example.com')]]);
    expect(await reply.json()).toMatchObject({
      num_received: 3,
      num_invalid_entries: 2,
      invalid_entry_samples: { 'plain@example.com': 'Invalid hash format', [upper]: 'Invalid hash format' },
    });
    expect(fake.control.members(AUDIENCE)).toEqual(new Set([sha256Hex('b@example.com')]));
  });
});
