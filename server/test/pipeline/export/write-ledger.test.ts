import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import * as markers from '../../../src/pipeline/export/echo-marker';
import { WriteLedger } from '../../../src/pipeline/export/write-ledger';
import { TEST_REDIS_URL, uniquePrefix } from '../../support/redis-test';

// Calls through: the tests below count how often an echo's markers are computed.
vi.mock('../../../src/pipeline/export/echo-marker', async (importOriginal) => {
  const actual = await importOriginal<typeof markers>();
  return { ...actual, echoMarker: vi.fn(actual.echoMarker) };
});

const INTEGRATION_USER = '005000000000001AAA';
const PERSON = '005000000000002AAA';

let redis: Redis;
const prefix = uniquePrefix('export-ledger');
let recordCounter = 0;

/** A record id of its own per test; afterAll deletes every key of the test's own prefix. */
function nextRecordId(): string {
  recordCounter += 1;
  return `003${String(recordCounter).padStart(12, '0')}AAA`;
}

beforeAll(async () => {
  redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
});

afterAll(async () => {
  const created = await redis.keys(`${prefix}*`);
  if (created.length > 0) await redis.del(...created);
  await redis.quit();
});

describe('WriteLedger: the ledger', () => {
  it('when writes are recorded, then get returns each field with its value and time', async () => {
    const ledger = new WriteLedger(redis, { prefix });
    const id = nextRecordId();
    await ledger.recordWrites(
      id,
      { Title: 'CTO', Contact_Score__c: 12.5, HasOptedOutOfEmail: false },
      new Date('2026-11-28T12:00:00Z'),
    );
    expect(await ledger.get(id)).toEqual({
      Title: { value: 'CTO', writtenAt: '2026-11-28T12:00:00.000Z' },
      Contact_Score__c: { value: 12.5, writtenAt: '2026-11-28T12:00:00.000Z' },
      HasOptedOutOfEmail: { value: false, writtenAt: '2026-11-28T12:00:00.000Z' },
    });
  });

  it('when a rep undo is recorded, then the entry says who undid it and the other fields are untouched', async () => {
    const ledger = new WriteLedger(redis, { prefix });
    const id = nextRecordId();
    await ledger.recordWrites(id, { Title: 'CTO', Department: 'IT' }, new Date('2026-11-28T12:00:00Z'));
    await ledger.recordUndosMany([
      {
        recordId: id,
        undos: [
          {
            field: 'Title',
            value: 'CTO',
            writtenAt: '2026-11-28T12:00:00.000Z',
            undoneBy: PERSON,
            undoneAt: '2026-11-29T08:00:00.000Z',
          },
        ],
      },
      { recordId: nextRecordId(), undos: [] },
    ]);
    expect(await ledger.get(id)).toEqual({
      Title: {
        value: 'CTO',
        writtenAt: '2026-11-28T12:00:00.000Z',
        undoneBy: PERSON,
        undoneAt: '2026-11-29T08:00:00.000Z',
      },
      Department: { value: 'IT', writtenAt: '2026-11-28T12:00:00.000Z' },
    });
    // A later write of another field keeps the undo mark (the packed ledger replaces only the fields written).
    await ledger.recordWrites(id, { Department: 'Sales' }, new Date('2026-11-30T12:00:00Z'));
    expect((await ledger.get(id)).Title).toMatchObject({ undoneBy: PERSON, undoneAt: '2026-11-29T08:00:00.000Z' });
  });

  it('when a field is written again, then only its entry is replaced', async () => {
    const ledger = new WriteLedger(redis, { prefix });
    const id = nextRecordId();
    await ledger.recordWrites(id, { Title: 'CTO', Department: 'IT' }, new Date('2026-11-01T00:00:00Z'));
    await ledger.recordWrites(id, { Title: 'CEO' }, new Date('2026-11-02T00:00:00Z'));
    const entries = await ledger.get(id);
    expect(entries.Title).toEqual({ value: 'CEO', writtenAt: '2026-11-02T00:00:00.000Z' });
    expect(entries.Department).toEqual({ value: 'IT', writtenAt: '2026-11-01T00:00:00.000Z' });
  });

  it('when recorded, then it lives in the one ledger hash under the prefix and counts as gone once its time is up', async () => {
    let now = Date.parse('2026-11-28T12:00:00Z');
    const ledger = new WriteLedger(redis, { prefix, ledgerTtlMs: 60_000, now: () => now });
    const id = nextRecordId();
    await ledger.recordWrites(id, { Title: 'CTO' }, new Date(now));
    expect(ledger.ledgerKey(id)).toBe(`${prefix}:ledger`);
    expect(await redis.hexists(`${prefix}:ledger`, id)).toBe(1);
    now += 59_000;
    expect((await ledger.get(id)).Title?.value).toBe('CTO');
    now += 2_000;
    expect(await ledger.get(id)).toEqual({});
  });

  it('when a ledger was kept the pre-issue-19 way (one hash per record), then it is read, and migrated once', async () => {
    const ledger = new WriteLedger(redis, { prefix });
    const id = nextRecordId();
    const legacyKey = `${prefix}:ledger:${id}`;
    await redis.hset(legacyKey, 'Title', JSON.stringify({ value: 'CTO', writtenAt: '2026-11-28T12:00:00.000Z' }));
    await redis.hset(legacyKey, 'Department', JSON.stringify({ value: 'IT', writtenAt: '2026-11-28T12:00:00.000Z' }));
    await redis.del(`${prefix}:state-version`);
    expect(await ledger.get(id)).toEqual({
      Title: { value: 'CTO', writtenAt: '2026-11-28T12:00:00.000Z' },
      Department: { value: 'IT', writtenAt: '2026-11-28T12:00:00.000Z' },
    });
    await ledger.recordWrites(id, { Title: 'CEO' }, new Date('2026-11-29T12:00:00Z'));
    await ledger.migrateLegacy();
    expect(await redis.exists(legacyKey)).toBe(0);
    expect(await redis.get(`${prefix}:state-version`)).toBe('2');
    expect(await new WriteLedger(redis, { prefix }).get(id)).toEqual({
      Title: { value: 'CEO', writtenAt: '2026-11-29T12:00:00.000Z' },
      Department: { value: 'IT', writtenAt: '2026-11-28T12:00:00.000Z' },
    });
  });

  it('when many records are read, then each id gets its entries in one pipelined call, unknown ones empty', async () => {
    const ledger = new WriteLedger(redis, { prefix });
    const [a, b, unknown] = [nextRecordId(), nextRecordId(), nextRecordId()];
    await ledger.recordWrites(a, { Title: 'CTO' });
    await ledger.recordWrites(b, { Title: 'CEO' });
    const many = await ledger.getMany([a, b, unknown]);
    expect(many.get(a)?.Title?.value).toBe('CTO');
    expect(many.get(b)?.Title?.value).toBe('CEO');
    expect(many.get(unknown)).toEqual({});
    expect(await ledger.getMany([])).toEqual(new Map());
  });

  it('when an entry is unreadable, then it counts as missing and the others still load', async () => {
    const ledger = new WriteLedger(redis, { prefix });
    const id = nextRecordId();
    await ledger.recordWrites(id, { Title: 'CTO' });
    const packed = (await redis.hget(ledger.ledgerKey(id), id)) as string;
    await redis.hset(ledger.ledgerKey(id), id, `${packed}\x1e7\x1f1\x1f{not json\x1e8\x1f1\x1f{"value":{}}`);
    expect(await ledger.get(id)).toEqual({ Title: expect.objectContaining({ value: 'CTO' }) });
  });

  it('when a record is forgotten, then its ledger and echo markers are gone', async () => {
    const ledger = new WriteLedger(redis, { prefix });
    const id = nextRecordId();
    await ledger.recordWrites(id, { Title: 'CTO' });
    await ledger.markPendingEcho(id, { Title: 'CTO' });
    await ledger.forget(id);
    expect(await redis.hexists(ledger.ledgerKey(id), id)).toBe(0);
    expect(await redis.exists(ledger.echoKey(id))).toBe(0);
  });
});

describe('WriteLedger: echo detection', () => {
  const written = {
    Title: 'CTO',
    Contact_Score__c: 12.5,
    Job_Change_Detected_At__c: '2026-11-28T10:00:00.000Z',
    Audience_Provenance__c: JSON.stringify({ Title: { value: 'CTO', provider: 'pdl', note: 'x'.repeat(500) } }),
  };

  async function marked(ttlMs?: number) {
    const ledger = new WriteLedger(redis, { prefix });
    const id = nextRecordId();
    await ledger.markPendingEcho(id, written, ttlMs);
    return { ledger, id };
  }

  it('when the integration user changed exactly the fields we wrote with those values, then it is an echo', async () => {
    const { ledger, id } = await marked();
    const changed = [...Object.keys(written), 'LastModifiedDate', 'LastModifiedById', 'SystemModstamp'];
    const body = { ...written, LastModifiedDate: '2026-11-28T12:00:01.000Z' };
    expect(await ledger.isEcho(id, changed, body, INTEGRATION_USER, INTEGRATION_USER)).toBe(true);
  });

  it('when the echo carries a subset of our fields in Salesforce spellings, then it is still an echo', async () => {
    const { ledger, id } = await marked();
    const body = { Contact_Score__c: 12.5, Job_Change_Detected_At__c: '2026-11-28T10:00:00.000+0000', Title: 'CTO ' };
    expect(await ledger.isEcho(id, Object.keys(body), body, INTEGRATION_USER, INTEGRATION_USER)).toBe(true);
  });

  it('when the commit user id is the 15-character form of the integration user, then it is still an echo', async () => {
    const { ledger, id } = await marked();
    expect(await ledger.isEcho(id, ['Title'], { Title: 'CTO' }, INTEGRATION_USER.slice(0, 15), INTEGRATION_USER)).toBe(
      true,
    );
  });

  it('when an extra field changed as well, then it is not an echo', async () => {
    const { ledger, id } = await marked();
    const body = { Title: 'CTO', Phone: '+14155550132' };
    expect(await ledger.isEcho(id, ['Title', 'Phone'], body, INTEGRATION_USER, INTEGRATION_USER)).toBe(false);
  });

  it('when a field carries a different value than we wrote, then it is not an echo', async () => {
    const { ledger, id } = await marked();
    expect(await ledger.isEcho(id, ['Title'], { Title: 'CEO' }, INTEGRATION_USER, INTEGRATION_USER)).toBe(false);
  });

  it('when a changed field is missing from the body (set to null), then it is not an echo', async () => {
    const { ledger, id } = await marked();
    expect(await ledger.isEcho(id, ['Title'], {}, INTEGRATION_USER, INTEGRATION_USER)).toBe(false);
  });

  it('when another user made the change, then it is not an echo even with our exact values', async () => {
    const { ledger, id } = await marked();
    expect(await ledger.isEcho(id, ['Title'], { Title: 'CTO' }, PERSON, INTEGRATION_USER)).toBe(false);
  });

  it('when the marker has expired, then it is not an echo', async () => {
    // The ledger's clock, moved past the marker's lifetime (the Redis key itself still lives: the ledger must not
    // rely on Redis expiring it in time, nor on the test sleeping past it).
    let now = 1_000_000;
    const ledger = new WriteLedger(redis, { prefix, now: () => now });
    const id = nextRecordId();
    await ledger.markPendingEcho(id, { Title: 'CTO' }, 60_000);
    now += 60_000;
    expect(await ledger.isEcho(id, ['Title'], { Title: 'CTO' }, INTEGRATION_USER, INTEGRATION_USER)).toBe(false);
  });

  it('when the marker outlives its time only because a later mark kept the key, then it is not an echo', async () => {
    let now = 1_000_000;
    const ledger = new WriteLedger(redis, { prefix, now: () => now });
    const id = nextRecordId();
    await ledger.markPendingEcho(id, { Title: 'CTO' }, 1_000);
    now += 5_000;
    await ledger.markPendingEcho(id, { Department: 'IT' }, 60_000);
    expect(await ledger.isEcho(id, ['Title'], { Title: 'CTO' }, INTEGRATION_USER, INTEGRATION_USER)).toBe(false);
    expect(await ledger.isEcho(id, ['Department'], { Department: 'IT' }, INTEGRATION_USER, INTEGRATION_USER)).toBe(
      true,
    );
    // The expired group was pruned when the second one was added: one group of one marker is left.
    expect((await redis.get(ledger.echoKey(id)))?.split(';')).toHaveLength(1);
  });

  it('when the same field is written twice before the echoes arrive, then both echoes are recognised', async () => {
    const { ledger, id } = await marked();
    await ledger.markPendingEcho(id, { Title: 'CEO' });
    expect(await ledger.isEcho(id, ['Title'], { Title: 'CTO' }, INTEGRATION_USER, INTEGRATION_USER)).toBe(true);
    expect(await ledger.isEcho(id, ['Title'], { Title: 'CEO' }, INTEGRATION_USER, INTEGRATION_USER)).toBe(true);
  });

  it('when another process made the write, then the echo is recognised from Redis alone', async () => {
    const { id } = await marked();
    const otherProcess = new WriteLedger(redis, { prefix });
    expect(await otherProcess.isEcho(id, ['Title'], { Title: 'CTO' }, INTEGRATION_USER, INTEGRATION_USER)).toBe(true);
  });

  it('when this process made the write, then its echo is recognised from memory, without the Redis markers', async () => {
    const { ledger, id } = await marked();
    await redis.del(ledger.echoKey(id));
    expect(await ledger.isEcho(id, ['Title'], { Title: 'CTO' }, INTEGRATION_USER, INTEGRATION_USER)).toBe(true);
    // Taken once: a redelivered echo is judged by Redis (whose marker this test removed).
    expect(await ledger.isEcho(id, ['Title'], { Title: 'CTO' }, INTEGRATION_USER, INTEGRATION_USER)).toBe(false);
  });

  it('when this process wrote the very values an echo carries, then it is recognised without computing markers', async () => {
    const { ledger, id } = await marked();
    const counted = vi.mocked(markers.echoMarker);
    counted.mockClear();
    const changed = [...Object.keys(written), 'LastModifiedDate'];
    expect(await ledger.isEcho(id, changed, { ...written }, INTEGRATION_USER, INTEGRATION_USER)).toBe(true);
    expect(counted).not.toHaveBeenCalled();
  });

  it('when a rejected write is withdrawn, then an echo-like change with its values is computed and refused', async () => {
    const { ledger, id } = await marked();
    await ledger.clearPendingEcho(id, { Title: 'CTO' });
    // The other fields of the write are still ours (their markers stand); Title is not any more.
    const rest = Object.keys(written).filter((field) => field !== 'Title');
    expect(await ledger.isEcho(id, rest, { ...written }, INTEGRATION_USER, INTEGRATION_USER)).toBe(true);
    const { ledger: again, id: other } = await marked();
    await again.clearPendingEcho(other, { Title: 'CTO' });
    expect(await again.isEcho(other, ['Title'], { ...written }, INTEGRATION_USER, INTEGRATION_USER)).toBe(false);
  });

  it('when a page of records is marked, written and partly cleared in batch calls, then each record ends right', async () => {
    const ledger = new WriteLedger(redis, { prefix });
    const [a, b, c] = [nextRecordId(), nextRecordId(), nextRecordId()];
    await ledger.markPendingEchoMany([
      { recordId: a, fields: { Title: 'CTO' } },
      { recordId: b, fields: { Title: 'VP Sales', Department: 'Sales' } },
      { recordId: c, fields: {} },
    ]);
    await ledger.clearPendingEchoMany([{ recordId: b, fields: { Title: 'VP Sales', Department: 'Sales' } }]);
    await ledger.recordWritesMany([{ recordId: a, fields: { Title: 'CTO' } }], new Date('2026-11-28T12:00:00Z'));
    const fresh = new WriteLedger(redis, { prefix });
    expect(await fresh.isEcho(a, ['Title'], { Title: 'CTO' }, INTEGRATION_USER, INTEGRATION_USER)).toBe(true);
    expect(await ledger.isEcho(b, ['Title'], { Title: 'VP Sales' }, INTEGRATION_USER, INTEGRATION_USER)).toBe(false);
    expect(await redis.exists(ledger.echoKey(c))).toBe(0);
    expect((await ledger.getMany([a, b])).get(a)).toEqual({
      Title: { value: 'CTO', writtenAt: '2026-11-28T12:00:00.000Z' },
    });
    expect((await ledger.getMany([a, b])).get(b)).toEqual({});
  });

  it('when a write was rejected and its marker cleared, then the same change is not an echo', async () => {
    const { ledger, id } = await marked();
    await ledger.clearPendingEcho(id, { Title: 'CTO' });
    expect(await ledger.isEcho(id, ['Title'], { Title: 'CTO' }, INTEGRATION_USER, INTEGRATION_USER)).toBe(false);
  });

  it('when only system fields changed, or a compound component, then it is not an echo', async () => {
    const { ledger, id } = await marked();
    const user = INTEGRATION_USER;
    expect(await ledger.isEcho(id, ['LastModifiedDate', 'SystemModstamp'], {}, user, user)).toBe(false);
    expect(await ledger.isEcho(id, ['MailingAddress.City'], { MailingAddress: { City: 'Paris' } }, user, user)).toBe(
      false,
    );
  });

  it('when nothing was marked for the record, then it is not an echo', async () => {
    const ledger = new WriteLedger(redis, { prefix });
    expect(await ledger.isEcho(nextRecordId(), ['Title'], { Title: 'CTO' }, INTEGRATION_USER, INTEGRATION_USER)).toBe(
      false,
    );
  });

  it('when a marker is set, then its key expires with the marker lifetime', async () => {
    const { ledger, id } = await marked(30_000);
    const ttl = await redis.pttl(ledger.echoKey(id));
    expect(ttl).toBeGreaterThan(20_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });

  it('when a write is marked, then Redis holds one group `<expires at>:<marker>,…` with a marker per field', async () => {
    const before = Date.now();
    const { ledger, id } = await marked(30_000);
    const stored = (await redis.get(ledger.echoKey(id))) as string;
    const [expiresAt, group] = stored.split(':') as [string, string];
    expect(Number(expiresAt)).toBeGreaterThanOrEqual(before + 30_000);
    expect(group.split(',')).toEqual(
      Object.keys(written).map((name) => markers.echoMarker(name, written[name as keyof typeof written])),
    );
  });
});
