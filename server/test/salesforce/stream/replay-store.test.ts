import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ReplayStore } from '../../../src/salesforce/stream/replay-store';
import type { KeySpace } from '../../../src/state/key-space';
import { deleteTestKeys, openRedis, testKeySpace } from './stream-harness';

const CHANNEL = '/data/Audience_Loop__chn';
let redis: Redis;

beforeAll(async () => {
  redis = await openRedis();
});

afterAll(async () => {
  if (redis) await deleteTestKeys(redis);
  redis?.disconnect();
});

function freshStore(): { store: ReplayStore; keys: KeySpace } {
  const keys = testKeySpace('replay');
  return { store: new ReplayStore(redis, keys, CHANNEL), keys };
}

describe('ReplayStore', () => {
  it('when nothing was stored, then there is no replay id and no last change', async () => {
    const { store } = freshStore();
    expect(await store.get()).toBeUndefined();
    expect(await store.lastChangeSeen('Contact')).toBeUndefined();
  });

  it('when ids are committed out of order, then the stored id never moves backwards', async () => {
    const { store, keys } = freshStore();
    expect(await store.commit(10)).toBe(true);
    expect(await store.commit(7)).toBe(false);
    expect(await store.commit(10)).toBe(false);
    expect(await store.get()).toBe(10);
    expect(await store.commit(12)).toBe(true);
    expect(await store.get()).toBe(12);
    expect(await redis.get(keys.replayId(CHANNEL))).toBe('12');
  });

  it('when many commits race, then the highest one wins', async () => {
    const { store } = freshStore();
    const ids = Array.from({ length: 50 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
    await Promise.all(ids.map((id) => store.commit(id)));
    expect(await store.get()).toBe(50);
  });

  it('when changes are committed, then the latest commitTimestamp per object is kept', async () => {
    const { store } = freshStore();
    await store.commit(1, { entityName: 'Contact', commitTimestamp: 2_000 });
    await store.commit(2, { entityName: 'Contact', commitTimestamp: 1_000 });
    await store.commit(3, { entityName: 'Lead', commitTimestamp: 5_000 });
    expect(await store.lastChangeSeen('Contact')).toBe(2_000);
    expect(await store.lastChangeSeen('Lead')).toBe(5_000);
  });

  it('when the stored id was refused and replaced, then a lower id can be stored', async () => {
    const { store } = freshStore();
    await store.commit(900);
    await store.replace(4, { entityName: 'Account', commitTimestamp: 3_000 });
    expect(await store.get()).toBe(4);
    expect(await store.lastChangeSeen('Account')).toBe(3_000);
  });

  it('when the id is not an integer, then nothing is written', async () => {
    const { store } = freshStore();
    await expect(store.commit(1.5)).rejects.toThrow(/integer/);
    expect(await store.get()).toBeUndefined();
  });
});

describe('ReplayStore with a fencing token', () => {
  it('when a newer lease holder drew a higher fence, then the old holder is refused and nothing it sent is stored', async () => {
    const { keys } = freshStore();
    const fenceKey = `${keys.streamLease()}:fence`;
    const old = new ReplayStore(redis, keys, CHANNEL);
    const refusals: number[] = [];
    old.onFencedOut((error) => refusals.push(error.fence));
    old.fenceWith(await redis.incr(fenceKey));
    expect(await old.commit(10, { entityName: 'Contact', commitTimestamp: 1_000 })).toBe(true);
    expect(await old.committedFence()).toBe(1);

    const current = new ReplayStore(redis, keys, CHANNEL);
    current.fenceWith(await redis.incr(fenceKey));
    expect(await current.commit(11)).toBe(true);

    await expect(old.commit(50, { entityName: 'Contact', commitTimestamp: 9_000 })).rejects.toMatchObject({
      code: 'STREAM_FENCED_OUT',
      fence: 1,
      current: 2,
    });
    await expect(old.replace(5)).rejects.toMatchObject({ code: 'STREAM_FENCED_OUT' });
    expect(refusals).toEqual([1, 1]);
    expect(await current.get()).toBe(11);
    expect(await current.committedFence()).toBe(2);
    expect(await current.lastChangeSeen('Contact')).toBe(1_000);
  });
});
