/**
 * How long a provider asks us to wait, from `Retry-After` (seconds or an HTTP date) or, when a provider only sends
 * rate headers (PDL `x-ratelimit-*`, Apollo `x-*-requests-left`, the common `X-RateLimit-Reset`), from those.
 */

const WINDOW_MS = { minute: 60_000, hourly: 3_600_000, daily: 86_400_000 } as const;

/** `Retry-After: 30` or `Retry-After: Wed, 21 Oct 2026 07:28:00 GMT`; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null, now: Date): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

/** A reset time written as epoch seconds, epoch milliseconds, seconds from now, or a date. */
function parseResetTime(value: string | null, now: Date): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const number = Number(trimmed);
    if (number > 1e12) return Math.max(0, number - now.getTime());
    if (number > 1e9) return Math.max(0, number * 1000 - now.getTime());
    return Math.round(number * 1000);
  }
  // PDL documents the reset as a UTC time; a date-time without an offset is read as UTC, not local time.
  const utc = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(trimmed)
    ? `${trimmed.replace(' ', 'T')}Z`
    : trimmed;
  const at = Date.parse(utc);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now.getTime());
}

// PDL writes `{'minute': 0}` with single quotes (its own SDK swaps them for double quotes before parsing).
function pdlWindowLeft(value: string | null): number | undefined {
  if (value === null) return undefined;
  try {
    const parsed: unknown = JSON.parse(value.replace(/'/g, '"'));
    if (parsed && typeof parsed === 'object') {
      const numbers = Object.values(parsed).filter((entry): entry is number => typeof entry === 'number');
      return numbers.length > 0 ? Math.min(...numbers) : undefined;
    }
    return typeof parsed === 'number' ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** The wait the rate headers imply, or undefined when they say nothing useful. */
export function retryAfterFromRateHeaders(headers: Headers, now: Date): number | undefined {
  const reset = parseResetTime(headers.get('x-ratelimit-reset'), now);
  if (reset !== undefined) return reset;
  // Apollo: the largest exhausted window decides how long to wait.
  for (const window of ['daily', 'hourly', 'minute'] as const) {
    const left = headers.get(`x-${window}-requests-left`);
    if (left !== null && Number(left) <= 0) return WINDOW_MS[window];
  }
  // PDL's window is a fixed minute.
  const pdlLeft = pdlWindowLeft(headers.get('x-ratelimit-remaining'));
  if (pdlLeft !== undefined && pdlLeft <= 0) return WINDOW_MS.minute;
  return undefined;
}

/** Retry-After wins; rate headers are the fallback. */
export function retryAfterMs(headers: Headers, now: Date): number | undefined {
  return parseRetryAfter(headers.get('retry-after'), now) ?? retryAfterFromRateHeaders(headers, now);
}
