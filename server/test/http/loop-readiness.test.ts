import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { apiBudgetReadinessCheck, redisReadinessCheck, salesforceReadinessCheck } from '../../src/http/loop-readiness';
import { createLogger } from '../../src/lib/logger';
import type { BudgetSnapshot } from '../../src/salesforce/budget/api-budget-governor';
import type { StreamStatus } from '../../src/salesforce/stream/stream-status';

interface ReadyBody {
  status: string;
  reasons?: string[];
  checks: Record<string, { ok: boolean; detail?: unknown }>;
}

const observedAt = new Date('2026-12-05T10:00:00.000Z');
const budgetAt = (used: number): BudgetSnapshot => {
  const ratio = used / 15_000;
  return {
    state: ratio >= 0.9 ? 'stopped' : ratio >= 0.7 ? 'paused' : 'normal',
    pauseAt: 0.7,
    stopAt: 0.9,
    reading: { used, max: 15_000, ratio, source: 'header', observedAt },
  };
};
const live: StreamStatus = { state: 'live', lastEventAt: '2026-12-05T09:59:58.000Z', replayId: 4711, lastError: null };

describe('the loop checks of /readyz', () => {
  let server: Server;
  let base: string;
  let stream: StreamStatus | undefined;
  let startError: string | undefined;
  let budget: BudgetSnapshot | undefined;
  let pong = true;

  beforeAll(async () => {
    const app = createApp({
      logger: createLogger({ level: 'silent' }),
      readinessChecks: [
        salesforceReadinessCheck({ stream: () => stream, startError: () => startError }),
        apiBudgetReadinessCheck(() => budget),
        redisReadinessCheck(async () => pong),
      ],
    });
    server = app.listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  async function readyz(): Promise<{ status: number; body: ReadyBody }> {
    const res = await fetch(`${base}/readyz`);
    return { status: res.status, body: (await res.json()) as ReadyBody };
  }

  it('when the loop has not started, then Salesforce is "connecting" (503) and the budget has no reading yet', async () => {
    stream = undefined;
    startError = undefined;
    budget = undefined;
    const { status, body } = await readyz();
    expect(status).toBe(503);
    expect(body.checks).toEqual({
      salesforce: { ok: false, detail: 'connecting' },
      api_budget: { ok: true, detail: 'no reading yet' },
      redis: { ok: true },
    });
  });

  it('when the stream is live and the budget normal, then 200, and both details are JSON objects', async () => {
    stream = live;
    budget = budgetAt(1_500);
    const { status, body } = await readyz();
    expect(status).toBe(200);
    expect(body.status).toBe('ready');
    expect(body.checks.salesforce).toEqual({ ok: true, detail: live });
    expect(body.checks.api_budget).toEqual({
      ok: true,
      detail: {
        state: 'normal',
        pauseAt: 0.7,
        stopAt: 0.9,
        reading: { used: 1_500, max: 15_000, ratio: 0.1, source: 'header', observedAt: observedAt.toISOString() },
      },
    });
  });

  it('when the budget is paused, then the service stays ready; when stopped, then degraded (200) with the snapshot', async () => {
    stream = live;
    budget = budgetAt(12_000);
    let reply = await readyz();
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe('ready');
    expect(reply.body.checks.api_budget).toMatchObject({ ok: true, detail: { state: 'paused' } });

    budget = budgetAt(14_000);
    reply = await readyz();
    expect(reply.status).toBe(200);
    expect(reply.body.status).toBe('degraded');
    expect(reply.body.reasons).toEqual(['api_budget: API budget stopped: only single-record work runs']);
    expect(reply.body.checks.api_budget).toMatchObject({ ok: true, detail: { state: 'stopped', stopAt: 0.9 } });
    expect(typeof reply.body.checks.api_budget?.detail).toBe('object');
  });

  it('when the stream is reconnecting, then 503 with its status as an object', async () => {
    budget = budgetAt(1_500);
    stream = { ...live, state: 'reconnecting', lastError: 'handshake failed' };
    const { status, body } = await readyz();
    expect(status).toBe(503);
    expect(body.checks.salesforce).toEqual({
      ok: false,
      detail: { state: 'reconnecting', lastEventAt: live.lastEventAt, replayId: 4711, lastError: 'handshake failed' },
    });
  });

  it('when the loop could not start, then its error wins over the stream', async () => {
    stream = live;
    startError = 'Salesforce login failed: invalid_client';
    const { status, body } = await readyz();
    expect(status).toBe(503);
    expect(body.checks.salesforce).toEqual({ ok: false, detail: 'Salesforce login failed: invalid_client' });
    startError = undefined;
  });

  it('when Redis does not answer, then 503 names it', async () => {
    stream = live;
    pong = false;
    const { status, body } = await readyz();
    expect(status).toBe(503);
    expect(body.checks.redis).toEqual({ ok: false, detail: 'no PONG within 1 s' });
    pong = true;
  });
});
