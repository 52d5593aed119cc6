import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RecordRequestLimit } from '../../src/commands/record-request-limit';
import { KeySpace } from '../../src/state/key-space';
import { createRedis } from '../../src/state/redis';
import { TEST_REDIS_URL, uniquePrefix } from '../support/redis-test';

const REP = '005Hs0000000003IAA';
const OTHER_REP = '005Hs0000000004IAA';
const HOUR = 3_600_000;

let redis: Redis;
const keys = new KeySpace(uniquePrefix('record-requests'));

beforeAll(async () => {
  redis = createRedis(TEST_REDIS_URL, { name: 'record-request-limit-test' });
  await redis.connect();
});

afterAll(async () => {
  await redis.del(keys.recordRequests(REP), keys.recordRequests(OTHER_REP));
  redis.disconnect();
});

describe('record requests per requester and hour (Redis)', () => {
  it('when one requester makes a 61st request within an hour, then it is refused; an hour after the first, one is admitted again', async () => {
    let now = Date.parse('2026-11-20T12:00:00Z');
    const limit = new RecordRequestLimit(redis, keys, { perHour: 60, now: () => now });
    const admitted: boolean[] = [];
    for (let i = 0; i < 61; i++) {
      admitted.push(await limit.take(REP, `event-${i}`));
      now += 1_000;
    }
    expect(admitted.filter(Boolean)).toHaveLength(60);
    expect(admitted.at(-1)).toBe(false);
    // Another requester has an allowance of its own.
    expect(await limit.take(OTHER_REP, 'other-0')).toBe(true);
    // A redelivered event is admitted without counting twice; a new one is still refused.
    expect(await limit.take(REP, 'event-59')).toBe(true);
    expect(await limit.take(REP, 'event-61')).toBe(false);
    // Sliding hour: once the first request is an hour old, one more fits.
    now = Date.parse('2026-11-20T12:00:00Z') + HOUR + 1;
    expect(await limit.take(REP, 'event-62')).toBe(true);
    expect(await limit.take(REP, 'event-63')).toBe(false);
  });

  it('when the process restarts, then the count it left in Redis still holds', async () => {
    const now = () => Date.parse('2026-11-21T08:00:00Z');
    const before = new RecordRequestLimit(redis, keys, { perHour: 2, now });
    expect(await before.take(OTHER_REP, 'a')).toBe(true);
    expect(await before.take(OTHER_REP, 'b')).toBe(true);
    const after = new RecordRequestLimit(redis, keys, { perHour: 2, now });
    expect(await after.take(OTHER_REP, 'c')).toBe(false);
    expect(await redis.pttl(keys.recordRequests(OTHER_REP))).toBeGreaterThan(0);
  });
});
