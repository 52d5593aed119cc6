import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttributeKey } from '../../../../src/domain/attributes';
import type { EnrichmentProvider, ProviderId } from '../../../../src/pipeline/enrich/providers/provider-contract';
import { CircuitBreaker } from '../../../../src/pipeline/enrich/waterfall/circuit-breaker';
import { CreditLedger, type CreditLimits } from '../../../../src/pipeline/enrich/waterfall/credit-ledger';
import type { EmailPolicy } from '../../../../src/pipeline/enrich/waterfall/email-validation-policy';
import { EnrichmentCache } from '../../../../src/pipeline/enrich/waterfall/enrichment-cache';
import { HitRateStats } from '../../../../src/pipeline/enrich/waterfall/hit-rate-stats';
import { ProviderRateLimiter } from '../../../../src/pipeline/enrich/waterfall/provider-rate-limiter';
import { runWaterfall, type WaterfallResult } from '../../../../src/pipeline/enrich/waterfall/waterfall';
import { FakeClock, FakeProvider, matches, noMatch, openTestRedis, providerMap, value } from './waterfall-test-kit';

let redis: Redis;
let prefix: string;
let cleanup: () => Promise<void>;
let counter = 0;

beforeAll(async () => {
  ({ redis, prefix, cleanup } = await openTestRedis('waterfall'));
});

afterAll(async () => {
  await cleanup();
});

/** A record no other test uses, so cache entries never leak between tests. */
function freshRecord(extra: Record<string, string> = {}): Record<string, string> {
  counter += 1;
  return { Email: `person${counter}@acme${counter}.com`, FirstName: 'Ada', LastName: 'Lovelace', ...extra };
}

function setup(clock = FakeClock.at('2026-11-28T12:00:00Z')) {
  const cache = new EnrichmentCache(redis, { prefix, now: clock.now });
  const credits = new CreditLedger(redis, { prefix, now: clock.date });
  const limiter = new ProviderRateLimiter(redis, { prefix, now: clock.now, sleep: clock.sleep });
  const breaker = new CircuitBreaker(redis, { prefix, now: clock.now, failureThreshold: 3 });
  const hitRates = new HitRateStats(redis, { prefix });
  counter += 1;
  const planId = `plan-${counter}`;
  const runId = `run-${counter}`;
  const run = (
    input: Record<string, string>,
    wanted: AttributeKey[],
    providers: EnrichmentProvider[],
    options: { policy?: EmailPolicy; limits?: CreditLimits; runId?: string; planId?: string } = {},
  ): Promise<WaterfallResult> =>
    runWaterfall({
      input,
      wanted,
      providerOrder: providers.map((provider) => provider.descriptor.id),
      providers: providerMap(...providers),
      cache,
      credits,
      limiter,
      breaker,
      hitRates,
      policy: options.policy ?? 'balanced',
      planId: options.planId ?? planId,
      runId: options.runId ?? runId,
      limits: options.limits,
      now: clock.date,
    });
  return { cache, credits, limiter, breaker, hitRates, planId, runId, run, clock };
}

describe('runWaterfall: order and early stop', () => {
  it('when the first provider has nothing and the second matches, then the third is never called', async () => {
    const { run, credits, runId } = setup();
    const a = new FakeProvider('http:a', ['person.title'], noMatch(1));
    const b = new FakeProvider('http:b', ['person.title'], matches({ 'person.title': 'CTO' }, 2), {
      cost: { perCall: 0, perMatch: 2 },
    });
    const c = new FakeProvider('http:c', ['person.title'], matches({ 'person.title': 'CEO' }));
    const result = await run(freshRecord(), ['person.title'], [a, b, c]);
    // The value carries what its call was charged (provenance shows it per field).
    expect(result.values).toEqual([
      expect.objectContaining({ key: 'person.title', value: 'CTO', provider: 'http:b', cost: 2 }),
    ]);
    expect(result.winners).toEqual({ 'person.title': 'http:b' });
    expect(result.calls.map((call) => [call.provider, call.outcome, call.credits])).toEqual([
      ['http:a', 'no_match', 1],
      ['http:b', 'match', 2],
    ]);
    expect(c.calls).toHaveLength(0);
    expect((await credits.usage(runId)).byProvider).toEqual({ 'http:a': 1, 'http:b': 2 });
  });

  it('when one provider produces several wanted attributes, then it is asked for all of them in one call', async () => {
    const { run } = setup();
    const title = new FakeProvider('http:titles', ['person.title'], matches({ 'person.title': 'VP Sales' }));
    const wide = new FakeProvider(
      'http:wide',
      ['person.title', 'person.seniority', 'company.industry'],
      matches({ 'person.title': 'Director', 'person.seniority': 'VP', 'company.industry': 'Software' }),
    );
    const result = await run(freshRecord(), ['person.title', 'person.seniority', 'company.industry'], [title, wide]);
    expect(wide.calls).toHaveLength(1);
    // Title already won: the second provider is asked only for what is still missing.
    expect(wide.calls[0]?.wanted).toEqual(['person.seniority', 'company.industry']);
    expect(result.winners).toEqual({
      'person.title': 'http:titles',
      'person.seniority': 'http:wide',
      'company.industry': 'http:wide',
    });
    expect(result.missing).toEqual([]);
  });

  it('when a value fails validation, then it is rejected and the next provider is asked', async () => {
    const { run } = setup();
    const a = new FakeProvider('http:a', ['person.seniority'], matches({ 'person.seniority': 'Overlord' }));
    const b = new FakeProvider('http:b', ['person.seniority'], matches({ 'person.seniority': 'Manager' }));
    const result = await run(freshRecord(), ['person.seniority'], [a, b]);
    expect(result.rejected).toEqual([expect.objectContaining({ provider: 'http:a', value: 'Overlord' })]);
    expect(result.winners['person.seniority']).toBe('http:b');
  });

  it('when a provider lacks its required inputs, then it is skipped without a call or a credit', async () => {
    const { run } = setup();
    const needsLinkedIn = new FakeProvider('http:li', ['person.title'], matches({ 'person.title': 'CTO' }), {
      requiredInputs: [['LinkedIn_URL__c']],
    });
    const result = await run(freshRecord(), ['person.title'], [needsLinkedIn]);
    expect(needsLinkedIn.calls).toHaveLength(0);
    expect(result.skipped).toEqual([{ provider: 'http:li', reason: 'missing_inputs', attributes: ['person.title'] }]);
    expect(result.missing).toEqual(['person.title']);
  });

  it('when two providers in a row return the same invalid email, then the attribute stops early', async () => {
    const { run } = setup();
    const junk = 'not-an-email';
    const a = new FakeProvider('http:a', ['person.work_email'], matches({ 'person.work_email': junk }));
    const b = new FakeProvider('http:b', ['person.work_email'], matches({ 'person.work_email': ' NOT-AN-EMAIL ' }));
    const c = new FakeProvider('http:c', ['person.work_email'], matches({ 'person.work_email': 'ada@acme.com' }));
    const result = await run(freshRecord(), ['person.work_email'], [a, b, c]);
    expect(result.stoppedEarly).toEqual(['person.work_email']);
    expect(c.calls).toHaveLength(0);
    expect(result.missing).toEqual(['person.work_email']);
  });

  it('when invalid values differ, then the waterfall goes on', async () => {
    const { run } = setup();
    const a = new FakeProvider('http:a', ['person.work_email'], matches({ 'person.work_email': 'junk-1' }));
    const b = new FakeProvider('http:b', ['person.work_email'], matches({ 'person.work_email': 'junk-2' }));
    const c = new FakeProvider('http:c', ['person.work_email'], matches({ 'person.work_email': 'ada@acme.com' }));
    const result = await run(freshRecord(), ['person.work_email'], [a, b, c]);
    expect(result.stoppedEarly).toEqual([]);
    expect(result.winners['person.work_email']).toBe('http:c');
  });
});

describe('runWaterfall: provider failures', () => {
  it('when a provider answers bad_reply or bad_credentials, then it is that record’s error and the next one is asked', async () => {
    const { run, breaker } = setup();
    const broken = new FakeProvider('http:broken', ['person.title'], () => ({
      kind: 'bad_reply',
      reason: 'HTML page',
    }));
    const revoked = new FakeProvider('http:revoked', ['person.title'], () => ({
      kind: 'bad_credentials',
      reason: '401',
    }));
    const good = new FakeProvider('http:good', ['person.title'], matches({ 'person.title': 'CFO' }));
    const result = await run(freshRecord(), ['person.title'], [broken, revoked, good]);
    expect(result.errors).toEqual([
      { provider: 'http:broken', kind: 'bad_reply', reason: 'HTML page' },
      { provider: 'http:revoked', kind: 'bad_credentials', reason: '401' },
    ]);
    expect(result.winners['person.title']).toBe('http:good');
    // Errors cost nothing, and a revoked key opens the circuit for everyone at once.
    expect(result.calls.map((call) => call.credits)).toEqual([0, 0, 1]);
    expect((await breaker.status('http:revoked')).state).toBe('open');
    const next = await run(freshRecord(), ['person.title'], [revoked, good]);
    // The skip says what opened the circuit, so a run can report "bad credentials" without another call.
    expect(next.skipped).toEqual([
      {
        provider: 'http:revoked',
        reason: 'circuit_open',
        attributes: ['person.title'],
        trip: 'bad_credentials',
        detail: '401',
      },
    ]);
    expect(revoked.calls).toHaveLength(1);
  });

  it('when a provider says retry later with Retry-After, then every worker leaves it alone for that long', async () => {
    const { run, clock } = setup();
    const busy = new FakeProvider('http:busy', ['person.title'], (_call, n) =>
      n === 1 ? { kind: 'retry_later', retryAfterMs: 60_000, reason: '429' } : { kind: 'no_match', creditsCharged: 0 },
    );
    const first = await run(freshRecord(), ['person.title'], [busy]);
    expect(first.errors).toEqual([{ provider: 'http:busy', kind: 'retry_later', reason: '429' }]);
    const second = await run(freshRecord(), ['person.title'], [busy]);
    expect(second.skipped[0]?.reason).toBe('rate_limited');
    clock.advance(60_001);
    await run(freshRecord(), ['person.title'], [busy]);
    expect(busy.calls).toHaveLength(2);
  });
});

describe('runWaterfall: cache', () => {
  it('when the same lookup comes again (another plan, another run), then it calls nobody and costs nothing', async () => {
    const first = setup();
    const record = freshRecord();
    const provider = new FakeProvider(
      'http:p',
      ['person.title', 'company.industry'],
      matches({
        'person.title': 'CTO',
        'company.industry': 'Software',
      }),
    );
    const bought = await first.run(record, ['person.title', 'company.industry'], [provider]);
    expect(provider.calls).toHaveLength(1);
    // One call, one charge: both of its values say what the call cost.
    expect(bought.values.map((v) => v.cost)).toEqual([1, 1]);

    const second = setup();
    // Same person, differently written: the identity is normalised.
    const again = await second.run(
      { ...record, Email: `  ${record.Email?.toUpperCase()} ` },
      ['person.title', 'company.industry'],
      [provider],
    );
    expect(provider.calls).toHaveLength(1);
    expect(again.calls).toEqual([]);
    expect(again.fromCache).toEqual(['person.title', 'company.industry']);
    // A hit names the provider that found the value, and costs this enrichment nothing.
    expect(again.values.map((v) => [v.key, v.value, v.provider, v.cost])).toEqual([
      ['person.title', 'CTO', 'http:p', 0],
      ['company.industry', 'Software', 'http:p', 0],
    ]);
    expect((await second.credits.usage(second.runId)).total).toBe(0);
  });

  it('when a provider found nothing, then it is not paid again for that lookup while the negative entry lives', async () => {
    const { run, clock, credits } = setup();
    const record = freshRecord();
    const empty = new FakeProvider('http:empty', ['person.mobile_phone'], noMatch(1));
    const other = new FakeProvider('http:other', ['person.mobile_phone'], noMatch(1));
    await run(record, ['person.mobile_phone'], [empty, other], { runId: 'neg-1' });
    const again = await run(record, ['person.mobile_phone'], [empty, other], { runId: 'neg-2' });
    expect(empty.calls).toHaveLength(1);
    expect(other.calls).toHaveLength(1);
    expect(again.skipped.map((skip) => [skip.provider, skip.reason])).toEqual([
      ['http:empty', 'known_no_match'],
      ['http:other', 'known_no_match'],
    ]);
    expect((await credits.usage('neg-2')).total).toBe(0);
    clock.advance(7 * 24 * 60 * 60 * 1000 + 1);
    await run(record, ['person.mobile_phone'], [empty, other], { runId: 'neg-3' });
    expect(empty.calls).toHaveLength(2);
  });

  it('when a cached email was accepted as risky, then a conservative plan does not take it and does not rebuy it', async () => {
    const record = freshRecord({ Email: '', 'Account.Website': `https://catchall-${counter}.io` });
    const risky = new FakeProvider('http:risky', ['person.work_email', 'person.email_status'], () => ({
      kind: 'match',
      values: [value('person.work_email', 'ada@catchall.io'), value('person.email_status', 'risky')],
      creditsCharged: 1,
    }));
    const balanced = await setup().run(record, ['person.work_email'], [risky], { policy: 'balanced' });
    expect(balanced.winners['person.work_email']).toBe('http:risky');
    expect(balanced.values[0]?.confidence).toBeCloseTo(0.54);

    const strict = await setup().run(record, ['person.work_email'], [risky], { policy: 'conservative' });
    expect(strict.fromCache).toEqual([]);
    expect(strict.missing).toEqual(['person.work_email']);
    expect(risky.calls).toHaveLength(1);
  });
});

describe('runWaterfall: email status', () => {
  it('when offline gives a provisional status, then a verifier further down replaces it', async () => {
    const { run } = setup();
    const offline = new FakeProvider(
      'offline',
      ['person.email_status'],
      matches({ 'person.email_status': 'valid_format' }),
      {
        cost: { perCall: 0, perMatch: 0 },
      },
    );
    const verifier = new FakeProvider(
      'hunter',
      ['person.email_status'],
      matches({ 'person.email_status': 'verified' }),
    );
    const result = await run(freshRecord(), ['person.email_status'], [offline, verifier]);
    expect(result.values).toEqual([expect.objectContaining({ value: 'verified', provider: 'hunter' })]);
  });

  it('when offline already says invalid, then nobody is paid to verify it', async () => {
    const { run } = setup();
    const offline = new FakeProvider(
      'offline',
      ['person.email_status'],
      matches({ 'person.email_status': 'invalid' }),
      {
        cost: { perCall: 0, perMatch: 0 },
      },
    );
    const verifier = new FakeProvider(
      'hunter',
      ['person.email_status'],
      matches({ 'person.email_status': 'verified' }),
    );
    const result = await run(freshRecord({ Email: 'nope' }), ['person.email_status'], [offline, verifier]);
    expect(result.winners['person.email_status']).toBe('offline');
    expect(verifier.calls).toHaveLength(0);
  });

  it('when no verifier answers, then the provisional status wins', async () => {
    const { run } = setup();
    const offline = new FakeProvider('offline', ['person.email_status'], matches({ 'person.email_status': 'role' }), {
      cost: { perCall: 0, perMatch: 0 },
    });
    const verifier = new FakeProvider('hunter', ['person.email_status'], noMatch(0));
    const result = await run(freshRecord(), ['person.email_status'], [offline, verifier]);
    expect(result.values).toEqual([expect.objectContaining({ value: 'role', provider: 'offline' })]);
  });
});

describe('runWaterfall: credit limits', () => {
  it('when the run ceiling is reached, then the waterfall pauses, and a resume with a higher ceiling continues', async () => {
    const { run, credits, runId } = setup();
    const pricey = new FakeProvider('http:pricey', ['person.title'], matches({ 'person.title': 'CTO' }, 3), {
      cost: { perCall: 0, perMatch: 3 },
    });
    const records = [freshRecord(), freshRecord(), freshRecord()];
    const first: WaterfallResult[] = [];
    for (const record of records) first.push(await run(record, ['person.title'], [pricey], { limits: { perRun: 5 } }));
    expect(first[0]?.paused).toBeUndefined();
    expect(first[1]?.paused).toMatchObject({ limit: 'run', used: 3, ceiling: 5, provider: 'http:pricey' });
    expect(first[1]?.paused?.message).toMatch(/ceiling/);
    expect(first[2]?.paused?.limit).toBe('run');
    expect(pricey.calls).toHaveLength(1);

    // Resume: the paused records again, with a raised ceiling.
    const resumed = [];
    for (const record of records.slice(1))
      resumed.push(await run(record, ['person.title'], [pricey], { limits: { perRun: 10 } }));
    expect(resumed.map((r) => r.paused)).toEqual([undefined, undefined]);
    expect(await credits.usage(runId)).toEqual({ total: 9, byProvider: { 'http:pricey': 9 }, reserved: 0 });
  });

  it('when many workers enrich records of one run at once, then the run ceiling is never overshot', async () => {
    const { run, credits, runId } = setup();
    const provider = new FakeProvider('http:busy-run', ['person.title'], matches({ 'person.title': 'CTO' }, 1), {
      cost: { perCall: 1, perMatch: 0 },
    });
    const results = await Promise.all(
      Array.from({ length: 40 }, () => run(freshRecord(), ['person.title'], [provider], { limits: { perRun: 15 } })),
    );
    expect(results.filter((r) => r.paused === undefined)).toHaveLength(15);
    expect(provider.calls).toHaveLength(15);
    expect(await credits.usage(runId)).toEqual({ total: 15, byProvider: { 'http:busy-run': 15 }, reserved: 0 });
  });

  it('when the monthly budget is used up, then the run pauses until the next month', async () => {
    const clock = FakeClock.at('2026-11-30T23:00:00Z');
    const { run } = setup(clock);
    const provider = new FakeProvider('http:p', ['person.title'], matches({ 'person.title': 'CTO' }, 1));
    const limits = { perMonth: 1 };
    expect((await run(freshRecord(), ['person.title'], [provider], { limits })).paused).toBeUndefined();
    const paused = await run(freshRecord(), ['person.title'], [provider], { limits });
    expect(paused.paused?.limit).toBe('month');
    expect(paused.paused?.message).toContain('2026-12-01');
    clock.advance(60 * 60 * 1000);
    expect((await run(freshRecord(), ['person.title'], [provider], { limits })).paused).toBeUndefined();
  });

  it('when a limit stops the waterfall, then values found before it are still returned', async () => {
    const { run } = setup();
    const free = new FakeProvider('http:free', ['person.title'], matches({ 'person.title': 'CTO' }, 0), {
      cost: { perCall: 0, perMatch: 0 },
    });
    const pricey = new FakeProvider('http:pricey', ['person.mobile_phone'], noMatch(5), {
      cost: { perCall: 5, perMatch: 0 },
    });
    const result = await run(freshRecord(), ['person.title', 'person.mobile_phone'], [free, pricey], {
      limits: { perRun: 1 },
    });
    expect(result.paused?.limit).toBe('run');
    expect(result.values.map((v) => v.key)).toEqual(['person.title']);
  });
});

describe('runWaterfall: hit rates', () => {
  it('when providers answer, then calls and found attributes are counted per provider', async () => {
    const { run, hitRates } = setup();
    const id: ProviderId = `http:stats-${counter}`;
    const provider = new FakeProvider(id, ['person.title', 'person.seniority'], matches({ 'person.title': 'CTO' }));
    await run(freshRecord(), ['person.title', 'person.seniority'], [provider]);
    await run(freshRecord(), ['person.title', 'person.seniority'], [provider]);
    const stats = (await hitRates.read([id])).get(id);
    expect(stats).toEqual({
      calls: 2,
      matches: 2,
      byAttribute: { 'person.title': { asked: 2, found: 2 }, 'person.seniority': { asked: 2, found: 0 } },
    });
  });
});
