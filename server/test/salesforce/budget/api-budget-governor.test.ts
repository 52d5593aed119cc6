import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../../src/lib/errors';
import { ApiBudgetGovernor } from '../../../src/salesforce/budget/api-budget-governor';
import { ApiBudgetExceededError } from '../../../src/salesforce/budget/budget-errors';
import type { BudgetStateChange } from '../../../src/salesforce/budget/budget-state';
import { parseLimitInfo, parseLimitsResponse } from '../../../src/salesforce/budget/parse-limit-info';

function governorWithLog() {
  const governor = new ApiBudgetGovernor({ pauseAt: 0.7, stopAt: 0.9 });
  const changes: BudgetStateChange[] = [];
  governor.onChange((change) => changes.push(change));
  return { governor, changes };
}

describe('parseLimitInfo', () => {
  it('reads api-usage and ignores per-app entries', () => {
    expect(parseLimitInfo('api-usage=18/5000')).toEqual({ used: 18, max: 5000 });
    expect(parseLimitInfo('per-app-api-usage=17/250(appName=sample-app), api-usage=18/5000')).toEqual({
      used: 18,
      max: 5000,
    });
    expect(parseLimitInfo(' api-usage=0/15000 ,per-app-api-usage=1/2(appName=x)')).toEqual({ used: 0, max: 15000 });
  });

  it('when the value is garbage, empty, absent or has a zero max, then there is no reading (and no throw)', () => {
    for (const value of [
      undefined,
      null,
      '',
      'garbage',
      'api-usage=',
      'api-usage=abc/def',
      'api-usage=5/0',
      'api-usage=-1/100',
      'api-usage=1.5/100',
      'per-app-api-usage=17/250(appName=sample-app)',
      'api-usage=99999999999999999999/100',
      42,
    ]) {
      expect(parseLimitInfo(value)).toBeUndefined();
    }
  });
});

describe('parseLimitsResponse', () => {
  it('turns DailyApiRequests {Max, Remaining} into used/max', () => {
    expect(
      parseLimitsResponse({ DailyApiRequests: { Max: 15000, Remaining: 14000 }, DailyBulkApiBatches: {} }),
    ).toEqual({
      used: 1000,
      max: 15000,
    });
  });

  it('when the shape is wrong, then there is no reading', () => {
    for (const json of [
      null,
      'x',
      {},
      { DailyApiRequests: { Max: 0, Remaining: 0 } },
      { DailyApiRequests: { Max: '1' } },
    ]) {
      expect(parseLimitsResponse(json)).toBeUndefined();
    }
  });
});

describe('ApiBudgetGovernor', () => {
  it('starts normal and allows all work', () => {
    const governor = new ApiBudgetGovernor();
    expect(governor.state).toBe('normal');
    expect(governor.allows('background')).toBe(true);
    expect(governor.allows('continuous')).toBe(true);
    expect(governor.allows('single_record')).toBe(true);
    expect(governor.snapshot()).toEqual({ state: 'normal', pauseAt: 0.7, stopAt: 0.9, reading: undefined });
  });

  it('when usage crosses 0.7, then background work pauses; at 0.9 only single-record work runs', () => {
    const { governor, changes } = governorWithLog();
    governor.observe('api-usage=6999/10000');
    expect(governor.state).toBe('normal');

    governor.observe('api-usage=7000/10000');
    expect(governor.state).toBe('paused');
    expect(governor.allows('background')).toBe(false);
    expect(governor.allows('continuous')).toBe(true);
    expect(governor.allows('single_record')).toBe(true);

    governor.observe('api-usage=9000/10000');
    expect(governor.state).toBe('stopped');
    expect(governor.allows('background')).toBe(false);
    expect(governor.allows('continuous')).toBe(false);
    expect(governor.allows('single_record')).toBe(true);

    expect(changes.map((c) => `${c.from}->${c.to}`)).toEqual(['normal->paused', 'paused->stopped']);
    expect(changes[1]?.reading).toMatchObject({ used: 9000, max: 10000, ratio: 0.9, source: 'header' });
  });

  it('when a later reading is below the thresholds (the next day), then it resumes by itself', () => {
    const { governor, changes } = governorWithLog();
    governor.observe('api-usage=9500/10000');
    governor.observeLimits({ DailyApiRequests: { Max: 10000, Remaining: 2500 } });
    expect(governor.state).toBe('paused');
    governor.observe('api-usage=12/10000');
    expect(governor.state).toBe('normal');
    expect(governor.allows('background')).toBe(true);
    expect(changes.map((c) => c.to)).toEqual(['stopped', 'paused', 'normal']);
    expect(changes[1]?.reading.source).toBe('limits');
  });

  it('when the same state is observed again, then listeners hear nothing new', () => {
    const { governor, changes } = governorWithLog();
    governor.observe('api-usage=7100/10000');
    governor.observe('api-usage=7200/10000');
    governor.observe('api-usage=8000/10000');
    expect(changes).toHaveLength(1);
    expect(governor.reading?.used).toBe(8000);
  });

  it('when a header is garbage, then it is ignored: no crash, no state change, last reading kept', () => {
    const { governor, changes } = governorWithLog();
    governor.observe('api-usage=7500/10000');
    expect(governor.observe('api-usage=lots/none')).toBeUndefined();
    expect(governor.observe(undefined)).toBeUndefined();
    expect(governor.observeLimits({ nope: true })).toBeUndefined();
    expect(governor.state).toBe('paused');
    expect(governor.reading?.used).toBe(7500);
    expect(changes).toHaveLength(1);
  });

  it('when a listener throws, then other listeners still hear the change', () => {
    const governor = new ApiBudgetGovernor();
    const heard: string[] = [];
    governor.onChange(() => {
      throw new Error('bad listener');
    });
    const off = governor.onChange((change) => heard.push(change.to));
    expect(() => governor.observe('api-usage=95/100')).not.toThrow();
    off();
    governor.observe('api-usage=1/100');
    expect(heard).toEqual(['stopped']);
  });

  it('when work is not allowed, then assertAllows throws a retryable coded error with a wait time', () => {
    const governor = new ApiBudgetGovernor({ retryAfterMs: 5_000 });
    governor.observe('api-usage=80/100');
    expect(() => governor.assertAllows('single_record')).not.toThrow();
    try {
      governor.assertAllows('background');
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ApiBudgetExceededError);
      expect(error).toMatchObject({
        code: 'SALESFORCE_API_BUDGET',
        retryable: true,
        retryAfterMs: 5_000,
        state: 'paused',
      });
      expect((error as Error).message).toContain('80/100');
    }
  });

  it('when thresholds are not ratios or PAUSE > STOP, then it refuses with a config error', () => {
    expect(() => new ApiBudgetGovernor({ pauseAt: 0.95, stopAt: 0.9 })).toThrow(ConfigError);
    expect(() => new ApiBudgetGovernor({ pauseAt: 1.5, stopAt: 2 })).toThrow(/API_BUDGET_PAUSE/);
    expect(() => new ApiBudgetGovernor({ pauseAt: Number.NaN })).toThrow(ConfigError);
  });
});
