/**
 * `npm run config` as an admin runs it: the Salesforce CLI, unchanged, logged in to two emulated orgs under aliases;
 * `export --org <sandbox alias>` writes the setup as JSON on stdout, `import --org <production alias> --dry-run`
 * lists what it would create and writes nothing, `import` reproduces the setup, and a second dry run finds nothing
 * to change. The script finds each org's session through `sf org display`, as it would on an admin's machine.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesforceEmulator, type RunningEmulator } from '../emulators/salesforce/index';
import { adminOf, seedPromotableSetup, setupOf } from './support/promotion-setup';

const execFileAsync = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');
const BIN = path.join(ROOT, 'node_modules/.bin');

let source: RunningEmulator;
let target: RunningEmulator;
let home: string;

/** The environment of an admin's shell: the CLI's own home, no update checks, the repo's binaries on PATH. */
function shellEnv(): NodeJS.ProcessEnv {
  return {
    ...process.env,
    HOME: home,
    PATH: `${BIN}${path.delimiter}${process.env.PATH ?? ''}`,
    SF_DISABLE_AUTOUPDATE: 'true',
    SF_SKIP_NEW_VERSION_CHECK: 'true',
    SF_DISABLE_TELEMETRY: 'true',
    SF_USE_GENERIC_UNIX_KEYCHAIN: 'true',
    SF_AUTOUPDATE_DISABLE: 'true',
  };
}

async function login(emulator: RunningEmulator, alias: string): Promise<void> {
  const admin = emulator.users.find((u) => u.role === 'admin');
  if (!admin) throw new Error('the emulator has no admin');
  await execFileAsync(
    path.join(BIN, 'sf'),
    ['org', 'login', 'access-token', '--instance-url', emulator.instanceUrl, '--no-prompt', '--alias', alias, '--json'],
    { cwd: home, env: { ...shellEnv(), SF_ACCESS_TOKEN: admin.accessToken }, timeout: 120_000 },
  );
}

/** `npm run config -- <args>` (the script itself, as npm would run it), with `stdin` piped in. */
function config(args: string[], stdin = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      ['--import', 'tsx', path.join(ROOT, 'scripts/config.ts'), ...args],
      { cwd: ROOT, env: shellEnv(), timeout: 180_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) reject(new Error(`config ${args.join(' ')} failed: ${stderr || error.message}`));
        else resolve(stdout);
      },
    );
    child.stdin?.end(stdin);
  });
}

beforeAll(async () => {
  home = mkdtempSync(path.join(tmpdir(), 'config-cli-'));
  [source, target] = await Promise.all([
    startSalesforceEmulator({ seed: 'none', orgKey: 'cli-sandbox' }),
    startSalesforceEmulator({ seed: 'none', orgKey: 'cli-production' }),
  ]);
  await seedPromotableSetup(source);
  await login(source, 'promo-sandbox');
  await login(target, 'promo-production');
}, 300_000);

afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
  if (home) rmSync(home, { recursive: true, force: true });
});

describe('npm run config through Salesforce CLI aliases', { timeout: 600_000 }, () => {
  it('exports from the sandbox alias and imports into the production alias, dry run first', async () => {
    const exported = await config(['export', '--org', 'promo-sandbox']);
    const document = JSON.parse(exported) as { objects: Record<string, unknown[]> };
    expect(document.objects.Audience__c).toHaveLength(1);

    const planned = await config(['import', '--org', 'promo-production', '--dry-run'], exported);
    expect(planned).toContain('would create Audience__c Senior');
    expect(planned).toContain('would create Audience_Signal_Rule__c Job changes');
    expect(planned.trim().split('\n').at(-1)).toBe('7 changes (dry run: nothing written)');
    expect((await adminOf(target).query('SELECT Id FROM Audience__c')).totalSize).toBe(0);

    const applied = await config(['import', '--org', 'promo-production'], exported);
    expect(applied.trim().split('\n').at(-1)).toBe('7 changes');
    expect(await setupOf(adminOf(target))).toEqual(await setupOf(adminOf(source)));
    expect((await config(['import', '--org', 'promo-production', '--dry-run'], exported)).trim()).toBe(
      '0 changes (dry run: nothing written)',
    );
  });
});
