import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { Router } from 'express';
import { Registry, Gauge } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { createLogger } from '../../src/lib/logger';

async function listen(app: ReturnType<typeof createApp>): Promise<{ server: Server; base: string }> {
  const server = app.listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

describe('admin endpoints and /metrics', () => {
  const token = 'a-very-long-admin-token-for-tests';
  let withToken: { server: Server; base: string };
  let withoutToken: { server: Server; base: string };

  beforeAll(async () => {
    const metrics = new Registry();
    new Gauge({ name: 'audience_loop_test_gauge', help: 'test', registers: [metrics] }).set(7);
    const dashboard = Router().get('/', (_req, res) => {
      res.send('dashboard');
    });
    const logger = createLogger({ level: 'silent' });
    withToken = await listen(
      createApp({ logger, readinessChecks: [], metrics, adminToken: token, queueDashboard: dashboard }),
    );
    withoutToken = await listen(createApp({ logger, readinessChecks: [], queueDashboard: dashboard }));
  });

  afterAll(async () => {
    await new Promise((resolve) => withToken.server.close(resolve));
    await new Promise((resolve) => withoutToken.server.close(resolve));
  });

  it('when /metrics is scraped, then it answers in the Prometheus text format', async () => {
    const res = await fetch(`${withToken.base}/metrics`);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('audience_loop_test_gauge 7');
  });

  it('when the admin token is missing or wrong, then the dashboard answers 401', async () => {
    expect((await fetch(`${withToken.base}/admin/queues`)).status).toBe(401);
    const wrong = await fetch(`${withToken.base}/admin/queues`, { headers: { authorization: 'Bearer nope' } });
    expect(wrong.status).toBe(401);
  });

  it('when the right bearer token is given, then the dashboard answers', async () => {
    const res = await fetch(`${withToken.base}/admin/queues`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('dashboard');
  });

  it('when no ADMIN_TOKEN is configured, then the admin endpoints stay closed', async () => {
    const res = await fetch(`${withoutToken.base}/admin/queues`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(503);
  });
});
