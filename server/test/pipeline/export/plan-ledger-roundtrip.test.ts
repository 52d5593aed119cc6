import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordPatch } from '../../../src/pipeline/export/record-patch';
import { WriteLedger } from '../../../src/pipeline/export/write-ledger';
import { planRecordWrite } from '../../../src/pipeline/export/write-planner';
import { deletePrefixedKeys, TEST_REDIS_URL, uniquePrefix } from '../../support/redis-test';
import { buildAttribute, buildInput, buildMap, buildRecord, NOW, RECORD_ID } from './support/plan-fixtures';

const INTEGRATION_USER = '005000000000001AAA';
const prefix = uniquePrefix('export-roundtrip');
let redis: Redis;
let ledger: WriteLedger;

beforeAll(async () => {
  redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  ledger = new WriteLedger(redis, { prefix });
});

afterAll(async () => {
  await deletePrefixedKeys(redis, prefix);
  await redis.quit();
});

describe('plan, write, echo, plan again', () => {
  it('when a Tracked write lands and echoes, then the echo is dropped, the next plan is empty and a later person edit is kept', async () => {
    const maps = [buildMap('Title', 'person.title', 'Tracked')];
    const attributes = [buildAttribute('person.title', 'CTO')];
    const record = buildRecord({ Title: null });

    const first = planRecordWrite(
      buildInput({ record, attributes, fieldMaps: maps, ledger: await ledger.get(RECORD_ID) }),
    );
    const patch = recordPatch(first);
    await ledger.markPendingEcho(RECORD_ID, patch);
    // …the writer sends `patch`; Salesforce confirms…
    await ledger.recordWrites(RECORD_ID, first.updates, NOW);

    const echoBody = { ...patch, LastModifiedDate: '2026-11-28T12:00:02.000+0000' };
    expect(await ledger.isEcho(RECORD_ID, Object.keys(echoBody), echoBody, INTEGRATION_USER, INTEGRATION_USER)).toBe(
      true,
    );

    const written = { ...record, fields: { ...record.fields, ...patch } };
    const again = planRecordWrite(
      buildInput({ record: written, attributes, fieldMaps: maps, ledger: await ledger.get(RECORD_ID) }),
    );
    expect(recordPatch(again)).toEqual({});

    const edited = { ...written, fields: { ...written.fields, Title: 'Chief Technology Officer' } };
    expect(
      await ledger.isEcho(
        RECORD_ID,
        ['Title'],
        { Title: 'Chief Technology Officer' },
        '005000000000009AAA',
        INTEGRATION_USER,
      ),
    ).toBe(false);
    const newer = [buildAttribute('person.title', 'CEO')];
    const afterEdit = planRecordWrite(
      buildInput({ record: edited, attributes: newer, fieldMaps: maps, ledger: await ledger.get(RECORD_ID) }),
    );
    expect(afterEdit.updates).toEqual({});
    expect(afterEdit.skips[0]?.reason).toBe('not_ours');

    // Redis lost: the provenance written with the value still tells ours from theirs.
    const afterLoss = planRecordWrite(buildInput({ record: edited, attributes: newer, fieldMaps: maps, ledger: {} }));
    expect(afterLoss.skips[0]?.reason).toBe('not_ours');
    const untouched = planRecordWrite(buildInput({ record: written, attributes: newer, fieldMaps: maps, ledger: {} }));
    expect(untouched.updates).toEqual({ Title: 'CEO' });
  });
});
