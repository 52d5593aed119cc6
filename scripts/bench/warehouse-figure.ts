import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import { ConfigLoader } from '../../server/src/config/config-loader';
import { createLogger } from '../../server/src/lib/logger';
import { WriteLedger } from '../../server/src/pipeline/export';
import { runWarehouseImport } from '../../server/src/pipeline/import/warehouse/warehouse-importer';
import { WarehouseReaders } from '../../server/src/pipeline/import/warehouse/warehouse-readers';
import { WatermarkStore } from '../../server/src/pipeline/import/warehouse/watermark-store';
import { OrgClient } from '../../server/src/salesforce/org-client';
import { DescribeCache } from '../../server/src/salesforce/schema/describe-cache';
import { CoalescingWriter } from '../../server/src/salesforce/writers/coalescing-writer';
import { CollectionsClient } from '../../server/src/salesforce/writers/collections-client';
import { connectionAs } from './bench-config';
import { startEmulatorProcess } from './emulator-process';
import { processMemory } from './process-memory';

export type WarehouseFigureResult = {
  rows: number;
  latencyMs: number;
  /** First run: every row creates a Contact (matched by Email, none found). */
  created: number;
  failed: number;
  seconds: number;
  recordsPerS: number;
  /** The integration user's Salesforce calls during the run (the emulator's per-user counters). */
  apiCalls: number;
  apiCallsPer1000: number;
  byRoute: Record<string, number>;
  /** Peak RSS of the importing process (VmHWM; the emulator and PostgreSQL run in processes of their own). */
  peakRssMb: number;
};

/**
 * The warehouse figure: `rows` rows of a PostgreSQL table imported into an empty emulated org as new Contacts
 * (matched by Email, created when unmatched), through the same code the server runs for a Postgres source, with
 * `latencyMs` per Salesforce call. The import runs in this process; the emulator runs in its own, so this process's
 * peak RSS is the importer's (plus the bench's small bookkeeping).
 */
export async function runWarehouseFigure(options: {
  cwd: string;
  redisUrl: string;
  postgresUrl: string;
  rows: number;
  latencyMs: number;
}): Promise<WarehouseFigureResult> {
  const emulator = await startEmulatorProcess({ contacts: 0, cwd: options.cwd });
  const pg = new Client({ connectionString: options.postgresUrl });
  const schema = `bench_wh_${randomBytes(4).toString('hex')}`;
  const prefix = `{bench-wh-${randomBytes(4).toString('hex')}}`;
  const redis = new Redis(options.redisUrl, { maxRetriesPerRequest: 1 });
  try {
    await pg.connect();
    await pg.query(`CREATE SCHEMA ${schema}`);
    await pg.query(`CREATE TABLE ${schema}.people (id integer PRIMARY KEY, email text, first_name text,
      last_name text, title text, department text, updated_at timestamptz)`);
    await pg.query(
      `INSERT INTO ${schema}.people SELECT g, 'bench' || g || '@warehouse.example', 'First' || g, 'Last' || g,
         'Title ' || (g % 50), 'Dept ' || (g % 12), timestamptz '2024-01-01' + g * interval '1 second'
       FROM generate_series(1, $1::int) AS g`,
      [options.rows],
    );
    const admin = connectionAs(emulator.info, emulator.user('admin'));
    await admin.sobject('Audience_Field_Map__c').create({
      Name: 'Contact Title',
      Object__c: 'Contact',
      Field__c: 'Title',
      Write_Rule__c: 'Always',
      Active__c: true,
    });
    await admin.sobject('Audience_Source__c').create({
      Name: 'Bench warehouse',
      Type__c: 'Postgres',
      Object__c: 'Contact',
      Active__c: true,
      Settings__c: JSON.stringify({
        connection: 'BENCH',
        query:
          `SELECT id, updated_at, email AS "Email", first_name AS firstname, last_name AS lastname, title, ` +
          `department FROM ${schema}.people`,
        match: 'Email',
        create: true,
        cursor: 'updated_at',
        key: 'id',
      }),
    });

    const conn = connectionAs(emulator.info, emulator.user('integration'));
    const org = new OrgClient(conn);
    const logger = createLogger({ level: 'warn' });
    const readers = await WarehouseReaders.create({
      connections: { postgres: new Map([['BENCH', options.postgresUrl]]), snowflake: new Map() },
    });
    const describes = new DescribeCache(conn);
    const loaded = await new ConfigLoader(
      org,
      new CollectionsClient(org),
      describes,
      logger,
      undefined,
      readers,
    ).load();
    const source = loaded.warehouseSources?.[0];
    if (!source) throw new Error(`the bench source was not loaded: ${JSON.stringify(loaded.problems)}`);

    const integration = emulator.user('integration').id;
    await emulator.control.latency(options.latencyMs);
    const before = await emulator.control.counters();
    const started = performance.now();
    const report = await runWarehouseImport(
      {
        org,
        collections: new CollectionsClient(org),
        describes,
        writer: new CoalescingWriter(org, { maxWaitMs: 50 }),
        ledger: new WriteLedger(redis, { prefix }),
        logger,
        defaultRegion: 'US',
        readers,
        watermarks: new WatermarkStore(redis, prefix, org, logger),
        // As the server composes it: past 2,000 rows, keys are matched against one Bulk query of (Id, Email).
        matchIndex: { redis, prefix },
      },
      source,
    );
    const seconds = (performance.now() - started) / 1000;
    const after = await emulator.control.counters();
    await emulator.control.latency(0);
    if (report.error) throw new Error(`the warehouse import failed: ${report.error.code} ${report.error.message}`);
    const apiCalls = (after.byUser[integration] ?? 0) - (before.byUser[integration] ?? 0);
    // Routes of every user over the run: only the integration user calls meanwhile.
    const byRoute: Record<string, number> = {};
    for (const [route, count] of Object.entries(after.byRoute)) {
      const delta = count - (before.byRoute[route] ?? 0);
      if (delta > 0) byRoute[route] = delta;
    }
    return {
      rows: options.rows,
      latencyMs: options.latencyMs,
      created: report.created,
      failed: report.failed,
      seconds,
      recordsPerS: report.rowsRead / seconds,
      apiCalls,
      apiCallsPer1000: (apiCalls / report.rowsRead) * 1000,
      byRoute,
      peakRssMb: Math.round((processMemory(process.pid)?.peak ?? 0) / 2 ** 20),
    };
  } finally {
    await pg.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
    await pg.end().catch(() => undefined);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(
        cursor,
        'MATCH',
        `${prefix.replace(/[{}]/g, (c) => `\\${c}`)}*`,
        'COUNT',
        1000,
      );
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
    await emulator.stop();
  }
}
