import { describe, expect, it } from 'vitest';
import {
  singleRecordOutcome,
  singleRunMessage,
  singleRunStatus,
} from '../../../../src/pipeline/enrich/runs/single-record-runs';
import type { RunProgressSnapshot } from '../../../../src/pipeline/enrich/waterfall/run-progress';
import type { WaterfallResult } from '../../../../src/pipeline/enrich/waterfall/waterfall';
import { value } from '../waterfall/waterfall-test-kit';

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
const won = result({ calls: called, values: [value('person.title', 'CTO')] });
const failed = result({
  calls: called,
  missing: ['person.work_email'],
  errors: [{ provider: 'hunter', kind: 'bad_reply', reason: 'HTML' }],
});

function snapshot(overrides: Partial<RunProgressSnapshot>): RunProgressSnapshot {
  return {
    processed: 0,
    succeeded: 0,
    failed: 0,
    skipped: 0,
    skipsByReason: {},
    creditsUsed: 0,
    creditsByProvider: {},
    failures: [],
    ...overrides,
  };
}

describe('singleRecordOutcome', () => {
  it('when several plans enriched the record, then it counts once: failed if any plan left it failed', () => {
    expect(singleRecordOutcome([won])).toEqual({ counted: true, outcome: 'succeeded' });
    expect(singleRecordOutcome([won, failed])).toMatchObject({ counted: true, outcome: 'failed' });
  });

  it('when the record could not be read, then it is skipped', () => {
    expect(singleRecordOutcome([])).toEqual({ counted: true, outcome: 'skipped', reason: 'nothing_to_do' });
  });

  it('when a credit limit stopped a waterfall, then it is skipped for that limit (nothing resumes it)', () => {
    const pause = (limit: 'run' | 'month') => ({ limit, used: 1, ceiling: 1, provider: 'pdl' as const, message: 'm' });
    expect(singleRecordOutcome([won, result({ paused: pause('run') })])).toEqual({
      counted: true,
      outcome: 'skipped',
      reason: 'run_ceiling',
    });
    expect(singleRecordOutcome([result({ paused: pause('month') })])).toMatchObject({ reason: 'monthly_budget' });
  });
});

describe('singleRunStatus and singleRunMessage', () => {
  it('reads Failed when every record failed, partly when some failed or were stopped by a limit', () => {
    expect(singleRunStatus(snapshot({ processed: 1, succeeded: 1 }))).toBe('Succeeded');
    expect(singleRunStatus(snapshot({ processed: 1, failed: 1 }))).toBe('Failed');
    expect(singleRunStatus(snapshot({ processed: 2, failed: 1, succeeded: 1 }))).toBe('Partially_Succeeded');
    expect(singleRunStatus(snapshot({ processed: 1, skipped: 1, skipsByReason: { monthly_budget: 1 } }))).toBe(
      'Partially_Succeeded',
    );
    expect(singleRunStatus(snapshot({ processed: 1, skipped: 1, skipsByReason: { missing_inputs: 1 } }))).toBe(
      'Succeeded',
    );
  });

  it('says what ran, the counts, the credits and which limit stopped records', () => {
    const text = singleRunMessage(
      'ENRICH_RECORD 00Q000000000001AAA',
      snapshot({ processed: 1, skipped: 1, skipsByReason: { monthly_budget: 1 }, creditsUsed: 2.5 }),
    );
    expect(text).toBe(
      'ENRICH_RECORD 00Q000000000001AAA: 1 processed, 0 succeeded, 0 failed, 1 skipped; 2.5 credits; ' +
        'stopped 1 by the Monthly Credit Budget',
    );
  });
});
