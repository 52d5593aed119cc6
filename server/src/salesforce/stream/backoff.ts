export interface BackoffOptions {
  /** First delay in ms (default 1 000). */
  initialMs?: number;
  /** Cap in ms (default 60 000). */
  maxMs?: number;
}

/** Capped exponential delay with ±20 % jitter, so many processes do not retry in step. */
export function backoffDelay(attempt: number, options: BackoffOptions = {}): number {
  const initial = options.initialMs ?? 1_000;
  const max = options.maxMs ?? 60_000;
  const base = Math.min(max, initial * 2 ** Math.max(0, attempt));
  return Math.round(base * (0.8 + Math.random() * 0.4));
}
