import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { Connection } from 'jsforce';
import { startSalesforceEmulator, type RunningEmulator } from '../../../../../test/emulators/salesforce/index';
import { createLogger } from '../../../../src/lib/logger';
import { WriteLedger } from '../../../../src/pipeline/export';
import { runCsvImport, type CsvImportDeps, type CsvImportOptions } from '../../../../src/pipeline/import/csv';
import { OrgClient } from '../../../../src/salesforce/org-client';
import { CollectionsClient } from '../../../../src/salesforce/writers/collections-client';
import { DescribeCache } from '../../../../src/salesforce/schema/describe-cache';
import { CoalescingWriter } from '../../../../src/salesforce/writers/coalescing-writer';
import { TEST_REDIS_URL, uniquePrefix } from '../../../support/redis-test';

/** An emulated org (no seed data), a Redis ledger under its own prefix, and helpers to write files and records. */
export interface CsvImportKit {
  emulator: RunningEmulator;
  conn: Connection;
  redis: Redis;
  prefix: string;
  ledger: WriteLedger;
  dir: string;
  writeCsv(name: string, text: string): string;
  importCsv(options: Partial<CsvImportOptions> & { file: string }): ReturnType<typeof runCsvImport>;
  createContact(fields: Record<string, unknown>): Promise<string>;
  contact(id: string): Promise<Record<string, unknown>>;
  fieldMap(field: string, rule: string): Promise<void>;
  close(): Promise<void>;
}

export async function startCsvImportKit(): Promise<CsvImportKit> {
  const emulator = await startSalesforceEmulator({ port: 0, seed: 'none' });
  const conn = new Connection({
    instanceUrl: emulator.instanceUrl,
    accessToken: emulator.accessToken,
    version: '62.0',
  });
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const prefix = uniquePrefix('csv-import');
  const ledger = new WriteLedger(redis, { prefix });
  const dir = mkdtempSync(join(tmpdir(), 'csv-import-'));
  const org = new OrgClient(conn);
  const deps = (): CsvImportDeps => ({
    org,
    collections: new CollectionsClient(org),
    describes: new DescribeCache(conn),
    writer: new CoalescingWriter(org, { maxWaitMs: 10 }),
    ledger,
    logger: createLogger({ level: 'silent' }),
    defaultRegion: 'US',
  });
  return {
    emulator,
    conn,
    redis,
    prefix,
    ledger,
    dir,
    writeCsv(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text, 'utf8');
      return path;
    },
    importCsv(options) {
      return runCsvImport(deps(), {
        object: 'Contact',
        match: 'Email',
        create: false,
        map: {},
        rule: 'Fill_Blank',
        ...options,
      });
    },
    async createContact(fields) {
      const result = await conn.sobject('Contact').create(fields);
      if (!result.success || !result.id) throw new Error(JSON.stringify(result));
      return result.id;
    },
    async contact(id) {
      return (await conn.sobject('Contact').retrieve(id)) as unknown as Record<string, unknown>;
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
    async close() {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length > 0) await redis.del(...keys);
      await redis.quit();
      await emulator.stop();
    },
  };
}
