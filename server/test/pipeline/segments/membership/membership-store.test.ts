import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MembershipStore } from '../../../../src/pipeline/segments/membership/membership-store';
import { KeySpace } from '../../../../src/state/key-space';
import { deletePrefixedKeys, TEST_REDIS_URL, uniquePrefix } from '../../../support/redis-test';

describe('MembershipStore.countActive', () => {
  const keys = new KeySpace(uniquePrefix('membership-store'));
  let redis: Redis;

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
  });

  afterAll(async () => {
    await deletePrefixedKeys(redis, keys.prefix);
    await redis.quit();
  });

  it('when an audience spans many HSCAN steps, then every open episode is counted once and closed ones are not', async () => {
    const store = new MembershipStore(redis, keys);
    const entries = Array.from({ length: 5_003 }, (_, i) => ({
      recordId: `003${String(i).padStart(12, '0')}AAA`,
      episode: (i % 7) + 1,
      // Open, closed, and episode numbers ending in 1 that are closed (`11:0`) or open (`21:1`).
      active: i % 3 !== 0,
    }));
    await store.set('a0B000000000001', entries);
    expect(await store.countActive('a0B000000000001')).toBe(entries.filter((e) => e.active).length);
    await store.set('a0B000000000002', [
      { recordId: '003000000000001AAA', episode: 11, active: false },
      { recordId: '003000000000002AAA', episode: 21, active: true },
      { recordId: '003000000000003AAA', episode: 1, active: false },
    ]);
    expect(await store.countActive('a0B000000000002')).toBe(1);
    expect(await store.countActive('a0B000000000404')).toBe(0);
  });

  it('when open episodes are counted, then the members are not sent to this process', async () => {
    const store = new MembershipStore(redis, keys);
    await store.set(
      'a0B000000000003',
      Array.from({ length: 3_000 }, (_, i) => ({ recordId: `003${i}`, episode: 1, active: true })),
    );
    const hscan = vi.spyOn(redis, 'hscan');
    const steps = vi.spyOn(redis, 'eval'); // calls through, keeping each reply
    expect(await store.countActive('a0B000000000003')).toBe(3_000);
    const replies = await Promise.all(steps.mock.results.map((result) => result.value as Promise<unknown>));
    steps.mockRestore();
    hscan.mockRestore();
    expect(hscan).not.toHaveBeenCalled();
    // Each step answers a cursor and a count, never the members.
    expect(replies.length).toBeGreaterThan(0);
    for (const reply of replies) expect(reply).toEqual([expect.any(String), expect.any(Number)]);
  });
});
