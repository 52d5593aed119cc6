import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmulatorProcess, type EmulatorProcess } from '../../scripts/bench/emulator-process';
import { freePort } from '../../scripts/bench/free-port';
import { RedisPrefix } from '../../scripts/bench/redis-prefix';
import { RUNTIME_DATA } from '../../scripts/build/runtime-data';
import { TEST_REDIS_URL, uniquePrefix } from '../../server/test/support/redis-test';

const repoRoot = path.resolve(import.meta.dirname, '../..');
const copy = mkdtempSync(path.join(tmpdir(), 'audience-loop-dist-'));
const prefix = uniquePrefix('built');
let emulator: EmulatorProcess | undefined;

afterAll(async () => {
  await emulator?.stop();
  const redis = new RedisPrefix(TEST_REDIS_URL, prefix);
  await redis.clear();
  await redis.close();
  // A few hundred installed packages: removing them takes a while on a busy disk.
  rmSync(copy, { recursive: true, force: true });
}, 300_000);

interface Run {
  code: number | null;
  output: string;
}

/** Runs a command to its end (or kills it at `timeoutMs`), with its output. */
function run(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }) {
  return new Promise<Run>((resolve) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** Only what a production start needs: no tsx, no NODE_OPTIONS of the test runner. */
function productionEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  return { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', NODE_ENV: 'production', ...extra };
}

describe('npm run build (dist/main.js)', () => {
  it('when the data folders under server/src are listed, then the build copies each one', () => {
    const found: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (!entry.isDirectory()) continue;
        const full = path.join(dir, entry.name);
        if (entry.name === 'data') found.push(path.relative(repoRoot, full));
        else walk(full);
      }
    };
    walk(path.join(repoRoot, 'server/src'));
    expect(found.sort()).toEqual(RUNTIME_DATA.map((d) => d.from).sort());
  });

  it('when built and installed with npm ci --omit=dev in a copy, then node dist/main.js refuses the sandbox and runs against an org', async () => {
    const build = await run('npm', ['run', 'build'], { cwd: repoRoot, timeoutMs: 300_000 });
    expect(build.code, build.output).toBe(0);
    for (const file of ['package.json', 'package-lock.json', 'dist']) {
      cpSync(path.join(repoRoot, file), path.join(copy, file), { recursive: true });
    }
    // From the npm cache where it can; the packages come from the npm registry only (no install script downloads).
    const install = await run('npm', ['ci', '--omit=dev', '--prefer-offline', '--no-audit', '--no-fund'], {
      cwd: copy,
      timeoutMs: 600_000,
    });
    expect(install.code, install.output).toBe(0);
    expect(existsSync(path.join(copy, 'node_modules/bullmq'))).toBe(true);
    for (const devOnly of ['vitest', 'eslint', 'vite', 'prettier', '@salesforce/cli']) {
      expect(existsSync(path.join(copy, 'node_modules', devOnly)), devOnly).toBe(false);
    }

    // No Salesforce settings: the built server has no emulator, and says so (exit 2 = fix the configuration).
    const refused = await run(process.execPath, ['dist/main.js'], {
      cwd: copy,
      env: productionEnv({ REDIS_URL: TEST_REDIS_URL, REDIS_PREFIX: prefix }),
      timeoutMs: 60_000,
    });
    expect(refused.code, refused.output).toBe(2);
    expect(refused.output).toContain('the built server (dist/main.js) has no sandbox org');
    expect(refused.output).not.toMatch(/\n\s+at /);

    // Against the emulator as an org: /readyz answers 200 once the stream is live.
    emulator = await startEmulatorProcess({ contacts: 10, cwd: repoRoot });
    const port = await freePort();
    const server = spawn(process.execPath, ['dist/main.js'], {
      cwd: copy,
      env: productionEnv({
        SALESFORCE_LOGIN_URL: emulator.info.loginUrl,
        SALESFORCE_CLIENT_ID: emulator.info.clientId,
        SALESFORCE_CLIENT_SECRET: emulator.info.clientSecret,
        REDIS_URL: TEST_REDIS_URL,
        REDIS_PREFIX: prefix,
        PORT: String(port),
        HOST: '127.0.0.1',
        LOG_LEVEL: 'warn',
      }),
    });
    let output = '';
    server.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    server.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => server.on('close', resolve));
    try {
      const deadline = Date.now() + 180_000;
      let ready: { status: number; body: { roles?: string[]; stream?: { leader: boolean } } } | undefined;
      while (ready?.status !== 200) {
        expect(server.exitCode, output).toBeNull();
        if (Date.now() > deadline) throw new Error(`not ready: ${JSON.stringify(ready)}\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 200));
        ready = await fetch(`http://127.0.0.1:${port}/readyz`)
          .then(async (r) => ({ status: r.status, body: (await r.json()) as NonNullable<typeof ready>['body'] }))
          .catch(() => undefined);
      }
      expect(ready.body.roles).toEqual(['api', 'worker', 'stream', 'scheduler']);
      expect(ready.body.stream?.leader).toBe(true);
      expect((await fetch(`http://127.0.0.1:${port}/metrics`)).status).toBe(200);
    } finally {
      server.kill('SIGTERM');
      expect(await exited, output).toBe(0);
    }
  }, 900_000);
});
