/* eslint-disable @typescript-eslint/no-explicit-any -- CLI and REST replies are inspected as loose JSON in tests */
/**
 * The Salesforce CLI, unchanged, through the APIs added for a real org's gaps: `sf data import tree` (Composite
 * tree), `sf org list sobject record-counts` (/limits/recordCount), `sf data import bulk` with a relationship
 * column (`ReportsTo.Email`) and `sf data create file` (multipart ContentVersion), then the file's download.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index';
import { raw, startEmu } from './helpers';

const run = promisify(execFile);
const SF = path.resolve('node_modules/.bin/sf');
const V = '/services/data/v62.0';

let emu: RunningEmulator;
let home: string;

async function sf(args: string[], extraEnv: Record<string, string> = {}): Promise<any> {
  const { stdout } = await run(SF, [...args, '--json'], {
    cwd: home,
    timeout: 90_000,
    env: {
      ...process.env,
      HOME: home,
      SF_DISABLE_AUTOUPDATE: 'true',
      SF_SKIP_NEW_VERSION_CHECK: 'true',
      SF_DISABLE_TELEMETRY: 'true',
      SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
      SF_AUTOUPDATE_DISABLE: 'true',
      ...extraEnv,
    },
  }).catch((err: { stdout?: string; stderr?: string }) => {
    throw new Error(`sf ${args.join(' ')} failed: ${err.stdout ?? ''} ${err.stderr ?? ''}`);
  });
  return JSON.parse(stdout);
}

async function soql(q: string): Promise<any[]> {
  return (await raw(emu, 'GET', `${V}/query?q=${encodeURIComponent(q)}`)).body.records;
}

beforeAll(async () => {
  emu = await startEmu({ seed: 'none' });
  home = mkdtempSync(path.join(tmpdir(), 'sf-emu-import-'));
  const login = await sf(
    ['org', 'login', 'access-token', '--instance-url', emu.instanceUrl, '--no-prompt', '--alias', 'emu'],
    { SF_ACCESS_TOKEN: emu.accessToken },
  );
  expect(login.status).toBe(0);
}, 120_000);
afterAll(async () => {
  await emu?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('Salesforce CLI imports against the emulator', () => {
  it('sf data import tree saves accounts with their contacts', { timeout: 120_000 }, async () => {
    const file = path.join(home, 'Account.json');
    writeFileSync(
      file,
      JSON.stringify({
        records: [
          {
            attributes: { type: 'Account', referenceId: 'AccRef1' },
            Name: 'Tree Co',
            Contacts: {
              records: [
                {
                  attributes: { type: 'Contact', referenceId: 'ConRef1' },
                  LastName: 'Boss',
                  Email: 'boss@tree.example',
                },
                { attributes: { type: 'Contact', referenceId: 'ConRef2' }, LastName: 'Hire' },
              ],
            },
          },
        ],
      }),
    );
    const out = await sf(['data', 'import', 'tree', '--files', file, '--target-org', 'emu']);
    expect(out.status).toBe(0);
    expect(out.result.map((r: any) => r.refId).sort()).toEqual(['AccRef1', 'ConRef1', 'ConRef2']);
    const contacts = await soql("SELECT LastName, Account.Name FROM Contact WHERE Account.Name = 'Tree Co'");
    expect(contacts).toHaveLength(2);
  });

  it('sf org list sobject record-counts reads /limits/recordCount', { timeout: 120_000 }, async () => {
    const out = await sf([
      'org',
      'list',
      'sobject',
      'record-counts',
      '--sobject',
      'Account',
      '--sobject',
      'Contact',
      '--target-org',
      'emu',
    ]);
    expect(out.status).toBe(0);
    expect(out.result).toEqual(
      expect.arrayContaining([
        { name: 'Account', count: 1 },
        { name: 'Contact', count: 2 },
      ]),
    );
  });

  it('sf data import bulk resolves a ReportsTo.Email column', { timeout: 120_000 }, async () => {
    const file = path.join(home, 'contacts.csv');
    writeFileSync(file, 'LastName,ReportsTo.Email\nReport One,boss@tree.example\nReport Two,nobody@tree.example\n');
    // One row fails (its manager does not exist), so the CLI exits non-zero; the job itself tells what happened.
    await sf([
      'data',
      'import',
      'bulk',
      '--file',
      file,
      '--sobject',
      'Contact',
      '--wait',
      '5',
      '--target-org',
      'emu',
    ]).catch(() => undefined);
    const jobs = (await raw(emu, 'GET', `${V}/jobs/ingest`)).body.records;
    const job = (await raw(emu, 'GET', `${V}/jobs/ingest/${jobs.at(-1).id}`)).body;
    expect(job).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: 2, numberRecordsFailed: 1 });
    const failed = (await raw(emu, 'GET', `${V}/jobs/ingest/${job.id}/failedResults/`)).body;
    expect(failed).toContain(
      'INVALID_FIELD:Foreign key external ID: nobody@tree.example not found for field Email in entity Contact:--',
    );
    const boss = (await soql("SELECT Id FROM Contact WHERE Email = 'boss@tree.example'"))[0].Id;
    const reports = await soql(
      "SELECT LastName, ReportsToId, ReportsTo.Email FROM Contact WHERE LastName LIKE 'Report%'",
    );
    expect(reports).toHaveLength(1);
    expect(reports[0]).toMatchObject({
      LastName: 'Report One',
      ReportsToId: boss,
      ReportsTo: { Email: 'boss@tree.example' },
    });
  });

  it(
    'sf data create file uploads a ContentVersion linked to a record; its bytes download',
    { timeout: 120_000 },
    async () => {
      const account = (await soql("SELECT Id FROM Account WHERE Name = 'Tree Co'"))[0].Id;
      const file = path.join(home, 'dry-run.csv');
      const bytes = 'Email,Title\nboss@tree.example,CEO\n';
      writeFileSync(file, bytes);
      const out = await sf(['data', 'create', 'file', '--file', file, '--parent-id', account, '--target-org', 'emu']);
      expect(out.status).toBe(0);
      expect(out.result).toMatchObject({ Title: 'dry-run', FileExtension: 'csv' });
      const links = await soql(`SELECT ContentDocumentId FROM ContentDocumentLink WHERE LinkedEntityId = '${account}'`);
      expect(links.map((l) => l.ContentDocumentId)).toContain(out.result.ContentDocumentId);
      const version = (
        await soql(`SELECT Id, VersionData, ContentSize FROM ContentVersion WHERE Id = '${out.result.Id}'`)
      )[0];
      expect(version.ContentSize).toBe(bytes.length);
      const res = await fetch(`${emu.instanceUrl}${version.VersionData}`, {
        headers: { authorization: `Bearer ${emu.accessToken}` },
      });
      expect(await res.text()).toBe(bytes);
    },
  );
});
