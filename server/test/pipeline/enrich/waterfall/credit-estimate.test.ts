import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProviderDescriptor, ProviderId } from '../../../../src/pipeline/enrich/providers/provider-contract';
import { estimateCredits, estimateRunCredits } from '../../../../src/pipeline/enrich/waterfall/credit-estimate';
import { EnrichmentCache } from '../../../../src/pipeline/enrich/waterfall/enrichment-cache';
import { HitRateStats, type ProviderHitStats } from '../../../../src/pipeline/enrich/waterfall/hit-rate-stats';
import { FETCHED_AT, openTestRedis } from './waterfall-test-kit';

let redis: Redis;
let prefix: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ redis, prefix, cleanup } = await openTestRedis('estimate'));
});

afterAll(async () => {
  await cleanup();
});

function descriptor(
  id: ProviderId,
  perCall: number,
  perMatch = 0,
  requiredInputs: string[][] = [],
): ProviderDescriptor {
  return {
    id,
    produces: ['person.work_email'],
    inputFields: [],
    requiredInputs,
    cost: { perCall, perMatch },
    rateLimit: { max: 10, windowMs: 1000 },
    timeoutMs: 1000,
  };
}

const observed = (asked: number, found: number): ProviderHitStats => ({
  calls: asked,
  matches: found,
  byAttribute: { 'person.work_email': { asked, found } },
});

describe('estimateCredits', () => {
  it('when hit rates are observed, then later providers are reached only by the records earlier ones missed', () => {
    const descriptors = new Map([
      ['http:a', descriptor('http:a', 1)],
      ['http:b', descriptor('http:b', 2)],
    ] as const);
    const estimate = estimateCredits({
      records: 100,
      attributes: ['person.work_email'],
      providerOrder: ['http:a', 'http:b'],
      descriptors,
      // 60% hit rate at a, observed on 1000 calls (the prior barely matters).
      stats: new Map([['http:a', observed(1000, 600)]]),
    });
    expect(estimate.expectedCalls['http:a']).toBe(100);
    expect(estimate.expectedCalls['http:b']).toBeCloseTo(40, 0);
    expect(estimate.expectedCredits).toBeCloseTo(100 * 1 + 40 * 2, 0);
    expect(estimate.low).toBeLessThanOrEqual(estimate.expectedCredits);
    expect(estimate.high).toBeGreaterThanOrEqual(estimate.expectedCredits);
    expect(estimate.worstCase).toBe(300);
  });

  it('when nothing is observed, then the prior is used and the range is wide', () => {
    const estimate = estimateCredits({
      records: 10,
      attributes: ['person.work_email'],
      providerOrder: ['http:a', 'http:b'],
      descriptors: new Map([
        ['http:a', descriptor('http:a', 1)],
        ['http:b', descriptor('http:b', 1)],
      ] as const),
      stats: new Map(),
      prior: { hitRate: 0.5, weight: 4 },
    });
    expect(estimate.expectedCredits).toBe(15);
    expect(estimate.high - estimate.low).toBeGreaterThan(5);
  });

  it('when a provider charges per match, then expected cost follows its match rate', () => {
    const estimate = estimateCredits({
      records: 10,
      attributes: ['person.work_email'],
      providerOrder: ['http:m'],
      descriptors: new Map([['http:m', descriptor('http:m', 0, 10)]] as const),
      stats: new Map([['http:m', observed(10_000, 2_000)]]),
    });
    expect(estimate.expectedCredits).toBeCloseTo(20, 0);
  });

  it('when the run may cross its ceiling or the month’s remaining budget, then the estimate warns', () => {
    const estimate = estimateCredits({
      records: 100,
      attributes: ['person.work_email'],
      providerOrder: ['http:a'],
      descriptors: new Map([['http:a', descriptor('http:a', 1)]] as const),
      stats: new Map(),
      budget: { perRun: 50, perMonth: 120, monthUsed: 40 },
    });
    expect(estimate.warnings).toHaveLength(2);
    expect(estimate.warnings[1]).toContain('only 80');
  });
});

describe('estimateRunCredits', () => {
  it('when records are given, then cached ones and providers lacking inputs are left out', async () => {
    const cache = new EnrichmentCache(redis, { prefix });
    const hitRates = new HitRateStats(redis, { prefix });
    for (let i = 0; i < 10; i += 1)
      await hitRates.record('http:est-a', ['person.work_email'], i < 5 ? ['person.work_email'] : [], i < 5);
    const cachedRecord = { Email: 'cached@acme.com' };
    await cache.putValue(cachedRecord, {
      value: {
        key: 'person.work_email',
        value: 'c@acme.com',
        provider: 'http:est-a',
        confidence: 1,
        fetchedAt: FETCHED_AT,
      },
    });
    const estimate = await estimateRunCredits({
      records: [cachedRecord, { Email: 'new@acme.com' }, { FirstName: 'Ada' }],
      attributes: ['person.work_email'],
      providerOrder: ['http:est-a'],
      descriptors: new Map([['http:est-a', descriptor('http:est-a', 1, 0, [['Email']])]] as const),
      hitRates,
      cache,
    });
    expect(estimate.records).toBe(3);
    expect(estimate.fullyCached).toBe(1);
    // Only the uncached record with an Email can be sent.
    expect(estimate.expectedCalls).toEqual({ 'http:est-a': 1 });
    expect(estimate.expectedCredits).toBe(1);
  });
});
