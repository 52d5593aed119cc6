import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runImport } from '../../server/src/commands/run-import';
import type { CommandContext } from '../../server/src/commands/command-context';
import type { WarehouseSourceConfig } from '../../server/src/config/warehouse-source';
import { createLogger } from '../../server/src/lib/logger';
import type { WarehouseImportReport } from '../../server/src/pipeline/import/warehouse/warehouse-importer';
import { WarehouseImports } from '../../server/src/pipeline/import/warehouse/warehouse-imports';
import { createQueueFactory, type QueueFactory } from '../../server/src/queues/queue-factory';
import { startWarehouseKit, type WarehouseKit } from './support/warehouse-kit';

describe('Postgres warehouse source: schedule and RUN_IMPORT', () => {
  let kit: WarehouseKit;
  let queues: QueueFactory;
  let imports: WarehouseImports;
  let source: WarehouseSourceConfig;
  const finished: WarehouseImportReport[] = [];
  let onFinished: (() => void) | undefined;

  beforeAll(async () => {
    kit = await startWarehouseKit();
    await kit.pg.query(`CREATE TABLE ${kit.schema}.people (id integer PRIMARY KEY, email text, last_name text,
      updated_at timestamptz)`);
    await kit.pg.query(
      `INSERT INTO ${kit.schema}.people SELECT g, 'sched' || g || '@example.com', 'Last' || g,
         timestamptz '2024-01-01' + g * interval '1 minute' FROM generate_series(1, 30) AS g`,
    );
    const id = await kit.createSource({
      connection: 'TEST',
      query: `SELECT id, updated_at, email, last_name AS lastname FROM ${kit.schema}.people`,
      create: true,
      cursor: 'updated_at',
      key: 'id',
      schedule: '*/5 * * * *',
      timeZone: 'Europe/Paris',
    });
    source = (await kit.loadSource(id)) as WarehouseSourceConfig;
    queues = createQueueFactory({
      connection: kit.redis,
      prefix: kit.prefix,
      logger: createLogger({ level: 'silent' }),
    });
    imports = new WarehouseImports({
      importDeps: () => kit.deps(),
      queues,
      sources: () => [source],
      logger: createLogger({ level: 'silent' }),
      // Every second instead of every five minutes: the test waits for the run, not for the clock.
      schedulePattern: () => '* * * * * *',
      onFinished: (report) => {
        finished.push(report);
        onFinished?.();
      },
    });
  }, 120_000);

  afterAll(async () => {
    await imports?.stop();
    for (const queue of queues?.queues() ?? []) await queue.close();
    for (const connection of queues?.connections() ?? []) connection.disconnect();
    await kit?.close();
  });

  it('keeps one job scheduler per scheduled source, in its time zone, and runs it', async () => {
    expect(await imports.sync([source])).toEqual([source.id]);
    const [scheduler] = await queues.queue('warehouse').getJobSchedulers(0, -1);
    expect(scheduler).toMatchObject({ key: source.id, tz: 'Europe/Paris' });
    const ran = new Promise<void>((resolve) => (onFinished = resolve));
    imports.start();
    await ran;
    expect(finished[0]).toMatchObject({ sourceId: source.id, rowsRead: 30, created: 30 });
    // A source no longer scheduled loses its scheduler.
    expect(await imports.sync([])).toEqual([]);
    expect(await queues.queue('warehouse').getJobSchedulers(0, -1)).toEqual([]);
    await imports.stop();
  });

  it('leaves the job schedulers alone in a process that does not own them (not the scheduler role)', async () => {
    let owned = false;
    const bystander = new WarehouseImports({
      importDeps: () => kit.deps(),
      queues,
      sources: () => [source],
      ownsSchedules: () => owned,
      logger: createLogger({ level: 'silent' }),
    });
    expect(await bystander.sync([source])).toBeUndefined();
    expect(await queues.queue('warehouse').getJobSchedulers(0, -1)).toEqual([]);
    // Once it owns them (the scheduler lease taken), the same sync keeps them, and a later one removes them.
    owned = true;
    expect(await bystander.sync([source])).toEqual([source.id]);
    expect(await queues.queue('warehouse').getJobSchedulers(0, -1)).toEqual([
      expect.objectContaining({ key: source.id, pattern: '*/5 * * * *' }),
    ]);
    owned = false;
    expect(await bystander.sync([])).toBeUndefined();
    expect(await queues.queue('warehouse').getJobSchedulers(0, -1)).toHaveLength(1);
    owned = true;
    await bystander.sync([]);
    expect(await queues.queue('warehouse').getJobSchedulers(0, -1)).toEqual([]);
  });

  it('runs on RUN_IMPORT with Target_Id__c = the source, reading only what changed', async () => {
    await kit.pg.query(`UPDATE ${kit.schema}.people SET last_name = 'Changed', updated_at = now() WHERE id = 7`);
    const before = finished.length;
    const ctx = {
      config: { current: { sources: [], warehouseSources: [source] } },
      imports: { serially: (work: () => Promise<void>) => work() },
      warehouse: imports,
    } as unknown as CommandContext;
    await runImport(ctx, { targetId: source.id } as Parameters<typeof runImport>[1]);
    expect(finished.slice(before)).toEqual([expect.objectContaining({ rowsRead: 1, updated: 0, skipped: 1 })]);
  });
});
