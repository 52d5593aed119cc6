import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoopConfig } from '../../../../src/config/loop-config';
import type { FieldValue } from '../../../../src/domain/mirror-record';
import { createLogger } from '../../../../src/lib/logger';
import { WriteLedger } from '../../../../src/pipeline/export';
import { ChangeIntake } from '../../../../src/pipeline/import/intake/change-intake';
import { MirrorStore } from '../../../../src/pipeline/import/mirror-store';
import { LoopStats } from '../../../../src/pipeline/loop-stats';
import type { RecordChangeEvent } from '../../../../src/salesforce/stream/change-event';
import { KeySpace } from '../../../../src/state/key-space';
import { TEST_REDIS_URL, uniquePrefix } from '../../../support/redis-test';

const INTEGRATION_USER = '005000000000001AAA';
const MIRRORED = new Set(['Title', 'Seniority__c', 'LastModifiedDate', 'SystemModstamp']);

/** The echo of our own write of `values` (committed by the integration user at `at`). */
function echo(id: string, values: Record<string, FieldValue>, at: string, replayId: number): RecordChangeEvent {
  return {
    replayId,
    channel: '/data/ChangeEvents',
    changeType: 'UPDATE',
    entityName: 'Contact',
    recordIds: [id],
    changedFields: [...Object.keys(values), 'LastModifiedDate'],
    values: { ...values, LastModifiedDate: at },
    commitUser: INTEGRATION_USER,
    commitTimestamp: Date.parse(at),
    transactionKey: `tx-${replayId}`,
    sequenceNumber: 1,
    changeOrigin: '',
  };
}

describe('ChangeIntake: echoes of our own writes', () => {
  const prefix = uniquePrefix('echo13');
  const keys = new KeySpace(prefix);
  let redis: Redis;
  let mirror: MirrorStore;
  let ledger: WriteLedger;
  let stats: LoopStats;
  let intake: ChangeIntake;
  const enqueued: string[] = [];

  beforeAll(() => {
    redis = new Redis(TEST_REDIS_URL);
    mirror = new MirrorStore(redis, keys);
    ledger = new WriteLedger(redis, { prefix });
    stats = new LoopStats();
    const config = {
      sources: [{ id: 'src-1', name: 'Contacts', object: 'Contact', filter: { all: [] } }],
    } as unknown as LoopConfig;
    intake = new ChangeIntake({
      mirror,
      ledger,
      stats,
      logger: createLogger({ level: 'silent' }),
      config: () => config,
      integrationUserId: () => INTEGRATION_USER,
      mirroredFields: () => MIRRORED,
      enqueue: (_object, ids) => {
        enqueued.push(...ids);
        return Promise.resolve();
      },
      reread: () => Promise.resolve([]),
      reconcile: () => Promise.resolve(),
      removed: () => Promise.resolve(),
    });
  });

  afterAll(async () => {
    const found = await redis.keys(`${keys.prefix}*`);
    if (found.length > 0) await redis.del(...found);
    await redis.quit();
  });

  it('when the mirror holds a copy read before our write and the process never patched it, then the echo brings the written values in', async () => {
    // Chaos kill -9 (issue 13): a reconciliation stored a copy read before our write of C-Level, the write landed,
    // and the process died before patching the mirror from the response; the dropped echo was the only news of it.
    const id = '003000000000101AAA';
    await mirror.putMany([
      {
        id,
        object: 'Contact',
        fields: { Title: 'CEO', Seniority__c: 'Entry', LastModifiedDate: '2026-12-07T00:29:55.000Z' },
      },
    ]);
    await ledger.markPendingEcho(id, { Seniority__c: 'C-Level' });

    await intake.handle(echo(id, { Seniority__c: 'C-Level' }, '2026-12-07T00:30:16.000Z', 1));
    await intake.flushEchoes();

    expect(stats.echoesDropped).toBe(1);
    expect(enqueued).not.toContain(id);
    const held = await mirror.get('Contact', id);
    expect(held?.fields.Seniority__c).toBe('C-Level');
    expect(held?.fields.Title).toBe('CEO');
  });

  it('when the mirror already holds a copy newer than the echo, then the echo does not roll it back', async () => {
    // A re-read after a later change (ours or a person's) stored the newer copy before the older echo was handled.
    const id = '003000000000102AAA';
    await mirror.putMany([
      {
        id,
        object: 'Contact',
        fields: { Title: 'Intern', Seniority__c: 'Entry', LastModifiedDate: '2026-12-07T00:31:00.000Z' },
      },
    ]);
    await ledger.markPendingEcho(id, { Seniority__c: 'C-Level' });

    await intake.handle(echo(id, { Seniority__c: 'C-Level' }, '2026-12-07T00:30:16.000Z', 2));
    await intake.flushEchoes();

    expect((await mirror.get('Contact', id))?.fields.Seniority__c).toBe('Entry');
  });

  it('when a person changes the record after our echo, then the echo is applied first and the change after it', async () => {
    const id = '003000000000103AAA';
    await mirror.putMany([
      {
        id,
        object: 'Contact',
        fields: { Title: 'CEO', Seniority__c: 'Entry', LastModifiedDate: '2026-12-07T00:29:55.000Z' },
      },
    ]);
    await ledger.markPendingEcho(id, { Seniority__c: 'C-Level' });

    await intake.handle(echo(id, { Seniority__c: 'C-Level' }, '2026-12-07T00:30:16.000Z', 3));
    // No flush in between: the person's change must not be overtaken by the held echo.
    await intake.handle({
      ...echo(id, { Seniority__c: 'Manager' }, '2026-12-07T00:30:20.000Z', 4),
      commitUser: '005000000000002AAA',
    });
    await intake.flushEchoes();

    expect((await mirror.get('Contact', id))?.fields.Seniority__c).toBe('Manager');
    expect(enqueued).toContain(id);
  });

  it("when the mirror holds a copy re-read after a person's change, then that change arriving late does not roll it back", async () => {
    // Cluster e2e after a Redis failover: the reconcile re-read the record at its newest title (CEO, 02:49:34), and
    // the stream then delivered the rep's earlier edit (02:49:33). Patched over the copy, it made the loop write back
    // the old title's seniority and take the record out of its audience, then back in: a second episode.
    const id = '003000000000104AAA';
    const read = { Title: 'CEO', Seniority__c: 'C-Level', SystemModstamp: '2026-12-07T02:49:34.000Z' };
    await mirror.putMany([{ id, object: 'Contact', fields: { ...read, LastModifiedDate: read.SystemModstamp } }]);
    const staleBefore = stats.staleChanges;

    await intake.handle({
      ...echo(id, { Title: 'Systems Administrator' }, '2026-12-07T02:49:33.000Z', 5),
      commitUser: '005000000000002AAA',
    });

    expect((await mirror.get('Contact', id))?.fields).toMatchObject({ Title: 'CEO', Seniority__c: 'C-Level' });
    expect(enqueued).not.toContain(id);
    expect(stats.staleChanges).toBe(staleBefore + 1);
  });

  it("when a person's change is of the same second as the mirror's copy, then it is applied (it may be the newer)", async () => {
    const id = '003000000000105AAA';
    const read = { Title: 'CEO', Seniority__c: 'C-Level', SystemModstamp: '2026-12-07T02:49:34.000Z' };
    await mirror.putMany([{ id, object: 'Contact', fields: { ...read, LastModifiedDate: read.SystemModstamp } }]);

    await intake.handle({
      ...echo(id, { Title: 'Intern' }, '2026-12-07T02:49:34.000Z', 6),
      commitUser: '005000000000002AAA',
    });

    expect((await mirror.get('Contact', id))?.fields.Title).toBe('Intern');
    expect(enqueued).toContain(id);
  });
});
