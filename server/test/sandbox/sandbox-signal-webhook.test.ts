import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { signatureHeader } from '../../src/security/webhook-signature';
import { SANDBOX_SIGNAL_WEBHOOK_SECRET } from '../../src/sandbox/demo-config';
import { freePort } from '../../../scripts/bench/free-port';
import { TEST_REDIS_URL, deleteSandboxKeys, uniquePrefix } from '../support/redis-test';

const repoRoot = path.resolve(import.meta.dirname, '../../..');

describe('sandbox: the demo signal rules and the inbound webhook', () => {
  it('when the sandbox runs, then its two signal rules load without problems and a signal signed with the printed secret is answered', async () => {
    const port = await freePort();
    const prefix = uniquePrefix('sandbox-signals');
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/src/main.ts'], {
      cwd: repoRoot,
      env: {
        PATH: process.env.PATH ?? '',
        LOG_LEVEL: 'warn',
        REDIS_URL: TEST_REDIS_URL,
        PORT: String(port),
        SANDBOX_PORT: '0',
        SANDBOX_SEED: 'none',
        REDIS_PREFIX: prefix,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve));
    try {
      // The hint is printed once the loop follows changes (its configuration, rules included, is loaded).
      await new Promise<void>((resolve, reject) => {
        const timer = setInterval(() => {
          if (/Send a signal: POST/.test(output)) {
            clearInterval(timer);
            resolve();
          }
        }, 50);
        void exited.then(() => {
          clearInterval(timer);
          reject(new Error(`the sandbox exited:\n${output}`));
        });
      });
      expect(output).toContain(`/hooks/signals/intent, signed with "${SANDBOX_SIGNAL_WEBHOOK_SECRET}"`);

      const instanceUrl = /Sandbox org at (http:\/\/\S+)/.exec(output)?.[1];
      expect(instanceUrl).toBeDefined();
      const token = await fetch(`${instanceUrl}/__emulator/tokens`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ role: 'admin' }),
      });
      const { accessToken } = (await token.json()) as { accessToken: string };
      const soql = 'SELECT Name, Type__c, Status__c, Status_Message__c FROM Audience_Signal_Rule__c ORDER BY Name';
      const rules = await fetch(`${instanceUrl}/services/data/v62.0/query?q=${encodeURIComponent(soql)}`, {
        headers: { authorization: `Bearer ${accessToken}` },
      });
      const { records } = (await rules.json()) as { records: Record<string, unknown>[] };
      expect(records.map((r) => [r.Type__c, r.Status__c, r.Status_Message__c ?? null])).toEqual([
        ['Webhook', 'OK', null],
        ['Field_Threshold', 'OK', null],
      ]);

      const send = (slug: string) => {
        const raw = JSON.stringify({
          id: 'sandbox-evt-1',
          record: { email: 'nobody@example.com' },
          summary: 'Asked for a demo',
          confidence: 0.8,
          evidence: { source: 'test' },
          occurredAt: new Date().toISOString(),
        });
        return fetch(`http://127.0.0.1:${port}/hooks/signals/${slug}`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'X-Audiences-Signature': signatureHeader(raw, Math.floor(Date.now() / 1000), [
              SANDBOX_SIGNAL_WEBHOOK_SECRET,
            ]),
          },
          body: raw,
        });
      };
      const unknownRecord = await send('intent');
      expect(unknownRecord.status).toBe(202);
      expect(await unknownRecord.json()).toMatchObject({ status: 'unknown_record', reason: 'not_found' });
      expect((await send('no-such-rule')).status).toBe(404);
      const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
      expect(metrics).toContain('audience_loop_signal_webhook_unknown_records_total{reason="not_found"} 1');
    } finally {
      child.kill('SIGTERM');
      await exited;
      await deleteSandboxKeys(prefix);
    }
  }, 120_000);
});
