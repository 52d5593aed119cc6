/* eslint-disable @typescript-eslint/no-explicit-any -- REST replies are inspected as loose JSON in tests */
/** The Salesforce CLI, unchanged, against the emulator: login with an access token, query, create, update, get. */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index';
import { startEmu } from './helpers';

const run = promisify(execFile);
const SF = path.resolve('node_modules/.bin/sf');

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

beforeAll(async () => {
  emu = await startEmu();
  home = mkdtempSync(path.join(tmpdir(), 'sf-emu-'));
});
afterAll(async () => {
  await emu?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('Salesforce CLI 2.x against the emulator', () => {
  it('logs in with an access token and reads the org', { timeout: 120_000 }, async () => {
    const login = await sf(
      ['org', 'login', 'access-token', '--instance-url', emu.instanceUrl, '--no-prompt', '--alias', 'emu'],
      {
        SF_ACCESS_TOKEN: emu.accessToken,
      },
    );
    expect(login.status).toBe(0);
    expect(login.result).toMatchObject({
      username: emu.users.find((u) => u.role === 'integration')!.username,
      orgId: emu.orgId,
      isDevHub: false,
    });
  });

  it('queries, creates, updates and gets a record', { timeout: 180_000 }, async () => {
    const q = await sf([
      'data',
      'query',
      '-q',
      'SELECT Id, Name, Account.Name FROM Contact ORDER BY Name LIMIT 3',
      '-o',
      'emu',
    ]);
    expect(q.status).toBe(0);
    expect(q.result.records).toHaveLength(3);
    expect(q.result.totalSize).toBe(3);

    const created = await sf([
      'data',
      'create',
      'record',
      '-s',
      'Account',
      '-v',
      "Name='CLI Co' Industry=Banking",
      '-o',
      'emu',
    ]);
    expect(created.result).toMatchObject({ success: true });
    const id = created.result.id as string;
    expect(id).toMatch(/^001\w{15}$/);

    const updated = await sf([
      'data',
      'update',
      'record',
      '-s',
      'Account',
      '-i',
      id,
      '-v',
      'Industry=Energy',
      '-o',
      'emu',
    ]);
    expect(updated.status).toBe(0);

    const got = await sf(['data', 'get', 'record', '-s', 'Account', '-i', id, '-o', 'emu']);
    expect(got.result).toMatchObject({ Id: id, Name: 'CLI Co', Industry: 'Energy' });
  });
});
