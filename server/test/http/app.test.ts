import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { createLogger } from '../../src/lib/logger';
import { connectRedis, pingRedis } from '../../src/state/redis';
import { TEST_REDIS_URL } from '../support/redis-test';
import type { Redis } from 'ioredis';

describe('createApp', () => {
  let redis: Redis;
  let server: Server;
  let base: string;
  let redisUp = true;

  beforeAll(async () => {
    redis = await connectRedis(TEST_REDIS_URL);
    const app = createApp({
      logger: createLogger({ level: 'silent' }),
      readinessChecks: [
        { name: 'redis', check: async () => ({ ok: await pingRedis(redis) }) },
        { name: 'switchable', check: async () => ({ ok: redisUp, detail: redisUp ? undefined : 'switched off' }) },
      ],
    });
    server = app.listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await redis.quit();
  });

  it('when /healthz is asked, then it answers ok', async () => {
    const res = await fetch(`${base}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('when every dependency answers, then /readyz is 200 with each check', async () => {
    redisUp = true;
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      status: 'ready',
      reasons: [],
      checks: { redis: { ok: true }, switchable: { ok: true } },
    });
  });

  it('when a dependency fails, then /readyz is 503 and names it', async () => {
    redisUp = false;
    const res = await fetch(`${base}/readyz`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as { checks: Record<string, { ok: boolean; detail?: string }> };
    expect(body.checks.switchable).toEqual({ ok: false, detail: 'switched off' });
  });
});
