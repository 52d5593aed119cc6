import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MirrorStore } from '../../../src/pipeline/import/mirror-store';
import { KeySpace } from '../../../src/state/key-space';
import { TEST_REDIS_URL, uniquePrefix } from '../../support/redis-test';

describe('MirrorStore', () => {
  const keys = new KeySpace(uniquePrefix('mirror'));
  let redis: Redis;
  let mirror: MirrorStore;

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
    mirror = new MirrorStore(redis, keys);
  });

  afterAll(async () => {
    const found = await redis.keys(`${keys.prefix}*`);
    if (found.length > 0) await redis.del(...found);
    await redis.quit();
  });

  it('when an import page read before a change arrives after it, then the newer mirrored copy is kept', async () => {
    const newer = {
      id: '003000000000001AAA',
      object: 'Contact' as const,
      fields: { Title: 'VP Sales', SystemModstamp: '2026-11-28T10:00:05.000+0000', AccountId: '001000000000001AAA' },
    };
    await mirror.putMany([newer]);
    const stale = {
      ...newer,
      fields: { ...newer.fields, Title: 'Sales Rep', SystemModstamp: '2026-11-28T10:00:00.000+0000' },
    };
    const held = await mirror.putMany([stale]);
    expect(held[0]?.fields.Title).toBe('VP Sales');
    expect((await mirror.get('Contact', newer.id))?.fields.Title).toBe('VP Sales');
    expect(await mirror.contactsOfAccount('001000000000001AAA')).toEqual([newer.id]);
  });

  it('when a newer copy arrives, then it replaces the mirrored one', async () => {
    const id = '003000000000002AAA';
    await mirror.putMany([
      { id, object: 'Contact', fields: { Title: 'A', SystemModstamp: '2026-11-28T10:00:00.000+0000' } },
    ]);
    await mirror.putMany([
      { id, object: 'Contact', fields: { Title: 'B', SystemModstamp: '2026-11-28T10:00:01.000+0000' } },
    ]);
    expect((await mirror.get('Contact', id))?.fields.Title).toBe('B');
  });
});
