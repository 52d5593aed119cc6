import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { mergeProvenance } from '../../../src/pipeline/export/provenance';
import { MirrorStore } from '../../../src/pipeline/import/mirror-store';
import { KeySpace } from '../../../src/state/key-space';
import { TEST_REDIS_URL, uniquePrefix } from '../../support/redis-test';

const ID = '003000000000001AAA';
const provenance = JSON.stringify({
  Department: {
    value: 'HR',
    provider: 'offline',
    confidence: 0.7,
    cost: 0,
    fetchedAt: '2026-12-06T02:44:13.597Z',
    rule: 'Fill_Blank',
    writtenAt: '2026-12-06T02:44:13.597Z',
  },
  Seniority__c: {
    value: 'Manager',
    provider: 'pdl',
    confidence: 0.9,
    cost: 1,
    fetchedAt: '2026-12-05T02:44:13.000Z',
    rule: 'Tracked',
    writtenAt: '2026-12-06T02:44:13.597Z',
  },
});
const fields = {
  Id: ID,
  SystemModstamp: '2026-12-06T02:43:58.000+0000',
  LastModifiedDate: '2026-12-06T02:43:58.000+0000',
  LastModifiedById: '005Hs0000000001IAA',
  Seniority__c: 'Manager',
  Department: null,
  Audience_Provenance__c: provenance,
  Audience_Last_Enriched_At__c: '2026-12-06T02:44:13.597Z',
  Title: 'CTO',
  Score__c: 12.5,
  HasOptedOutOfEmail: false,
  'Account.BillingCountry': 'United States',
};

describe('MirrorStore: the compact encoding', () => {
  const keys = new KeySpace(uniquePrefix('mirror-codec'));
  let redis: Redis;
  // Reads go through a store that did not write the record: the writer's own store reuses the fields it wrote.
  const fresh = () => new MirrorStore(redis, keys);

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
  });

  afterAll(async () => {
    const found = await redis.keys(`${keys.prefix}*`);
    if (found.length > 0) await redis.del(...found);
    await redis.quit();
  });

  it('when a record is stored, then it reads back exactly (provenance text included) and is far smaller than JSON', async () => {
    const mirror = new MirrorStore(redis, keys);
    await mirror.putMany([{ id: ID, object: 'Contact', fields }]);
    expect((await fresh().get('Contact', ID))?.fields).toEqual(fields);
    expect((await fresh().get('Contact', ID))?.fields.Audience_Provenance__c).toBe(provenance);
    const stored = (await redis.hget(keys.mirror('Contact'), ID)) as string;
    expect(stored.length).toBeLessThan(JSON.stringify(fields).length / 2);
    expect(Object.keys((await fresh().get('Contact', ID))?.fields ?? {})).toEqual(Object.keys(fields));
  });

  it('when the provenance text is one the planner just serialised, then it is packed from its entries, not parsed', async () => {
    const text = mergeProvenance(
      {},
      {
        Title: {
          value: 'VP Sales',
          provider: 'offline',
          confidence: 0.8,
          cost: 0,
          fetchedAt: '2026-12-07T02:44:13.597Z',
          rule: 'Tracked',
          writtenAt: '2026-12-07T02:44:14.000Z',
          previous: 'Sales',
        },
      },
    );
    const record = { ...fields, Id: '003000000000077AAA', Title: 'VP Sales', Audience_Provenance__c: text };
    const parse = vi.spyOn(JSON, 'parse');
    await new MirrorStore(redis, keys).putMany([{ id: record.Id, object: 'Contact', fields: record }]);
    expect(parse.mock.calls.filter(([parsed]) => parsed === text)).toEqual([]);
    parse.mockRestore();
    const stored = (await redis.hget(keys.mirror('Contact'), record.Id)) as string;
    expect(stored).not.toContain('provider'); // packed as rows, not kept as text
    expect((await fresh().get('Contact', record.Id))?.fields).toEqual(record);
  });

  it('when texts the planner serialised hold awkward values, then a store that did not write them reads each back exactly', async () => {
    const entry = (value: string | number | boolean | null, confidence: number, previous?: string | null) => ({
      value,
      provider: 'offline',
      confidence,
      cost: 0,
      fetchedAt: '2026-12-07T02:44:13.597Z',
      rule: 'Tracked' as const,
      writtenAt: '2026-12-07T02:44:14.000Z',
      previous: previous === undefined ? null : previous,
    });
    const texts = [
      mergeProvenance({}, { Title: entry('Q\u00fcote "x" \\ \n\u2028 \ud83d\ude00', 0.1 + 0.2, 'Old "one"') }),
      mergeProvenance({}, { Score__c: entry(1e21, 1e-7), Flag__c: entry(true, 0), Blank__c: entry(null, -0) }),
      mergeProvenance({}, { 'We"ird': entry('\ud800 lone', 0.5, null), Title: entry('', 1) }),
    ];
    const records = texts.map((text, i) => ({
      ...fields,
      Id: `00300000000009${i}AAA`,
      Audience_Provenance__c: text,
    }));
    await new MirrorStore(redis, keys).putMany(records.map((r) => ({ id: r.Id, object: 'Contact', fields: r })));
    for (const record of records) {
      // Packed as rows (not kept as text), and given back exactly.
      expect(await redis.hget(keys.mirror('Contact'), record.Id)).not.toContain('provider');
      expect((await fresh().get('Contact', record.Id))?.fields).toEqual(record);
    }
  });

  it('when provenance explains a value the record no longer holds, then that value is kept in its row', async () => {
    const mirror = new MirrorStore(redis, keys);
    const edited = { ...fields, Id: '003000000000003AAA', Seniority__c: 'VP', Department: 'Sales' };
    await mirror.putMany([{ id: edited.Id, object: 'Contact', fields: edited }]);
    const back = (await fresh().get('Contact', edited.Id))?.fields;
    expect(back).toEqual(edited);
    expect(back?.Audience_Provenance__c).toBe(provenance);
  });

  it('when a provenance entry has keys of its own (an undo mark, a hand edit), then the text is kept as it is', async () => {
    const marked = JSON.parse(provenance) as Record<string, Record<string, unknown>>;
    (marked.Department as Record<string, unknown>).undoneBy = '005000000000002AAA';
    const text = JSON.stringify(marked);
    const mirror = new MirrorStore(redis, keys);
    const record = { ...fields, Id: '003000000000005AAA', Audience_Provenance__c: text };
    await mirror.putMany([{ id: record.Id, object: 'Contact', fields: record }]);
    expect((await fresh().get('Contact', record.Id))?.fields.Audience_Provenance__c).toBe(text);
  });

  it('when provenance entries carry `previous` (undo), some of them, then the text still reads back exactly', async () => {
    const withPrevious = JSON.parse(provenance) as Record<string, Record<string, unknown>>;
    (withPrevious.Seniority__c as Record<string, unknown>).previous = 'Director';
    (withPrevious.Department as Record<string, unknown>).previous = null;
    const text = JSON.stringify(withPrevious);
    const mirror = new MirrorStore(redis, keys);
    const record = { ...fields, Id: '003000000000004AAA', Audience_Provenance__c: text };
    await mirror.putMany([{ id: record.Id, object: 'Contact', fields: record }]);
    expect((await fresh().get('Contact', record.Id))?.fields.Audience_Provenance__c).toBe(text);
    const stored = (await redis.hget(keys.mirror('Contact'), record.Id)) as string;
    expect(stored).not.toContain('fetchedAt');
  });

  it('when another process assigned the names, then a fresh store still reads the record', async () => {
    await new MirrorStore(redis, keys).putMany([{ id: ID, object: 'Contact', fields: { ...fields, Extra__c: 'x' } }]);
    const other = new MirrorStore(redis, keys);
    expect((await other.getMany('Contact', [ID])).get(ID)?.fields.Extra__c).toBe('x');
  });

  it('when values only look packable, then they are kept as they are', async () => {
    const odd = {
      Id: '003000000000009AAA',
      Note__c: '2026-12-06T02:43:58.000+0000 ',
      Audience_Provenance__c: '{"Title":{"value":"CTO","provider":"pdl","note":"hand-edited"}}',
      When__c: '2026-13-45T99:99:99.000Z',
    };
    const mirror = new MirrorStore(redis, keys);
    await mirror.putMany([{ id: 'OTHER000000000AAA', object: 'Contact', fields: odd }]);
    expect((await fresh().get('Contact', 'OTHER000000000AAA'))?.fields).toEqual(odd);
  });

  it('when a value was written by an earlier version (a JSON object), then it is read, and packed once patched', async () => {
    const legacyId = '003000000000002AAA';
    await redis.hset(keys.mirror('Contact'), legacyId, JSON.stringify({ Id: legacyId, Title: 'VP' }));
    const mirror = new MirrorStore(redis, keys);
    expect((await fresh().get('Contact', legacyId))?.fields).toEqual({ Id: legacyId, Title: 'VP' });
    await mirror.patch('Contact', legacyId, { Title: 'CEO' });
    expect((await redis.hget(keys.mirror('Contact'), legacyId))?.startsWith('[')).toBe(true);
    expect((await fresh().get('Contact', legacyId))?.fields).toEqual({ Id: legacyId, Title: 'CEO' });
    const scanned = [];
    for await (const page of mirror.scan('Contact')) scanned.push(...page);
    expect(scanned.find((r) => r.id === legacyId)?.fields.Title).toBe('CEO');
  });
});
