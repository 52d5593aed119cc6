import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
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

  it('when two patches of one record overlap (a change event and our own write-back), then both land', async () => {
    // The chaos Redis-restart finding: a rep's Title change patched in while the write-back of values computed
    // from the old Title patched the same record; the later HSET put the old Title back, so the record never
    // entered the audience it now matched. Both patches read the record before either writes (one connection,
    // started in the same tick), as the commands queued during a reconnect are replayed.
    const id = '003000000000003AAA';
    await mirror.putMany([{ id, object: 'Contact', fields: { Title: 'Engineer', Seniority__c: null } }]);
    await Promise.all([
      mirror.patch('Contact', id, { Title: 'Chief Executive Officer' }),
      mirror.patch('Contact', id, { Seniority__c: 'Entry' }),
    ]);
    const held = await mirror.get('Contact', id);
    expect(held?.fields).toMatchObject({ Title: 'Chief Executive Officer', Seniority__c: 'Entry' });
  });

  it('when a page read before a rep edit is stored after the edit was patched in, then the edit stays', async () => {
    // Change events carry LastModifiedDate, never SystemModstamp: the patched copy still had the page's stamp.
    const id = '003000000000005AAA';
    const before = { Title: 'Engineer', SystemModstamp: '2026-12-06T10:00:00.000+0000' };
    await mirror.putMany([{ id, object: 'Contact', fields: { ...before, LastModifiedDate: before.SystemModstamp } }]);
    await mirror.patch('Contact', id, {
      Title: 'Chief Executive Officer',
      LastModifiedDate: '2026-12-06T10:00:05.000Z',
    });
    const stalePage = {
      id,
      object: 'Contact' as const,
      fields: { ...before, LastModifiedDate: before.SystemModstamp },
    };
    const [held] = await mirror.putMany([stalePage]);
    expect(held?.fields.Title).toBe('Chief Executive Officer');
    expect((await mirror.get('Contact', id))?.fields.Title).toBe('Chief Executive Officer');
    // A page read after the edit (its stamp at or after it) still replaces the copy.
    const fresh = { Title: 'CEO', SystemModstamp: '2026-12-06T10:00:05.000+0000' };
    await mirror.putMany([{ id, object: 'Contact', fields: { ...fresh, LastModifiedDate: fresh.SystemModstamp } }]);
    expect((await mirror.get('Contact', id))?.fields.Title).toBe('CEO');
  });

  it('when the caller hands in the records it got from the store, then the patch reads nothing back', async () => {
    const id = '003000000000006AAA';
    const [stored] = await mirror.putMany([
      { id, object: 'Contact', fields: { Title: 'Engineer', AccountId: '001000000000006AAA' } },
    ]);
    const reads = vi.spyOn(redis, 'hmget');
    const patched = await mirror.patchMany(
      'Contact',
      new Map([[id, { Seniority__c: 'Entry' }]]),
      new Map([[id, stored!]]),
    );
    expect(reads).not.toHaveBeenCalled();
    reads.mockRestore();
    expect(patched.get(id)?.fields).toEqual({
      Title: 'Engineer',
      AccountId: '001000000000006AAA',
      Seniority__c: 'Entry',
    });
    expect((await mirror.get('Contact', id))?.fields).toEqual(patched.get(id)?.fields);
    // The patched copy is known too: a second patch from it needs no read either.
    const again = vi.spyOn(redis, 'hmget');
    await mirror.patchMany('Contact', new Map([[id, { Title: 'CTO' }]]), patched);
    expect(again).not.toHaveBeenCalled();
    again.mockRestore();
    expect((await mirror.get('Contact', id))?.fields).toMatchObject({ Title: 'CTO', Seniority__c: 'Entry' });
  });

  it('when a handed-in record changed in Redis meanwhile, then the patch reads it again and keeps both changes', async () => {
    const id = '003000000000007AAA';
    const [stored] = await mirror.putMany([
      { id, object: 'Contact', fields: { Title: 'Engineer', AccountId: '001000000000007AAA' } },
    ]);
    // Another process patches the record (a change event) after this one got its copy.
    const other = new MirrorStore(redis, keys);
    await other.patch('Contact', id, { Title: 'Chief Executive Officer', AccountId: '001000000000008AAA' });
    const patched = await mirror.patchMany(
      'Contact',
      new Map([[id, { Seniority__c: 'Entry' }]]),
      new Map([[id, stored!]]),
    );
    const expected = { Title: 'Chief Executive Officer', AccountId: '001000000000008AAA', Seniority__c: 'Entry' };
    expect(patched.get(id)?.fields).toEqual(expected);
    expect((await mirror.get('Contact', id))?.fields).toEqual(expected);
    expect(await mirror.contactsOfAccount('001000000000008AAA')).toEqual([id]);
    expect(await mirror.contactsOfAccount('001000000000007AAA')).toEqual([]);
  });

  it('when our echo already wrote the values the writer patches from its copy, then the writer writes nothing more', async () => {
    const id = '003000000000009AAA';
    const [stored] = await mirror.putMany([
      { id, object: 'Contact', fields: { Title: 'Engineer', SystemModstamp: '2026-11-28T10:00:00.000+0000' } },
    ]);
    // The echo of the write reaches the mirror first (another store: it could be another process).
    const echoAt = Date.parse('2026-11-28T10:05:00.000Z');
    const other = new MirrorStore(redis, keys);
    const echo = { Seniority__c: 'Entry', LastModifiedDate: '2026-11-28T10:05:00.000Z' };
    expect(await other.applyEchoes('Contact', new Map([[id, { changes: echo, at: echoAt }]]))).toEqual([id]);
    const scripts = vi.spyOn(redis, 'eval');
    const patched = await mirror.patchMany(
      'Contact',
      new Map([[id, { Seniority__c: 'Entry' }]]),
      new Map([[id, stored!]]),
    );
    // Round 1 compares against the copy in hand and loses; round 2 finds every value held and writes nothing.
    expect(scripts).toHaveBeenCalledTimes(1);
    scripts.mockRestore();
    expect(patched.get(id)?.fields).toEqual({
      Title: 'Engineer',
      SystemModstamp: '2026-11-28T10:00:00.000+0000',
      ...echo,
    });
    expect((await mirror.get('Contact', id))?.fields).toEqual(patched.get(id)?.fields);
  });

  it('when this store applied our echo first, then the writer patch from its older copy sends nothing at all', async () => {
    const id = '003000000000011AAA';
    const [stored] = await mirror.putMany([
      { id, object: 'Contact', fields: { Title: 'Engineer', SystemModstamp: '2026-11-28T10:00:00.000+0000' } },
    ]);
    // The same process's intake applies the echo before the writer settles the page (half the records of a sync).
    const echo = { Seniority__c: 'Entry', LastModifiedDate: '2026-11-28T10:05:00.000Z' };
    await mirror.applyEchoes('Contact', new Map([[id, { changes: echo, at: Date.parse(echo.LastModifiedDate) }]]));
    const scripts = vi.spyOn(redis, 'eval');
    const reads = vi.spyOn(redis, 'hmget');
    const patched = await mirror.patchMany(
      'Contact',
      new Map([[id, { Seniority__c: 'Entry' }]]),
      new Map([[id, stored!]]),
    );
    // Patched from the store's latest copy, which holds the values: no compare-and-set bound to fail, no read-back.
    expect(scripts).not.toHaveBeenCalled();
    expect(reads).not.toHaveBeenCalled();
    scripts.mockRestore();
    reads.mockRestore();
    const expected = { Title: 'Engineer', SystemModstamp: '2026-11-28T10:00:00.000+0000', ...echo };
    expect(patched.get(id)?.fields).toEqual(expected);
    expect((await mirror.get('Contact', id))?.fields).toEqual(expected);
  });

  it('when this store saw a newer copy without the patched values, then the patch lands on that copy', async () => {
    const id = '003000000000012AAA';
    const [stored] = await mirror.putMany([{ id, object: 'Contact', fields: { Title: 'Engineer', Phone: null } }]);
    // A rep's change patched in through this store after the page was read.
    await mirror.patch('Contact', id, { Phone: '+1 415 555 0100' });
    const patched = await mirror.patchMany('Contact', new Map([[id, { Title: 'CTO' }]]), new Map([[id, stored!]]));
    expect(patched.get(id)?.fields).toEqual({ Title: 'CTO', Phone: '+1 415 555 0100' });
    expect((await new MirrorStore(redis, keys).get('Contact', id))?.fields).toEqual(patched.get(id)?.fields);
  });

  it('when a copy handed in already holds the values but Redis does not, then the patch still writes them', async () => {
    const id = '003000000000010AAA';
    const [stored] = await mirror.putMany([{ id, object: 'Contact', fields: { Title: 'Engineer' } }]);
    await new MirrorStore(redis, keys).patch('Contact', id, { Title: 'Intern' });
    // The caller's copy says Engineer; the patch of Engineer must not be skipped on its word.
    const patched = await mirror.patchMany('Contact', new Map([[id, { Title: 'Engineer' }]]), new Map([[id, stored!]]));
    expect(patched.get(id)?.fields.Title).toBe('Engineer');
    expect((await mirror.get('Contact', id))?.fields.Title).toBe('Engineer');
  });

  it('when the stored bytes are the ones this store last wrote, then a read reuses their fields without decoding', async () => {
    const id = '003000000000011AAA';
    const [stored] = await mirror.putMany([{ id, object: 'Contact', fields: { Title: 'Engineer' } }]);
    const patched = await mirror.patchMany('Contact', new Map([[id, { Title: 'CTO' }]]), new Map([[id, stored!]]));
    expect((await mirror.get('Contact', id))?.fields).toBe(patched.get(id)?.fields);
    // Changed by another process: decoded afresh.
    await new MirrorStore(redis, keys).patch('Contact', id, { Title: 'CEO' });
    const read = await mirror.get('Contact', id);
    expect(read?.fields).not.toBe(patched.get(id)?.fields);
    expect(read?.fields.Title).toBe('CEO');
  });

  it("when a page spans many accounts, then each account's index holds exactly its contacts", async () => {
    // One account with more contacts than Lua unpacks at once, and 300 accounts of a few contacts each.
    const big = '001000000000900AAA';
    const records = Array.from({ length: 2400 }, (_, i) => ({
      id: `003${String(200_000 + i).padStart(15, '0')}`,
      object: 'Contact' as const,
      fields: { AccountId: i < 1500 ? big : `001${String(1000 + (i % 300)).padStart(15, '0')}` },
    }));
    await mirror.putMany(records);
    expect((await mirror.contactsOfAccount(big)).length).toBe(1500);
    for (const account of [0, 1, 299].map((n) => `001${String(1000 + n).padStart(15, '0')}`)) {
      const expected = records.filter((r) => r.fields.AccountId === account).map((r) => r.id);
      expect((await mirror.contactsOfAccount(account)).sort()).toEqual(expected.sort());
    }
  });

  it('when one compare-and-set carries non-ASCII values and a record changed meanwhile, then each ends right', async () => {
    const [kept, changed] = ['003000000000011AAA', '003000000000012AAA'];
    const held = await mirror.putMany([
      { id: kept, object: 'Contact', fields: { Title: 'Directeur général — Zürich ✓ 😀', Seniority__c: null } },
      { id: changed, object: 'Contact', fields: { Title: 'Engineer', Seniority__c: null } },
    ]);
    // Another process changes one record after this store got its copy.
    await new MirrorStore(redis, keys).patch('Contact', changed, { Title: 'Chief Executive Officer' });
    const patched = await mirror.patchMany(
      'Contact',
      new Map([
        [kept, { Seniority__c: 'Directeur' }],
        [changed, { Seniority__c: 'Entry' }],
      ]),
      new Map(held.map((r) => [r.id, r])),
    );
    const expected = { Title: 'Directeur général — Zürich ✓ 😀', Seniority__c: 'Directeur' };
    expect(patched.get(kept)?.fields).toEqual(expected);
    expect((await new MirrorStore(redis, keys).get('Contact', kept))?.fields).toEqual(expected);
    expect((await mirror.get('Contact', changed))?.fields).toEqual({
      Title: 'Chief Executive Officer',
      Seniority__c: 'Entry',
    });
  });

  it('patches a page larger than one round trip (2,000 records): every record, each keeping its other fields', async () => {
    const records = Array.from({ length: 4500 }, (_, i) => ({
      id: `003${String(100_000 + i).padStart(15, '0')}`,
      object: 'Contact' as const,
      fields: { Title: `Title ${i}`, Email: `p${i}@example.com`, SystemModstamp: '2026-11-28T10:00:00.000+0000' },
    }));
    await mirror.putMany(records);
    const patched = await mirror.patchMany(
      'Contact',
      new Map(records.map((r, i) => [r.id, { Title: `Patched ${i}` }])),
    );
    expect(patched.size).toBe(4500);
    const stored = await mirror.getMany(
      'Contact',
      records.map((r) => r.id),
    );
    records.forEach((r, i) => {
      expect(stored.get(r.id)?.fields).toMatchObject({ Title: `Patched ${i}`, Email: `p${i}@example.com` });
    });
  });
});
