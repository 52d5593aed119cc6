import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../../../src/pipeline/enrich/waterfall/circuit-breaker';
import { FakeClock, openTestRedis } from './waterfall-test-kit';

let redis: Redis;
let prefix: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ redis, prefix, cleanup } = await openTestRedis('circuit'));
});

afterAll(async () => {
  await cleanup();
});

describe('CircuitBreaker', () => {
  it('when failures repeat, then it opens, half-opens after the cool-down for one probe, and a good probe closes it', async () => {
    const clock = FakeClock.at('2026-11-28T12:00:00Z');
    const workerA = new CircuitBreaker(redis, { prefix, now: clock.now, failureThreshold: 3, coolDownMs: 60_000 });
    const workerB = new CircuitBreaker(redis, { prefix, now: clock.now, failureThreshold: 3, coolDownMs: 60_000 });
    await workerA.recordFailure('pdl', '503');
    await workerB.recordFailure('pdl', 'timeout');
    expect(await workerA.check('pdl')).toEqual({ allowed: true, probe: false });
    await workerA.recordFailure('pdl', 'HTML reply');
    const open = await workerB.check('pdl');
    expect(open).toMatchObject({ allowed: false, status: { state: 'open', trip: 'failures', reason: 'HTML reply' } });

    clock.advance(60_000);
    expect((await workerA.status('pdl')).state).toBe('half_open');
    expect(await workerA.check('pdl')).toEqual({ allowed: true, probe: true });
    // Only one worker probes.
    expect((await workerB.check('pdl')).allowed).toBe(false);
    await workerA.recordSuccess('pdl');
    expect(await workerB.check('pdl')).toEqual({ allowed: true, probe: false });
    expect((await workerB.status('pdl')).failures).toBe(0);
  });

  it('when the half-open probe fails, then it opens again for another cool-down', async () => {
    const clock = FakeClock.at('2026-11-28T12:00:00Z');
    const breaker = new CircuitBreaker(redis, { prefix, now: clock.now, failureThreshold: 2, coolDownMs: 1000 });
    await breaker.recordFailure('apollo', 'a');
    await breaker.recordFailure('apollo', 'b');
    clock.advance(1000);
    expect((await breaker.check('apollo')).allowed).toBe(true);
    await breaker.recordFailure('apollo', 'still down');
    expect((await breaker.status('apollo')).state).toBe('open');
    clock.advance(1000);
    expect((await breaker.status('apollo')).state).toBe('half_open');
  });

  it('when a success comes between failures, then the consecutive count restarts', async () => {
    const breaker = new CircuitBreaker(redis, { prefix, failureThreshold: 2 });
    await breaker.recordFailure('http:flaky', 'x');
    await breaker.recordSuccess('http:flaky');
    await breaker.recordFailure('http:flaky', 'y');
    expect((await breaker.status('http:flaky')).state).toBe('closed');
  });

  it('when credentials are bad, then it opens at once and stays open until the configuration changes', async () => {
    const clock = FakeClock.at('2026-11-28T12:00:00Z');
    let keyHash = 'key-1';
    const breaker = new CircuitBreaker(redis, { prefix, now: clock.now, configVersion: () => keyHash });
    await breaker.recordBadCredentials('hunter', '401 invalid key');
    clock.advance(365 * 24 * 60 * 60 * 1000);
    expect(await breaker.status('hunter')).toMatchObject({ state: 'open', trip: 'bad_credentials' });
    expect((await breaker.status('hunter')).until).toBeUndefined();
    keyHash = 'key-2';
    expect((await breaker.check('hunter')).allowed).toBe(true);
  });

  it('when the quota is exhausted, then it stays open until the first of next month (UTC)', async () => {
    const clock = FakeClock.at('2026-11-28T12:00:00Z');
    const breaker = new CircuitBreaker(redis, { prefix, now: clock.now, coolDownMs: 1000, failureThreshold: 1 });
    await breaker.recordQuotaExhausted('http:quota', '402');
    expect(await breaker.status('http:quota')).toMatchObject({
      state: 'open',
      trip: 'quota_exhausted',
      until: '2026-12-01T00:00:00.000Z',
    });
    // A late failure of a call in flight does not shorten the block.
    await breaker.recordFailure('http:quota', 'late 503');
    expect((await breaker.status('http:quota')).until).toBe('2026-12-01T00:00:00.000Z');
    clock.ms = Date.parse('2026-12-01T00:00:00Z');
    expect((await breaker.check('http:quota')).allowed).toBe(true);
  });

  it('when a quota reset is configured, then it is used instead of the month', async () => {
    const clock = FakeClock.at('2026-11-28T12:00:00Z');
    const breaker = new CircuitBreaker(redis, {
      prefix,
      now: clock.now,
      quotaResetAt: (_provider, now) => new Date(now.getTime() + 3_600_000),
    });
    await breaker.recordQuotaExhausted('http:daily', '402');
    expect((await breaker.status('http:daily')).until).toBe('2026-11-28T13:00:00.000Z');
  });

  it('when states are read, then /readyz and the metrics gauge see every provider', async () => {
    const breaker = new CircuitBreaker(redis, { prefix, failureThreshold: 1 });
    await breaker.recordFailure('http:m1', 'down');
    const states = await breaker.states(['http:m1', 'http:m2']);
    expect(states.map((s) => [s.provider, s.state])).toEqual([
      ['http:m1', 'open'],
      ['http:m2', 'closed'],
    ]);
    const registry = new Registry();
    breaker.registerMetrics(registry, () => ['http:m1', 'http:m2']);
    const text = await registry.metrics();
    expect(text).toContain('audience_loop_enrichment_circuit_state{provider="http:m1"} 2');
    expect(text).toContain('audience_loop_enrichment_circuit_state{provider="http:m2"} 0');
  });
});
