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

const conn = () =>
  new Connection({ instanceUrl: emulator.instanceUrl, accessToken: emulator.accessToken, version: '62.0' });

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
  it('when a row fails, then it exits 3, prints the report and writes it as JSON', async () => {
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
    expect(result.code).toBe(3);
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

  it('when line 3 of a 30-row file opens a quote it never closes, then 30 rows are counted, line 3 is named and the other 29 land', async () => {
    const lines = ['Email,LastName'];
    for (let i = 1; i <= 30; i += 1)
      lines.push(i === 2 ? `"open${i}@quote.test,Row${i}` : `row${i}@quote.test,Row${i}`);
    const file = join(dir, 'quote.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const reportFile = join(dir, 'quote-report.json');

    const result = await runCli([file, '--object', 'Contact', '--create', '--report', reportFile], orgEnv());

    expect(result.code).toBe(3);
    expect(result.stdout).toContain('30 rows: 29 created, 0 updated, 0 unchanged, 0 skipped, 1 failed');
    expect(result.stdout).toMatch(/\n3\s+failed\s+unreadable\s+a quote opened on this line is never closed/);
    const report = JSON.parse(readFileSync(reportFile, 'utf8')) as { rows: number; outcomes: { line: number }[] };
    expect(report.rows).toBe(30);
    expect(report.outcomes.map((o) => o.line)).toEqual(Array.from({ length: 30 }, (_, i) => i + 2));
    const created = await conn().query<{ Email: string }>("SELECT Email FROM Contact WHERE Email LIKE '%@quote.test'");
    expect(created.records).toHaveLength(29);
    expect(created.records.map((r) => r.Email)).toContain('row30@quote.test');
  }, 60_000);

  it('when the file is Latin-1, then it is refused naming the line; with --encoding latin1 Müller reaches the org', async () => {
    const file = join(dir, 'latin1.csv');
    writeFileSync(file, Buffer.from('Email,LastName\nanna@latin.test,Schmidt\njurgen@latin.test,Müller\n', 'latin1'));

    const refused = await runCli([file, '--object', 'Contact', '--create'], orgEnv());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('is not valid UTF-8: line 3, column 20 holds byte 0xFC');
    expect(refused.stderr).toContain('--encoding latin1');
    expect((await conn().query("SELECT Id FROM Contact WHERE Email LIKE '%@latin.test'")).totalSize).toBe(0);

    const decoded = await runCli([file, '--object', 'Contact', '--create', '--encoding', 'latin1'], orgEnv());
    expect(decoded.code).toBe(0);
    expect(decoded.stdout).toContain('warning: the file was decoded as windows-1252 (--encoding latin1)');
    const [row] = (
      await conn().query<{ LastName: string }>("SELECT LastName FROM Contact WHERE Email = 'jurgen@latin.test'")
    ).records;
    expect(row?.LastName).toBe('Müller');
  }, 60_000);

  it('when the file is UTF-16, then it is decoded and said (with a BOM) or refused as UTF-16 (without)', async () => {
    const withBom = join(dir, 'utf16.csv');
    writeFileSync(withBom, Buffer.from('\ufeffEmail,LastName\r\nzoe@utf16.test,Çelik\r\n', 'utf16le'));
    const decoded = await runCli([withBom, '--object', 'Contact', '--create'], orgEnv());
    expect(decoded.code).toBe(0);
    expect(decoded.stdout).toContain('warning: the file is UTF-16LE (it starts with a byte order mark)');
    expect(decoded.stdout).toContain('1 rows: 1 created');

    const noBom = join(dir, 'utf16-nobom.csv');
    writeFileSync(noBom, Buffer.from('Email,LastName\r\nzed@utf16.test,Lee\r\n', 'utf16le'));
    const refused = await runCli([noBom, '--object', 'Contact', '--create'], orgEnv());
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('looks like UTF-16LE without a byte order mark');
    expect(refused.stderr).not.toContain('no Email column');
  }, 60_000);

  it('when a cell holds a control character, then that row fails naming line and column and the others land', async () => {
    const file = join(dir, 'control.csv');
    writeFileSync(
      file,
      'Email,LastName,Description\nok@ctrl.test,Ok,fine\nbell@ctrl.test,Be\u0007ll,x\nnul@ctrl.test,Nul,"two\nlines\u0000"\n',
    );
    const result = await runCli([file, '--object', 'Contact', '--create'], orgEnv());
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('3 rows: 1 created, 0 updated, 0 unchanged, 0 skipped, 2 failed');
    expect(result.stdout).toMatch(
      /3\s+failed\s+control_character\s+line 3, column 2 \("LastName"\): control character U\+0007/,
    );
    expect(result.stdout).toMatch(
      /4\s+failed\s+control_character\s+line 5, column 3 \("Description"\): control character U\+0000/,
    );
  }, 60_000);

  it('when the header is 40,000 characters, then the report and Error_Summary__c show it truncated, capped with a tail', async () => {
    const long = `Notes${'x'.repeat(40_000)}`;
    const rows = Array.from({ length: 250 }, (_, i) => `wide${i}@wide.test,Wide,${i}`);
    const file = join(dir, 'wide.csv');
    writeFileSync(file, `Email,LastName,${long}\n${rows.join('\n')}\n`);

    const result = await runCli([file, '--object', 'Contact', '--create'], orgEnv());

    expect(result.code).toBe(3);
    expect(result.stdout).toContain('250 rows: 0 created, 0 updated, 0 unchanged, 0 skipped, 250 failed');
    expect(result.stdout).toContain('warning: the header line is 40020 characters in 3 columns; shown truncated');
    expect(result.stdout).not.toContain('x'.repeat(200));
    expect(result.stdout.length).toBeLessThan(60_000);
    const [run] = (
      await conn().query<{ Status__c: string; Error_Summary__c: string }>(
        "SELECT Status__c, Error_Summary__c FROM Audience_Run__c WHERE Status_Message__c LIKE 'wide.csv%'",
      )
    ).records;
    expect(run?.Status__c).toBe('Failed');
    expect(run?.Error_Summary__c.length).toBeLessThanOrEqual(131_072);
    expect(run?.Error_Summary__c).not.toContain('x'.repeat(200));
    expect(run?.Error_Summary__c.split('\n').at(-1)).toBe('…and 50 more failed rows (see the report)');
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
