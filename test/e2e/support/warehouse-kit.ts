import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { Connection } from 'jsforce';
import { Client } from 'pg';
import { startSalesforceEmulator, type RunningEmulator } from '../../emulators/salesforce/index';
import { ConfigLoader } from '../../../server/src/config/config-loader';
import type { WarehouseSourceConfig } from '../../../server/src/config/warehouse-source';
import { createLogger } from '../../../server/src/lib/logger';
import { WriteLedger } from '../../../server/src/pipeline/export';
import {
  runWarehouseImport,
  type WarehouseImportDeps,
} from '../../../server/src/pipeline/import/warehouse/warehouse-importer';
import { WarehouseReaders } from '../../../server/src/pipeline/import/warehouse/warehouse-readers';
import type { SnowflakeConnectionSettings } from '../../../server/src/env/snowflake-connections';
import type { SnowflakeClientOptions } from '../../../server/src/pipeline/import/warehouse/snowflake/snowflake-client';
import { WatermarkStore } from '../../../server/src/pipeline/import/warehouse/watermark-store';
import { OrgClient } from '../../../server/src/salesforce/org-client';
import { DescribeCache } from '../../../server/src/salesforce/schema/describe-cache';
import { CoalescingWriter } from '../../../server/src/salesforce/writers/coalescing-writer';
import { CollectionsClient } from '../../../server/src/salesforce/writers/collections-client';
import { TEST_REDIS_URL, uniquePrefix } from '../../../server/test/support/redis-test';

/** The PostgreSQL on this machine (`.ci/run` starts it): database `test`, trust auth. */
export const TEST_POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
/** A port nothing listens on: the connection that fails. */
export const DOWN_POSTGRES_URL = 'postgres://postgres@127.0.0.1:1/test';

export type RunRecord = Record<string, unknown> & {
  Id: string;
  Status__c: string;
  Total__c: number;
  Processed__c: number;
  Succeeded__c: number;
  Skipped__c: number;
  Failed__c: number;
  Skips_By_Reason__c: string | null;
  Error_Summary__c: string | null;
  Status_Message__c: string | null;
};

/**
 * An emulated org (no seed data), a Redis prefix of its own, a PostgreSQL schema of its own (dropped at close) and
 * the warehouse import wired the way the server wires it: sources loaded by the ConfigLoader from
 * Audience_Source__c records, readers from POSTGRES_URL_<NAME> connections (TEST, and DOWN that refuses).
 */
export type WarehouseKit = {
  emulator: RunningEmulator;
  conn: Connection;
  org: OrgClient;
  redis: Redis;
  prefix: string;
  pg: Client;
  /** This kit's schema, e.g. wh_1a2b3c4d: every table lives here. */
  schema: string;
  readers: WarehouseReaders;
  deps(): WarehouseImportDeps;
  /** Creates an active Postgres (or Snowflake) source on Contact with these settings; returns its id. */
  createSource(settings: Record<string, unknown>, name?: string, type?: 'Postgres' | 'Snowflake'): Promise<string>;
  /** Loads the config like the server and returns the warehouse source with this id (undefined when refused). */
  loadSource(id: string): Promise<WarehouseSourceConfig | undefined>;
  importSource(id: string): ReturnType<typeof runWarehouseImport>;
  sourceRecord(id: string): Promise<Record<string, unknown>>;
  runs(sourceId: string): Promise<RunRecord[]>;
  fieldMap(field: string, rule: string): Promise<void>;
  contactsByEmail(): Promise<Map<string, Record<string, unknown>>>;
  close(): Promise<void>;
};

/** Snowflake connections (SNOWFLAKE_<NAME>_* as parsed) and client options, for kits that import from the fake. */
export type WarehouseKitOptions = {
  snowflake?: ReadonlyMap<string, SnowflakeConnectionSettings>;
  snowflakeClient?: SnowflakeClientOptions;
};

export async function startWarehouseKit(options: WarehouseKitOptions = {}): Promise<WarehouseKit> {
  const emulator = await startSalesforceEmulator({ port: 0, seed: 'none' });
  const conn = new Connection({
    instanceUrl: emulator.instanceUrl,
    accessToken: emulator.accessToken,
    version: '62.0',
  });
  const org = new OrgClient(conn);
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const prefix = uniquePrefix('warehouse');
  const schema = `wh_${randomUUID().slice(0, 8)}`;
  const pg = new Client({ connectionString: TEST_POSTGRES_URL });
  await pg.connect();
  await pg.query(`CREATE SCHEMA ${schema}`);
  const logger = createLogger({ level: 'silent' });
  const readers = await WarehouseReaders.create({
    connections: {
      postgres: new Map([
        ['TEST', TEST_POSTGRES_URL],
        ['DOWN', DOWN_POSTGRES_URL],
      ]),
      snowflake: options.snowflake ?? new Map(),
    },
    ...(options.snowflakeClient && { snowflake: options.snowflakeClient }),
    statementTimeoutMs: 60_000,
  });
  const ledger = new WriteLedger(redis, { prefix });
  const watermarks = new WatermarkStore(redis, prefix, org, logger);
  const describes = new DescribeCache(conn);
  const loader = new ConfigLoader(org, new CollectionsClient(org), describes, logger, undefined, readers);
  const deps = (): WarehouseImportDeps => ({
    org,
    collections: new CollectionsClient(org),
    describes,
    writer: new CoalescingWriter(org, { maxWaitMs: 10 }),
    ledger,
    logger,
    defaultRegion: 'US',
    readers,
    watermarks,
    runProgressIntervalMs: 0,
    // From the first batch, so every scenario here matches through the index (the CSV tests cover SOQL matching).
    matchIndex: { redis, prefix, thresholdRows: 1, pollIntervalMs: 50 },
  });
  const sourceRecord = async (id: string) =>
    (await conn.sobject('Audience_Source__c').retrieve(id)) as unknown as Record<string, unknown>;
  const loadSource = async (id: string) => (await loader.load()).warehouseSources?.find((s) => s.id === id);
  return {
    emulator,
    conn,
    org,
    redis,
    prefix,
    pg,
    schema,
    readers,
    deps,
    async createSource(settings, name = 'Warehouse people', type = 'Postgres') {
      const result = await conn.sobject('Audience_Source__c').create({
        Name: name,
        Type__c: type,
        Object__c: 'Contact',
        Active__c: true,
        Settings__c: JSON.stringify(settings),
      });
      if (!result.success || !result.id) throw new Error(JSON.stringify(result));
      return result.id;
    },
    loadSource,
    async importSource(id) {
      const source = await loadSource(id);
      if (!source) throw new Error(`source ${id} was not loaded: ${JSON.stringify(await sourceRecord(id))}`);
      return runWarehouseImport(deps(), source);
    },
    sourceRecord,
    async runs(sourceId) {
      const result = await conn.query<RunRecord>(
        'SELECT Id, Status__c, Status_Message__c, Total__c, Processed__c, Succeeded__c, Skipped__c, Failed__c, ' +
          `Skips_By_Reason__c, Error_Summary__c, Started_At__c FROM Audience_Run__c WHERE Audience_Source__c = '${sourceId}' ` +
          'ORDER BY Started_At__c ASC',
      );
      return result.records;
    },
    async fieldMap(field, rule) {
      await conn.sobject('Audience_Field_Map__c').create({
        Name: `Contact ${field}`,
        Object__c: 'Contact',
        Field__c: field,
        Write_Rule__c: rule,
        Active__c: true,
      });
    },
    async contactsByEmail() {
      const rows = await org.query<Record<string, unknown>>(
        'SELECT Id, Email, FirstName, LastName, Title, Department, AssistantName, Description FROM Contact',
        { maxFetch: 1_000_000 },
      );
      return new Map(rows.map((row) => [String(row.Email).toLowerCase(), row]));
    },
    async close() {
      await pg.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
      await pg.end();
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(
          cursor,
          'MATCH',
          `${prefix.replace(/[[\]]/g, (c) => `\\${c}`)}*`,
          'COUNT',
          1000,
        );
        cursor = next;
        if (keys.length > 0) await redis.del(...keys);
      } while (cursor !== '0');
      await redis.quit();
      await emulator.stop();
    },
  };
}
