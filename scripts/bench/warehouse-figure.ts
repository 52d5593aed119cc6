import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { Client } from 'pg';
import type { WarehouseImportReport } from '../../server/src/pipeline/import/warehouse/warehouse-importer';
import { connectionAs } from './bench-config';
import { startEmulatorProcess } from './emulator-process';

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
  /**
   * Peak RSS of the importing process (VmHWM), a child started as the server is (`--max-old-space-size=256`); the
   * emulator and PostgreSQL run in processes of their own.
   */
  peakRssMb: number;
};

/**
 * The warehouse figure: `rows` rows of a PostgreSQL table imported into an empty emulated org as new Contacts
 * (matched by Email, created when unmatched), through the same code the server runs for a Postgres source, with
 * `latencyMs` per Salesforce call. The import runs in a child process started as the server is (heap cap included),
 * so its peak RSS is the importer's; the emulator runs in its own.
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

    const integration = emulator.user('integration');
    const child = await runImportChild(options.cwd, {
      instanceUrl: emulator.info.instanceUrl,
      accessToken: integration.accessToken,
      integrationUserId: integration.id,
      redisUrl: options.redisUrl,
      prefix,
      postgresUrl: options.postgresUrl,
      latencyMs: options.latencyMs,
    });
    const { report } = child;
    if (report.error) throw new Error(`the warehouse import failed: ${report.error.code} ${report.error.message}`);
    return {
      rows: options.rows,
      latencyMs: options.latencyMs,
      created: report.created,
      failed: report.failed,
      seconds: child.seconds,
      recordsPerS: report.rowsRead / child.seconds,
      apiCalls: child.apiCalls,
      apiCallsPer1000: (child.apiCalls / report.rowsRead) * 1000,
      byRoute: child.byRoute,
      peakRssMb: child.peakRssMb,
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

type ChildResult = {
  report: WarehouseImportReport;
  seconds: number;
  apiCalls: number;
  byRoute: Record<string, number>;
  peakRssMb: number;
};

/**
 * Runs the import in a process of its own, started as `npm start` starts the server (`--max-old-space-size=256`):
 * its peak RSS is the importer's under the server's heap setting, not this bench process's.
 */
function runImportChild(cwd: string, args: Record<string, unknown>): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--max-old-space-size=256', '--import', 'tsx', 'scripts/bench/warehouse-import-child.ts'],
      { cwd, env: { ...process.env, NODE_OPTIONS: '', WAREHOUSE_BENCH_CHILD: JSON.stringify(args) } },
    );
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString();
      process.stderr.write(chunk);
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('RESULT '));
      if (code !== 0 || !line) {
        reject(new Error(`the warehouse import process exited ${code}: ${err.slice(-2000)}`));
        return;
      }
      resolve(JSON.parse(line.slice('RESULT '.length)) as ChildResult);
    });
  });
}
