import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreditLedger } from '../../../../src/pipeline/enrich/waterfall/credit-ledger';
import { classifyRecord, RunProgress, toRunFields } from '../../../../src/pipeline/enrich/waterfall/run-progress';
import type { WaterfallResult } from '../../../../src/pipeline/enrich/waterfall/waterfall';
import { openTestRedis, value } from './waterfall-test-kit';

let redis: Redis;
let prefix: string;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  ({ redis, prefix, cleanup } = await openTestRedis('progress'));
});

afterAll(async () => {
  await cleanup();
});

function result(overrides: Partial<WaterfallResult>): WaterfallResult {
  return {
    values: [],
    winners: {},
    fromCache: [],
    calls: [],
    errors: [],
    skipped: [],
    rejected: [],
    stoppedEarly: [],
    missing: [],
    ...overrides,
  };
}

const called = [{ provider: 'pdl' as const, outcome: 'match' as const, credits: 1, asked: [] }];

describe('classifyRecord', () => {
  it('tells succeeded, failed, skipped and paused apart', () => {
    expect(classifyRecord(result({ calls: called, values: [value('person.title', 'CTO')] }))).toEqual({
      counted: true,
      outcome: 'succeeded',
    });
    // "Nobody knows" is a clean answer.
    expect(classifyRecord(result({ calls: called, missing: ['person.title'] })).outcome).toBe('succeeded');
    expect(
      classifyRecord(
        result({
          calls: called,
          missing: ['person.title'],
          errors: [{ provider: 'pdl', kind: 'bad_reply', reason: 'x' }],
        }),
      ).outcome,
    ).toBe('failed');
    expect(
      classifyRecord(
        result({ missing: ['person.title'], skipped: [{ provider: 'pdl', reason: 'missing_inputs', attributes: [] }] }),
      ),
    ).toEqual({ counted: true, outcome: 'skipped', reason: 'missing_inputs' });
    expect(
      classifyRecord(result({ paused: { limit: 'run', used: 1, ceiling: 1, provider: 'pdl', message: 'm' } })),
    ).toEqual({ counted: false, outcome: 'paused' });
  });
});

describe('RunProgress', () => {
  it('when workers record results, then the snapshot has the counts and the ledger’s credits as Audience_Run__c fields', async () => {
    const credits = new CreditLedger(redis, { prefix });
    const progress = new RunProgress(redis, credits, { prefix });
    const reserved = await credits.reserve('plan-p', 'run-p', 'pdl', 2);
    if (!reserved.ok) throw new Error('expected a reservation');
    await credits.settle(reserved.reservation, 2);
    await Promise.all([
      progress.record('run-p', result({ calls: called, values: [value('person.title', 'CTO')] })),
      progress.record('run-p', result({ calls: called, values: [value('person.title', 'CEO')] })),
      progress.record(
        'run-p',
        result({ missing: ['person.title'], skipped: [{ provider: 'pdl', reason: 'missing_inputs', attributes: [] }] }),
      ),
      progress.record(
        'run-p',
        result({ paused: { limit: 'run', used: 1, ceiling: 1, provider: 'pdl', message: 'm' } }),
      ),
    ]);
    expect(toRunFields(await progress.snapshot('run-p'))).toEqual({
      Processed__c: 3,
      Succeeded__c: 2,
      Failed__c: 0,
      Skipped__c: 1,
      Credits_Used__c: 2,
      Credits_By_Provider__c: '{"pdl":2}',
      Skips_By_Reason__c: '{"missing_inputs":1}',
    });
  });

  it('when records fail, then the fields say per provider why (an open circuit under what opened it) and count each record once', async () => {
    const credits = new CreditLedger(redis, { prefix });
    const progress = new RunProgress(redis, credits, { prefix });
    const quotaFirst = result({
      missing: ['person.work_email'],
      errors: [{ provider: 'hunter', kind: 'quota_exhausted', reason: 'hunter email-finder: HTTP 402: usage limit' }],
      skipped: [{ provider: 'pdl', reason: 'rate_limited', attributes: ['person.work_email'] }],
    });
    const circuitLater = result({
      missing: ['person.work_email'],
      skipped: [
        {
          provider: 'hunter',
          reason: 'circuit_open',
          attributes: ['person.work_email'],
          trip: 'quota_exhausted',
          detail: 'hunter email-finder: HTTP 402: usage limit',
        },
      ],
    });
    const down = result({
      missing: ['person.work_email'],
      errors: [{ provider: 'apollo', kind: 'retry_later', reason: 'apollo people/match: HTTP 503' }],
    });
    for (const one of [quotaFirst, circuitLater, down]) await progress.record('run-f', one);
    await progress.record('run-f', result({ calls: called, values: [value('person.title', 'CTO')] }));

    const snapshot = await progress.snapshot('run-f');
    const fields = toRunFields(snapshot);
    expect(fields).toMatchObject({ Processed__c: 4, Succeeded__c: 1, Failed__c: 3, Skipped__c: 0 });
    expect(JSON.parse(fields.Skips_By_Reason__c)).toEqual({
      'failed:quota_exhausted': 2,
      'failed:retry_later': 1,
    });
    expect(fields.Error_Summary__c?.split('\n')).toEqual([
      '3 records failed:',
      'hunter: quota used up (HTTP 402: no credits left at the provider) — 2 records; last reply: hunter email-finder: HTTP 402: usage limit',
      'apollo: provider unavailable (HTTP 429 rate limit, 5xx or no reply in time) — 1 record; last reply: apollo people/match: HTTP 503',
      'pdl: held back by the shared rate limit — 1 record',
    ]);
  });

  it('when a run books its credits under several ledger runs, then the snapshot sums them per provider', async () => {
    const credits = new CreditLedger(redis, { prefix });
    const progress = new RunProgress(redis, credits, { prefix });
    const book = async (creditRun: string, provider: 'pdl' | 'hunter', charged: number) => {
      const reserved = await credits.reserve('plan-s', creditRun, provider, charged);
      if (!reserved.ok) throw new Error('expected a reservation');
      await credits.settle(reserved.reservation, charged);
    };
    await book('run-s:plan-a', 'pdl', 0.1);
    await book('run-s:plan-b', 'pdl', 0.2);
    await book('run-s:plan-b', 'hunter', 1);
    await progress.count('run-s', { counted: true, outcome: 'skipped', reason: 'monthly_budget' });
    const snapshot = await progress.snapshot('run-s', ['run-s:plan-a', 'run-s:plan-b']);
    expect(snapshot).toMatchObject({ processed: 1, skipped: 1, creditsUsed: 1.3 });
    expect(snapshot.creditsByProvider).toEqual({ pdl: 0.3, hunter: 1 });
    expect(snapshot.skipsByReason).toEqual({ monthly_budget: 1 });
    // Its own ledger run is not read unless named.
    expect((await progress.snapshot('run-s')).creditsUsed).toBe(0);
  });
});
