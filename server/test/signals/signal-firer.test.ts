import { Redis } from 'ioredis';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import type { AttributeValue } from '../../src/domain/attributes';
import type { MirrorRecord, RecordObject } from '../../src/domain/mirror-record';
import { AppError } from '../../src/lib/errors';
import { createLogger } from '../../src/lib/logger';
import type { SaveOperation, SaveOutcome, SaveRow } from '../../src/salesforce/writers/write-types';
import { SignalFirer } from '../../src/signals/signal-firer';
import type { SignalFiring, SignalNotifyJob } from '../../src/signals/signal-firing';
import type { LoadedSignalRule } from '../../src/signals/signal-rule';
import { KeySpace } from '../../src/state/key-space';
import { TEST_REDIS_URL, uniquePrefix } from '../support/redis-test';

const CONTACT = '003000000000001AAA';
const RULE = {
  id: 'a0R000000000001AAA',
  name: 'Job changes',
  type: 'Job_Change',
  object: 'Contact',
  settings: { cadenceDays: 7, minConfidence: 0.7 },
  notifyOwner: true,
} as LoadedSignalRule;

/** `Audience_Signal__c` as an upsert by Key__c answers it: created once, then matched; refusals scripted per call. */
class SignalTable {
  readonly rows = new Map<string, { id: string; fields: Record<string, unknown> }>();
  readonly calls: { operation: SaveOperation; rows: readonly SaveRow[] }[] = [];
  readonly refusals: SaveOutcome[] = [];

  async save(operation: SaveOperation, rows: readonly SaveRow[]): Promise<SaveOutcome[]> {
    this.calls.push({ operation, rows });
    return rows.map((row) => {
      const refusal = this.refusals.shift();
      if (refusal) return refusal;
      const key = String(row.fields.Key__c);
      const existing = this.rows.get(key);
      const id = existing?.id ?? `a0S00000000000${this.rows.size + 1}AAA`.slice(0, 18);
      this.rows.set(key, { id, fields: { ...existing?.fields, ...row.fields } });
      return { id, ok: true, created: !existing };
    });
  }
}

class RecordingWrites {
  readonly writes: { object: RecordObject; records: MirrorRecord[]; values: readonly AttributeValue[] }[] = [];
  failNext = 0;
  async write(object: RecordObject, records: MirrorRecord[], extra: ReadonlyMap<string, readonly AttributeValue[]>) {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('the record write failed');
    }
    this.writes.push({ object, records, values: extra.get(records[0]!.id) ?? [] });
  }
}

const redis = new Redis(TEST_REDIS_URL);
let prefix: string;
/** Every prefix this file used: only their keys are removed at the end (the database is shared). */
const prefixes: string[] = [];
let table: SignalTable;
let writes: RecordingWrites;
let notified: { data: SignalNotifyJob; jobId: string }[];
let firer: SignalFirer;

const firing = (over: Partial<SignalFiring> = {}): SignalFiring => ({
  rule: RULE,
  object: 'Contact',
  recordId: CONTACT,
  identity: 'newco.com',
  summary: 'Ada moved to Newco',
  evidence: { provider: 'pdl', previous: 'oldco.com', current: 'newco.com' },
  confidence: 0.8,
  occurredAt: '2026-11-30T10:00:00.000Z',
  attributes: { 'signal.job_change_at': '2026-11-30T10:00:00.000Z', 'signal.previous_company': 'Oldco' },
  ...over,
});

beforeEach(() => {
  prefix = uniquePrefix('signal-firer');
  prefixes.push(prefix);
  table = new SignalTable();
  writes = new RecordingWrites();
  notified = [];
  firer = new SignalFirer({
    collections: table,
    writes,
    mirror: { get: async (object, id) => ({ id, object, fields: { Previous_Company__c: null } }) },
    notifications: {
      add: async (_name, data, options) => {
        notified.push({ data, jobId: options.jobId });
      },
    },
    redis,
    keys: new KeySpace(prefix),
    logger: createLogger({ level: 'silent' }),
    now: () => new Date('2026-12-01T00:00:00.000Z'),
  });
});

afterAll(async () => {
  for (const used of prefixes) {
    const keys = await redis.keys(`${used}:*`);
    if (keys.length > 0) await redis.del(...keys);
  }
  redis.disconnect();
});

describe('the signal firer', () => {
  it('when an event fires first, then one signal is upserted by Key__c (Status__c left to its default), its attributes written and Slack told', async () => {
    const outcome = await firer.fire(firing());
    expect(outcome.status).toBe('fired');
    expect(table.calls).toHaveLength(1);
    const call = table.calls[0]!;
    expect(call.operation).toEqual({ upsert: { object: 'Audience_Signal__c', externalIdField: 'Key__c' } });
    const fields = call.rows[0]!.fields;
    expect(fields).toMatchObject({
      Type__c: 'Job_Change',
      Audience_Signal_Rule__c: RULE.id,
      Contact__c: CONTACT,
      Record_Id__c: CONTACT,
      Summary__c: 'Ada moved to Newco',
      Confidence__c: 80,
      Fired_At__c: '2026-11-30T10:00:00.000Z',
    });
    expect(fields).not.toHaveProperty('Status__c');
    expect(JSON.parse(String(fields.Evidence__c))).toEqual(firing().evidence);
    expect(writes.writes).toHaveLength(1);
    expect(writes.writes[0]!.values.map((v) => [v.key, v.value, v.provider, v.confidence])).toEqual([
      ['signal.job_change_at', '2026-11-30T10:00:00.000Z', 'signal:Job_Change', 0.8],
      ['signal.previous_company', 'Oldco', 'signal:Job_Change', 0.8],
    ]);
    if (outcome.status !== 'fired') return;
    expect(notified).toEqual([
      {
        data: { signalId: outcome.signalId, ruleId: RULE.id, object: 'Contact', recordId: CONTACT },
        jobId: `notify-${outcome.signalId}`,
      },
    ]);
  });

  it('when the same event fires again, then it is a duplicate that makes no API call and writes nothing', async () => {
    const first = await firer.fire(firing());
    const again = await firer.fire(firing({ evidence: { rerun: true } }));
    expect(again).toEqual({ status: 'duplicate', signalId: (first as { signalId: string }).signalId, key: first.key });
    expect(table.calls).toHaveLength(1);
    expect(writes.writes).toHaveLength(1);
    expect(notified).toHaveLength(1);
  });

  it('when a firing dies after its signal was stored, then firing it again finishes the work, once', async () => {
    writes.failNext = 1;
    await expect(firer.fire(firing())).rejects.toThrow(/record write failed/);
    expect(table.rows.size).toBe(1);
    expect(notified).toEqual([]);
    const resumed = await firer.fire(firing());
    expect(resumed.status).toBe('fired');
    expect(writes.writes).toHaveLength(1);
    expect(notified).toHaveLength(1);
    expect((await firer.fire(firing())).status).toBe('duplicate');
    expect(notified).toHaveLength(1);
  });

  it('when Redis lost its marks, then a stored signal is a duplicate and nothing is redone', async () => {
    await firer.fire(firing());
    const marks = await redis.keys(`${prefix}:signal:*`);
    expect(marks).toHaveLength(1);
    await redis.del(...marks);
    expect((await firer.fire(firing())).status).toBe('duplicate');
    expect(writes.writes).toHaveLength(1);
    expect(notified).toHaveLength(1);
  });

  it('when the same event fires twice at the same moment, then one fires and the other is a duplicate', async () => {
    const outcomes = await Promise.all([firer.fire(firing()), firer.fire(firing())]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['duplicate', 'fired']);
    expect(table.rows.size).toBe(1);
    expect(writes.writes).toHaveLength(1);
    expect(notified).toHaveLength(1);
    expect((await firer.fire(firing())).status).toBe('duplicate');
  });

  it('when a firing is malformed, then it fails with the reason and nothing is stored', async () => {
    const bad = await firer.fire(firing({ confidence: 1.5 }));
    expect(bad).toMatchObject({ status: 'failed', message: expect.stringMatching(/confidence/) });
    const badAttribute = await firer.fire(firing({ attributes: { 'signal.job_change_at': 'last week' } }));
    expect(badAttribute).toMatchObject({ status: 'failed', message: expect.stringMatching(/signal.job_change_at/) });
    expect(table.calls).toEqual([]);
  });

  it('when Salesforce refuses the signal for good, then it fails and may fire later; a passing refusal throws to be retried', async () => {
    table.refusals.push({
      id: '',
      ok: false,
      code: 'FIELD_CUSTOM_VALIDATION_EXCEPTION',
      message: 'no',
      fields: [],
      final: true,
    });
    expect(await firer.fire(firing())).toMatchObject({
      status: 'failed',
      message: expect.stringMatching(/VALIDATION/),
    });
    table.refusals.push({ id: '', ok: false, code: 'UNABLE_TO_LOCK_ROW', message: 'busy', fields: [], final: false });
    const error = await firer.fire(firing()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).retryable).toBe(true);
    expect((await firer.fire(firing())).status).toBe('fired');
    expect(notified).toHaveLength(1);
  });

  it('a 15-character record id is stored and keyed as its 18-character form', async () => {
    const short = await firer.fire(firing({ recordId: CONTACT.slice(0, 15) }));
    const long = await firer.fire(firing());
    expect(long.key).toBe(short.key);
    expect(long.status).toBe('duplicate');
    expect(table.calls[0]!.rows[0]!.fields.Contact__c).toBe(CONTACT);
  });
});
