import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderRateLimiter } from '../../../../src/pipeline/enrich/waterfall/provider-rate-limiter';
import { FakeClock, openTestRedis } from './waterfall-test-kit';

let redis: Redis;
let prefix: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ redis, prefix, cleanup } = await openTestRedis('rate'));
});

afterAll(async () => {
  await cleanup();
});

const provider = (id: `http:${string}`, max: number, windowMs: number) => ({ id, rateLimit: { max, windowMs } });

describe('ProviderRateLimiter', () => {
  it('when two workers share a provider, then together they get only its limit per window', async () => {
    const clock = FakeClock.at('2026-11-28T12:00:00Z');
    const workerA = new ProviderRateLimiter(redis, { prefix, now: clock.now, sleep: clock.sleep });
    const workerB = new ProviderRateLimiter(redis, { prefix, now: clock.now, sleep: clock.sleep });
    const p = provider('http:shared', 4, 1000);
    const taken = [];
    for (let i = 0; i < 3; i += 1) {
      taken.push(await workerA.tryAcquire(p));
      taken.push(await workerB.tryAcquire(p));
    }
    expect(taken.filter((t) => t.ok)).toHaveLength(4);
    // One token comes back every 250 ms.
    expect(taken[5]).toEqual({ ok: false, waitMs: 250 });
    clock.advance(250);
    expect((await workerB.tryAcquire(p)).ok).toBe(true);
    expect((await workerA.tryAcquire(p)).ok).toBe(false);
  });

  it('when acquire may wait, then it waits for the next token; beyond maxWaitMs it gives up with the wait needed', async () => {
    const clock = FakeClock.at('2026-11-28T12:00:00Z');
    const limiter = new ProviderRateLimiter(redis, { prefix, now: clock.now, sleep: clock.sleep });
    const p = provider('http:waits', 1, 10_000);
    expect(await limiter.acquire(p)).toEqual({ ok: true, waitedMs: 0 });
    expect(await limiter.acquire(p, { maxWaitMs: 1000 })).toEqual({ ok: false, waitMs: 10_000 });
    const start = clock.ms;
    expect(await limiter.acquire(p, { maxWaitMs: 20_000 })).toEqual({ ok: true, waitedMs: 10_000 });
    expect(clock.ms - start).toBe(10_000);
  });

  it('when a provider sends Retry-After, then no worker gets a token until it has passed', async () => {
    const clock = FakeClock.at('2026-11-28T12:00:00Z');
    const workerA = new ProviderRateLimiter(redis, { prefix, now: clock.now, sleep: clock.sleep });
    const workerB = new ProviderRateLimiter(redis, { prefix, now: clock.now, sleep: clock.sleep });
    const p = provider('http:retry', 100, 1000);
    await workerA.penalise(p.id, 30_000);
    // A shorter Retry-After later must not shorten the block.
    await workerB.penalise(p.id, 5_000);
    expect(await workerB.tryAcquire(p)).toEqual({ ok: false, waitMs: 30_000 });
    clock.advance(29_999);
    expect((await workerA.tryAcquire(p)).ok).toBe(false);
    clock.advance(1);
    expect((await workerA.tryAcquire(p)).ok).toBe(true);
  });

  it('when a descriptor has no usable limit, then a coded config error says so', async () => {
    const limiter = new ProviderRateLimiter(redis, { prefix });
    await expect(limiter.tryAcquire(provider('http:zero', 0, 1000))).rejects.toMatchObject({
      code: 'ENRICH_RATE_LIMIT_INVALID',
    });
  });
});
