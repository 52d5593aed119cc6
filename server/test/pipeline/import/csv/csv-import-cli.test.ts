import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Redis } from 'ioredis';
import { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesforceEmulator, type RunningEmulator } from '../../../../../test/emulators/salesforce/index';
import { TEST_REDIS_URL, uniquePrefix } from '../../../support/redis-test';

const ROOT = resolve(import.meta.dirname, '../../../../..');
const SCRIPT = join(ROOT, 'scripts/import-csv.ts');

let emulator: RunningEmulator;
let dir: string;
const prefix = uniquePrefix('csv-cli');

interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the CLI as `npm run import:csv` would, with only the environment given (no inherited Salesforce settings). */
function runCli(args: string[], env: Record<string, string>): Promise<CliResult> {
  return new Promise((done) => {
    const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix, ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

const orgEnv = () => ({
  SALESFORCE_LOGIN_URL: emulator.loginUrl,
  SALESFORCE_CLIENT_ID: emulator.clientId,
  SALESFORCE_CLIENT_SECRET: emulator.clientSecret,
});

beforeAll(async () => {
  emulator = await startSalesforceEmulator({ port: 0, seed: 'none' });
  dir = mkdtempSync(join(tmpdir(), 'csv-cli-'));
});

afterAll(async () => {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await emulator.stop();
});

describe('npm run import:csv', () => {
  it('when every row is handled, then it exits 0, prints the report and writes it as JSON', async () => {
    const conn = new Connection({
      instanceUrl: emulator.instanceUrl,
      accessToken: emulator.accessToken,
      version: '62.0',
    });
    const created = await conn.sobject('Contact').create({ LastName: 'Cli', Email: 'cli@cli.test' });
    const file = join(dir, 'cli.csv');
    writeFileSync(file, 'Email,LastName,Title\ncli@cli.test,Cli,Founder\nfresh@cli.test,Fresh,\nbroken-email,X,\n');
    const reportFile = join(dir, 'report.json');

    const result = await runCli([file, '--object', 'Contact', '--create', '--report', reportFile], orgEnv());

    expect(result.stderr).toContain('importing: 3/3 rows');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('3 rows: 1 created, 1 updated, 0 unchanged, 0 skipped, 1 failed');
    expect(result.stdout).toMatch(/4\s+failed\s+bad_email/);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
      rows: number;
      totals: Record<string, number>;
      outcomes: { line: number; status: string; reason?: string }[];
    };
    expect(report.rows).toBe(3);
    expect(report.totals).toEqual({ created: 1, updated: 1, unchanged: 0, skipped: 0, failed: 1 });
    expect(report.outcomes.find((o) => o.line === 4)).toMatchObject({ status: 'failed', reason: 'bad_email' });
    const contact = (await conn.sobject('Contact').retrieve(String(created.id))) as unknown as { Title: string };
    expect(contact.Title).toBe('Founder');
  }, 60_000);

  it('when the arguments are wrong, then it exits 2 with the usage', async () => {
    const result = await runCli(['--object', 'Opportunity', 'x.csv'], orgEnv());
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--object');
    expect(result.stderr).toContain('Usage: npm run import:csv');
  }, 60_000);

  it('when no org is configured, then it exits 1 and says how to point it at one', async () => {
    const file = join(dir, 'none.csv');
    writeFileSync(file, 'Email\na@b.test\n');
    const result = await runCli([file, '--object', 'Contact'], {});
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('needs a Salesforce org');
    expect(result.stderr).toContain('npm run emulator');
  }, 60_000);

  it('when the file is missing, then it exits 1 naming the file', async () => {
    const result = await runCli([join(dir, 'missing.csv'), '--object', 'Contact'], orgEnv());
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('missing.csv');
  }, 60_000);
});
