import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_CACHE_TTL_MS, EnrichmentCache } from '../../../../src/pipeline/enrich/waterfall/enrichment-cache';
import { lookupIdentity } from '../../../../src/pipeline/enrich/waterfall/lookup-identity';
import { FakeClock, openTestRedis, value } from './waterfall-test-kit';

let redis: Redis;
let prefix: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ redis, prefix, cleanup } = await openTestRedis('cache'));
});

afterAll(async () => {
  await cleanup();
});

const DAY = 24 * 60 * 60 * 1000;

describe('lookupIdentity', () => {
  it('when the same person is written differently, then the identity is the same', () => {
    const a = lookupIdentity('person.title', { Email: ' Ada@ACME.com ' });
    const b = lookupIdentity('person.title', { Email: 'ada@acme.com', FirstName: 'Someone' });
    expect(a).toEqual(b);
    expect(a?.basis).toBe('email');
  });

  it('when there is no email, then linkedin, then first + last + company domain identify the person', () => {
    expect(lookupIdentity('person.title', { LinkedIn_URL__c: 'linkedin.com/in/ada' })?.basis).toBe('linkedin');
    const byName = lookupIdentity('person.title', {
      FirstName: 'Ada',
      LastName: 'Lovelace',
      'Account.Website': 'https://www.acme.com/',
    });
    expect(byName?.basis).toBe('name_domain');
    expect(lookupIdentity('person.title', { FirstName: 'Ada', LastName: 'Lovelace', Website: 'acme.com' })).toEqual(
      byName,
    );
    expect(lookupIdentity('person.title', { FirstName: 'Ada' })).toBeUndefined();
  });

  it('when the attribute is about the company, then only the domain counts', () => {
    const a = lookupIdentity('company.industry', { Email: 'ada@acme.com' });
    const b = lookupIdentity('company.industry', { Website: 'http://acme.com', Email: 'bob@other.com' });
    expect(a).toEqual(b);
    // A free-mail domain is not a company.
    expect(lookupIdentity('company.industry', { Email: 'ada@gmail.com' })).toBeUndefined();
  });
});

describe('EnrichmentCache', () => {
  it('when a value is stored, then it expires after its attribute’s default TTL', async () => {
    const cache = new EnrichmentCache(redis, { prefix });
    const input = { Email: 'ttl@acme.com' };
    await cache.putValue(input, { value: value('person.work_email', 'w@acme.com') });
    await cache.putValue(input, { value: value('company.industry', 'Software') });
    const [workKey] = cache.keysFor('person.work_email', input);
    const [industryKey] = cache.keysFor('company.industry', input);
    expect(await redis.pttl(workKey ?? '')).toBeGreaterThan(DEFAULT_CACHE_TTL_MS['person.work_email'] - 60_000);
    expect(await redis.pttl(industryKey ?? '')).toBeGreaterThan(179 * DAY);
    const found = await cache.lookup(['person.work_email'], input);
    expect(found.get('person.work_email')).toMatchObject({ kind: 'hit', cached: { value: { value: 'w@acme.com' } } });
  });

  it('when TTLs are configured, then they override the defaults, and 0 turns caching off', async () => {
    const cache = new EnrichmentCache(redis, { prefix, ttlMs: { 'person.title': 1000, 'person.seniority': 0 } });
    const input = { Email: 'configured@acme.com' };
    expect(await cache.putValue(input, { value: value('person.title', 'CTO') })).toBe(true);
    expect(await redis.pttl(cache.keysFor('person.title', input)[0] ?? '')).toBeLessThanOrEqual(1000);
    expect(await cache.putValue(input, { value: value('person.seniority', 'VP') })).toBe(false);
    expect((await cache.lookup(['person.seniority'], input)).get('person.seniority')).toEqual({ kind: 'uncacheable' });
  });

  it('when a TTL is invalid, then a coded config error is thrown', () => {
    expect(() => new EnrichmentCache(redis, { prefix, ttlMs: { 'person.title': -1 } })).toThrow(
      expect.objectContaining({ code: 'ENRICH_CACHE_CONFIG_INVALID' }),
    );
  });

  it('when providers found nothing, then the miss lists them until the negative TTL passes', async () => {
    const clock = FakeClock.at('2026-11-28T12:00:00Z');
    const cache = new EnrichmentCache(redis, { prefix, now: clock.now, negativeTtlMs: 2 * DAY });
    const input = { Email: 'miss@acme.com' };
    await cache.putNoMatch('person.mobile_phone', input, 'pdl');
    clock.advance(DAY);
    await cache.putNoMatch('person.mobile_phone', input, 'apollo');
    expect((await cache.lookup(['person.mobile_phone'], input)).get('person.mobile_phone')).toEqual({
      kind: 'miss',
      noMatchFrom: ['pdl', 'apollo'],
    });
    clock.advance(DAY);
    expect((await cache.lookup(['person.mobile_phone'], input)).get('person.mobile_phone')).toEqual({
      kind: 'miss',
      noMatchFrom: ['apollo'],
    });
  });

  it('when an entry is unreadable, then it counts as a miss', async () => {
    const cache = new EnrichmentCache(redis, { prefix });
    const input = { Email: 'junk@acme.com' };
    await redis.set(cache.keysFor('person.title', input)[0] ?? '', '{not json');
    expect((await cache.lookup(['person.title'], input)).get('person.title')).toEqual({
      kind: 'miss',
      noMatchFrom: [],
    });
  });
});
