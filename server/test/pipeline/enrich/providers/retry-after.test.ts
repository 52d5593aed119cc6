import { describe, expect, it } from 'vitest';
import {
  parseRetryAfter,
  retryAfterFromRateHeaders,
  retryAfterMs,
} from '../../../../src/pipeline/enrich/providers/retry-after';
import { FIXED_NOW } from './fixed-clock';

describe('parseRetryAfter', () => {
  it('when Retry-After is a number of seconds, then the wait is that many milliseconds', () => {
    expect(parseRetryAfter('30', FIXED_NOW)).toBe(30_000);
  });

  it('when Retry-After is an HTTP date, then the wait runs until that date', () => {
    expect(parseRetryAfter('Sat, 28 Nov 2026 12:01:00 GMT', FIXED_NOW)).toBe(60_000);
  });

  it('when Retry-After is absent or unreadable, then there is no wait', () => {
    expect(parseRetryAfter(null, FIXED_NOW)).toBeUndefined();
    expect(parseRetryAfter('soon', FIXED_NOW)).toBeUndefined();
  });
});

describe('retryAfterFromRateHeaders', () => {
  it('when PDL says the minute is spent and gives a UTC reset time without an offset, then the wait runs to it', () => {
    const headers = new Headers({
      'x-ratelimit-remaining': "{'minute': 0}",
      'x-ratelimit-reset': '2026-11-28 12:00:45',
    });
    expect(retryAfterFromRateHeaders(headers, FIXED_NOW)).toBe(45_000);
  });

  it("when PDL says only that the minute is spent, then the wait is PDL's one-minute window", () => {
    expect(retryAfterFromRateHeaders(new Headers({ 'x-ratelimit-remaining': "{'minute': 0}" }), FIXED_NOW)).toBe(
      60_000,
    );
  });

  it('when Apollo says the hourly budget is spent, then the wait is an hour', () => {
    const headers = new Headers({ 'x-minute-requests-left': '10', 'x-hourly-requests-left': '0' });
    expect(retryAfterFromRateHeaders(headers, FIXED_NOW)).toBe(3_600_000);
  });

  it('when X-RateLimit-Reset is epoch seconds, then the wait runs to that second', () => {
    const reset = String(FIXED_NOW.getTime() / 1000 + 20);
    expect(retryAfterFromRateHeaders(new Headers({ 'x-ratelimit-reset': reset }), FIXED_NOW)).toBe(20_000);
  });

  it('when budgets are left, then the headers imply no wait', () => {
    const headers = new Headers({ 'x-ratelimit-remaining': "{'minute': 99}", 'x-minute-requests-left': '5' });
    expect(retryAfterFromRateHeaders(headers, FIXED_NOW)).toBeUndefined();
  });
});

describe('retryAfterMs', () => {
  it('when both Retry-After and rate headers are present, then Retry-After wins', () => {
    const headers = new Headers({ 'retry-after': '3', 'x-minute-requests-left': '0' });
    expect(retryAfterMs(headers, FIXED_NOW)).toBe(3_000);
  });
});
