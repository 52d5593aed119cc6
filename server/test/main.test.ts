import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/bench/free-port';
import { TEST_REDIS_URL, deleteSandboxKeys, uniquePrefix } from './support/redis-test';

const repoRoot = path.resolve(import.meta.dirname, '../..');

interface Run {
  code: number | null;
  stderr: string;
}

function startServer(env: Record<string, string>, untilStderr?: RegExp): Promise<Run & { stop(): Promise<Run> }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  const exited = new Promise<Run>((resolve) => child.on('close', (code) => resolve({ code, stderr })));
  const stop = async () => {
    child.kill('SIGTERM');
    return exited;
  };
  return new Promise((resolve) => {
    if (untilStderr) {
      const timer = setInterval(() => {
        if (untilStderr.test(stdout + stderr)) {
          clearInterval(timer);
          resolve({ code: null, stderr, stop });
        }
      }, 50);
      void exited.then((run) => {
        clearInterval(timer);
        resolve({ ...run, stop });
      });
    } else {
      void exited.then((run) => resolve({ ...run, stop }));
    }
  });
}

/** True when nothing listens at the URL's address (the connection is refused). */
async function refused(url: string): Promise<boolean> {
  try {
    await fetch(url);
    return false;
  } catch (error) {
    return (error as { cause?: { code?: string } }).cause?.code === 'ECONNREFUSED';
  }
}

describe('npm start (server/src/main.ts)', () => {
  it('when HOST is set, then the server listens on that address only', async () => {
    const port = await freePort();
    const prefix = uniquePrefix('main-host');
    const run = await startServer(
      { REDIS_URL: TEST_REDIS_URL, PORT: String(port), SANDBOX_PORT: '0', REDIS_PREFIX: prefix, HOST: '127.0.0.2' },
      /audience-loop listening/,
    );
    try {
      expect((await fetch(`http://127.0.0.2:${port}/healthz`)).status).toBe(200);
      expect(await refused(`http://127.0.0.1:${port}/healthz`)).toBe(true);
    } finally {
      await run.stop();
      await deleteSandboxKeys(prefix);
    }
  }, 120_000);

  it('when REDIS_URL is invalid, then it exits 2 naming the variable', async () => {
    const run = await startServer({ REDIS_URL: 'localhost:6379' });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/REDIS_URL: must look like redis:\/\//);
    expect(run.stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });

  it('when ROLE names an unknown role, or splits roles without Salesforce settings, then it exits 2 saying why', async () => {
    const unknown = await startServer({ ROLE: 'api,web' });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/ROLE: unknown role "web"/);
    const split = await startServer({ ROLE: 'worker' });
    expect(split.code).toBe(2);
    expect(split.stderr).toContain('the sandbox org runs inside one process, so it needs ROLE=all');
    expect(split.stderr).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('when Redis does not answer, then it says which URL it tried and how to start Redis', async () => {
    const port = await freePort();
    const run = await startServer({ REDIS_URL: `redis://127.0.0.1:${port}` });
    expect(run.code).toBe(3);
    expect(run.stderr).toContain(`Redis did not answer at redis://127.0.0.1:${port}`);
    expect(run.stderr).toContain('redis-server');
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('when settings are valid, then the sandbox loop runs, /healthz and /readyz answer and SIGTERM stops it cleanly', async () => {
    const port = await freePort();
    const prefix = uniquePrefix('main');
    const run = await startServer(
      { REDIS_URL: TEST_REDIS_URL, PORT: String(port), SANDBOX_PORT: '0', REDIS_PREFIX: prefix },
      /Following changes/,
    );
    try {
      expect(run.stderr).toContain('SANDBOX MODE');
      const health = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(health.status).toBe(200);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      const body = (await ready.json()) as { checks: Record<string, { ok: boolean; detail?: string }> };
      expect(body.checks.redis?.ok).toBe(true);
      expect(body.checks.salesforce).toMatchObject({ ok: true, detail: { state: 'live' } });
      expect(ready.status).toBe(200);
      // Slack goes to the loopback Slack in the sandbox: /slack/events is live and refuses an unsigned request.
      const unsigned = await fetch(`http://127.0.0.1:${port}/slack/events`, { method: 'POST', body: 'payload=%7B%7D' });
      expect(unsigned.status).toBe(401);
      // Sandbox mode without HOST listens on loopback 127.0.0.1 only, not on every interface.
      expect(await refused(`http://127.0.0.2:${port}/healthz`)).toBe(true);
    } finally {
      const stopped = await run.stop();
      expect(stopped.code).toBe(0);
      // The summary printed after the import counts what the sandbox loop did.
      expect(stopped.stderr).toMatch(/records imported\s+[1-9]\d*/);
      expect(stopped.stderr).toMatch(/records written\s+[1-9]\d*/);
      await deleteSandboxKeys(prefix);
    }
  }, 120_000);
});
