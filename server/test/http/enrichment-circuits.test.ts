/**
 * Enrichment provider circuits in /readyz and /metrics: real provider adapters against the provider fakes, the
 * waterfall and circuit breaker on a real Redis (own prefix), and the readiness check and gauge main.ts registers.
 */
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import type { Redis } from 'ioredis';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app';
import { circuitReadiness, enrichmentReadinessCheck, type CircuitSource } from '../../src/http/enrichment-readiness';
import { registerEnrichmentMetrics } from '../../src/http/loop-metrics';
import { createLogger } from '../../src/lib/logger';
import type { ProviderInput } from '../../src/pipeline/enrich/providers/provider-contract';
import { createProviderRegistry, type ProviderRegistry } from '../../src/pipeline/enrich/providers/provider-registry';
import { providerEnvFrom } from '../../src/pipeline/enrich/runs/provider-env';
import { ProviderCircuits } from '../../src/pipeline/enrich/runs/provider-circuits';
import { createWaterfallServices, type WaterfallServices } from '../../src/pipeline/enrich/runs/waterfall-services';
import { runWaterfall } from '../../src/pipeline/enrich/waterfall/waterfall';
import { startProviderFakes, type ProviderFakes } from '../../../test/emulators/providers/index';
import { openTestRedis } from '../pipeline/enrich/waterfall/waterfall-test-kit';

interface ReadyBody {
  status: string;
  checks: Record<string, { ok: boolean; detail?: string; providers?: Record<string, Record<string, unknown>> }>;
}

let redis: Redis;
let prefix: string;
let cleanup: () => Promise<void>;
let fakes: ProviderFakes;
let server: Server;
let base: string;
/** What the loop would expose as `runtime.enrichment.circuits`: undefined until it has started. */
let current: CircuitSource | undefined;
let people = 0;

/** The runner's wiring: providers from the environment, services sharing Redis, circuits of the paid providers. */
function wire(pdlKey: string): { registry: ProviderRegistry; services: WaterfallServices; circuits: ProviderCircuits } {
  const environment = {
    HUNTER_API_KEY: fakes.keys.hunter,
    HUNTER_BASE_URL: fakes.hunterBaseUrl,
    PDL_API_KEY: pdlKey,
    PDL_BASE_URL: fakes.pdlBaseUrl,
  };
  const registry = createProviderRegistry(providerEnvFrom(environment, 'US'), { environment });
  const services = createWaterfallServices(redis, prefix, () => new Date(), { fingerprints: registry.fingerprints });
  return { registry, services, circuits: new ProviderCircuits(services.breaker, registry.providers.keys()) };
}

/** One record's waterfall (PDL, then Hunter) for a person nobody asked about before: nothing comes from the cache. */
async function enrichSomeone(wiring: ReturnType<typeof wire>) {
  people += 1;
  const input: ProviderInput = {
    FirstName: 'Ada',
    LastName: `Tester${people}`,
    Company: 'Acme Inc',
    'Account.Website': 'https://acme.com',
  };
  return runWaterfall({
    input,
    wanted: ['person.work_email'],
    providerOrder: ['pdl', 'hunter'],
    providers: wiring.registry.providers,
    ...wiring.services,
    policy: 'balanced',
    planId: 'plan-circuits',
    runId: 'run-circuits',
  });
}

async function readyz(): Promise<{ status: number; body: ReadyBody }> {
  const res = await fetch(`${base}/readyz`);
  return { status: res.status, body: (await res.json()) as ReadyBody };
}

async function metrics(): Promise<string> {
  return (await fetch(`${base}/metrics`)).text();
}

const gauge = (provider: string, value: number) =>
  `audience_loop_enrichment_circuit_state{provider="${provider}"} ${value}`;

let wiring: ReturnType<typeof wire>;

beforeAll(async () => {
  ({ redis, prefix, cleanup } = await openTestRedis('http-circuits'));
  fakes = await startProviderFakes();
  wiring = wire(fakes.keys.pdl);
  const registry = new Registry();
  registerEnrichmentMetrics(registry, () => current);
  const app = createApp({
    logger: createLogger({ level: 'silent' }),
    metrics: registry,
    readinessChecks: [enrichmentReadinessCheck(() => current)],
  });
  server = app.listen(0);
  await new Promise((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await fakes?.stop();
  await cleanup();
});

describe('enrichment circuits over HTTP', () => {
  it('when the loop has not started, then enrichment is ready and no gauge is reported', async () => {
    current = undefined;
    const { status, body } = await readyz();
    expect(status).toBe(200);
    expect(body.checks.enrichment).toEqual({ ok: true, detail: 'not started yet' });
    expect(await metrics()).not.toContain('audience_loop_enrichment_circuit_state{');
  });

  it('when every circuit is closed, then /readyz lists each paid provider as ok and the gauge reads 0', async () => {
    current = wiring.circuits;
    const { status, body } = await readyz();
    expect(status).toBe(200);
    expect(body.checks.enrichment).toMatchObject({ ok: true, detail: 'every provider circuit is closed' });
    // Offline has no circuit worth showing.
    expect(Object.keys(body.checks.enrichment?.providers ?? {})).toEqual(['hunter', 'pdl']);
    const text = await metrics();
    expect(text).toContain(gauge('hunter', 0));
    expect(text).toContain(gauge('pdl', 0));
  });

  it('when PDL refuses its key, then PDL shows open and degraded, and the service stays ready', async () => {
    fakes.control.setMode('pdl', 'bad_key');
    const result = await enrichSomeone(wiring);
    expect(result.errors).toEqual([expect.objectContaining({ provider: 'pdl', kind: 'bad_credentials' })]);

    const { status, body } = await readyz();
    expect(status).toBe(200);
    const check = body.checks.enrichment;
    expect(check?.ok).toBe(true);
    expect(check?.detail).toBe('degraded: pdl open (bad_credentials)');
    expect(check?.providers?.pdl).toMatchObject({ status: 'degraded', state: 'open', trip: 'bad_credentials' });
    expect(check?.providers?.hunter).toMatchObject({ status: 'ok', state: 'closed' });
    const text = await metrics();
    expect(text).toContain(gauge('pdl', 2));
    expect(text).toContain(gauge('hunter', 0));
  });

  it('when Hunter keeps failing as well, then every paid circuit is open and /readyz answers 503', async () => {
    fakes.control.setMode('hunter', 'server_error');
    // The breaker opens after five consecutive failures (its default threshold); PDL is skipped, its circuit open.
    for (let i = 0; i < 5; i += 1) {
      const result = await enrichSomeone(wiring);
      expect(result.skipped).toEqual([expect.objectContaining({ provider: 'pdl', reason: 'circuit_open' })]);
      expect(result.errors).toEqual([expect.objectContaining({ provider: 'hunter', kind: 'retry_later' })]);
    }
    const hunterCalls = fakes.calls('hunter');
    expect((await enrichSomeone(wiring)).skipped.map((skip) => skip.provider)).toEqual(['pdl', 'hunter']);
    expect(fakes.calls('hunter')).toBe(hunterCalls);

    const { status, body } = await readyz();
    expect(status).toBe(503);
    expect(body.status).toBe('not_ready');
    const check = body.checks.enrichment;
    expect(check?.ok).toBe(false);
    expect(check?.detail).toBe(
      'every paid provider circuit is open: hunter open (failures), pdl open (bad_credentials)',
    );
    expect(check?.providers?.hunter).toMatchObject({
      status: 'degraded',
      state: 'open',
      trip: 'failures',
      failures: 5,
    });
    expect(check?.providers?.hunter?.until).toEqual(expect.any(String));
    expect(await metrics()).toContain(gauge('hunter', 2));
  });

  it('when PDL gets a new key (a restart), then its circuit closes and readiness returns', async () => {
    fakes.control.reset();
    // Same Redis, so the same circuits: only the configuration fingerprint differs.
    const restarted = wire('e'.repeat(32) + '0123456789abcdef'.repeat(2));
    current = restarted.circuits;
    const { status, body } = await readyz();
    expect(status).toBe(200);
    expect(body.checks.enrichment?.detail).toBe('degraded: hunter open (failures)');
    expect(body.checks.enrichment?.providers?.pdl).toMatchObject({ status: 'ok', state: 'closed' });
    const text = await metrics();
    expect(text).toContain(gauge('pdl', 0));
    expect(text).toContain(gauge('hunter', 2));
    // The old configuration still sees its revoked key's circuit open.
    expect((await wiring.services.breaker.status('pdl')).state).toBe('open');
  });
});

describe('circuitReadiness', () => {
  const closed = { failures: 0, state: 'closed' as const };
  it('when no paid provider is configured, then it is ready with nothing to show', () => {
    expect(circuitReadiness([])).toEqual({ ok: true, detail: 'no paid enrichment provider configured', providers: {} });
  });

  it('when the only other circuit is half-open (a probe may pass), then it is degraded but ready', () => {
    const result = circuitReadiness([
      { provider: 'pdl', failures: 0, state: 'open', trip: 'quota_exhausted', until: '2026-12-01T00:00:00.000Z' },
      { provider: 'hunter', failures: 5, state: 'half_open', trip: 'failures' },
    ]);
    expect(result.ok).toBe(true);
    expect(result.detail).toBe('degraded: pdl open (quota_exhausted), hunter half_open (failures)');
    expect(result.providers.hunter).toMatchObject({ status: 'degraded', state: 'half_open' });
  });

  it('when a single configured provider is open, then paid enrichment is down and it is not ready', () => {
    expect(circuitReadiness([{ provider: 'http:acme', failures: 5, state: 'open', trip: 'failures' }]).ok).toBe(false);
    expect(circuitReadiness([{ provider: 'http:acme', ...closed }]).ok).toBe(true);
  });
});
