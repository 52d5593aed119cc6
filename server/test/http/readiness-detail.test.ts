/**
 * Who sees what in /readyz (issue 11, findings 1 and 9): degraded is HTTP 200 with the reasons, 503 only for a check
 * that is down; without the admin token the body names each check's state and nothing else (provider errors can
 * carry people's names and emails); with the token, or on this machine when no token is set, the full detail.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import type { ReadinessResult } from '../../src/http/readiness';
import { changeStreamReadinessCheck } from '../../src/http/stream-readiness';
import { createLogger } from '../../src/lib/logger';
import type { StreamStatus } from '../../src/salesforce/stream/stream-status';

const TOKEN = 'readiness-admin-token-0123456789';
const NOW = Date.parse('2026-12-05T10:00:00.000Z');
const live: StreamStatus = {
  state: 'live',
  lastEventAt: '2026-12-05T09:59:59.000Z',
  replayId: 42,
  lastError: null,
  waiting: 0,
  oldestWaitingAt: null,
};

let stream: StreamStatus = live;
let deadLetters = 0;
let provider: ReadinessResult = { ok: true, detail: 'every provider circuit is closed' };

async function listen(adminToken: string | undefined): Promise<{ server: Server; base: string }> {
  const app = createApp({
    logger: createLogger({ level: 'silent' }),
    adminToken,
    readinessChecks: [
      changeStreamReadinessCheck({
        stream: () => stream,
        deadLetters: () => Promise.resolve(deadLetters),
        lag: { events: 100, seconds: 30 },
        now: () => NOW,
      }),
      { name: 'enrichment', check: async () => provider },
    ],
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let withToken: { server: Server; base: string };
let withoutToken: { server: Server; base: string };

beforeAll(async () => {
  withToken = await listen(TOKEN);
  withoutToken = await listen(undefined);
});

afterAll(async () => {
  await new Promise((resolve) => withToken.server.close(resolve));
  await new Promise((resolve) => withoutToken.server.close(resolve));
});

async function readyz(base: string, token?: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${base}/readyz`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('/readyz states and detail', () => {
  it('when 3 change events are dead-lettered, then /readyz is degraded with HTTP 200 and deadLetters: 3', async () => {
    stream = live;
    deadLetters = 3;
    const { status, body } = await readyz(withToken.base, TOKEN);
    expect(status).toBe(200);
    expect(body.status).toBe('degraded');
    expect(body.reasons).toEqual(['change_stream: 3 dead-lettered change events']);
    expect(body.checks).toMatchObject({ change_stream: { ok: true, deadLetters: 3, waiting: 0, secondsBehind: 0 } });
  });

  it('when events wait longer than the threshold, then degraded with the events waiting and seconds behind', async () => {
    deadLetters = 0;
    stream = { ...live, waiting: 12, oldestWaitingAt: new Date(NOW - 45_000).toISOString() };
    const { status, body } = await readyz(withToken.base, TOKEN);
    expect(status).toBe(200);
    expect(body.reasons).toEqual(['change_stream: stream lags: 12 events waiting, 45 s behind']);

    stream = { ...live, waiting: 150, oldestWaitingAt: new Date(NOW - 2_000).toISOString() };
    expect((await readyz(withToken.base, TOKEN)).body.reasons).toEqual([
      'change_stream: stream lags: 150 events waiting, 2 s behind',
    ]);

    stream = { ...live, waiting: 5, oldestWaitingAt: new Date(NOW - 2_000).toISOString() };
    expect((await readyz(withToken.base, TOKEN)).body.status).toBe('ready');
  });

  it('without the admin token, then only the status and each check state; no provider error text', async () => {
    stream = live;
    deadLetters = 2;
    provider = {
      ok: false,
      detail: 'every paid provider circuit is open: pdl said "no match for jane.doe@example.com"',
    };
    const anonymous = await readyz(withToken.base);
    expect(anonymous.status).toBe(503);
    expect(anonymous.body).toEqual({ status: 'not_ready', checks: { change_stream: 'degraded', enrichment: 'down' } });
    const wrong = await readyz(withToken.base, 'not-the-token-but-long-enough');
    expect(wrong.body).toEqual(anonymous.body);

    const admin = await readyz(withToken.base, TOKEN);
    expect(admin.status).toBe(503);
    expect(JSON.stringify(admin.body)).toContain('jane.doe@example.com');
    expect(admin.body.reasons).toEqual(['enrichment is down', 'change_stream: 2 dead-lettered change events']);
    provider = { ok: true, detail: 'every provider circuit is closed' };
  });

  it('when no ADMIN_TOKEN is set, then a caller on this machine sees the detail (sandbox)', async () => {
    deadLetters = 0;
    const { status, body } = await readyz(withoutToken.base);
    expect(status).toBe(200);
    expect(body).toMatchObject({ status: 'ready', reasons: [], checks: { change_stream: { ok: true } } });
  });
});
