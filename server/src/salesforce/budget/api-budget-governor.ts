import { ConfigError } from '../../lib/errors';
import { ApiBudgetExceededError } from './budget-errors';
import type { BudgetReading, BudgetState, BudgetStateChange, WorkKind } from './budget-state';
import { parseLimitInfo, parseLimitsResponse } from './parse-limit-info';

export type BudgetListener = (change: BudgetStateChange) => void;

export interface ApiBudgetGovernorOptions {
  /** API_BUDGET_PAUSE, a ratio of the daily max (default 0.7). */
  pauseAt?: number;
  /** API_BUDGET_STOP, a ratio of the daily max (default 0.9). */
  stopAt?: number;
  /** How long paused work waits before it looks again (default 60 s). */
  retryAfterMs?: number;
  now?: () => Date;
}

export interface BudgetSnapshot {
  state: BudgetState;
  pauseAt: number;
  stopAt: number;
  reading?: BudgetReading;
}

const ALLOWED: Record<BudgetState, ReadonlySet<WorkKind>> = {
  normal: new Set(['background', 'continuous', 'single_record']),
  paused: new Set(['continuous', 'single_record']),
  stopped: new Set(['single_record']),
};

/**
 * Keeps the org's daily API usage in view and says which work may spend it. Every Salesforce response's
 * `Sforce-Limit-Info` goes through `observe`, `/limits` replies through `observeLimits`. The latest reading wins, so
 * the state recovers by itself when usage falls (the rolling 24 h window, a raised limit). Listeners hear each
 * state change once; /readyz, logs and the run record read `snapshot()`.
 */
export class ApiBudgetGovernor {
  readonly pauseAt: number;
  readonly stopAt: number;
  private readonly retryAfterMs: number;
  private readonly now: () => Date;
  private readonly listeners = new Set<BudgetListener>();
  private current: BudgetState = 'normal';
  private last: BudgetReading | undefined;

  constructor(options: ApiBudgetGovernorOptions = {}) {
    this.pauseAt = options.pauseAt ?? 0.7;
    this.stopAt = options.stopAt ?? 0.9;
    this.retryAfterMs = options.retryAfterMs ?? 60_000;
    this.now = options.now ?? (() => new Date());
    const isRatio = (value: number) => Number.isFinite(value) && value >= 0 && value <= 1;
    if (!isRatio(this.pauseAt) || !isRatio(this.stopAt) || this.pauseAt > this.stopAt) {
      throw new ConfigError(
        'CONFIG_INVALID_ENV',
        `API_BUDGET_PAUSE (${this.pauseAt}) and API_BUDGET_STOP (${this.stopAt}) must be ratios between 0 and 1 ` +
          `with PAUSE ≤ STOP, e.g. 0.7 and 0.9`,
      );
    }
  }

  get state(): BudgetState {
    return this.current;
  }

  get reading(): BudgetReading | undefined {
    return this.last;
  }

  /** Feeds one `Sforce-Limit-Info` header value. Returns the reading, or undefined if the value held none. */
  observe(headerValue: string | null | undefined): BudgetReading | undefined {
    const usage = parseLimitInfo(headerValue);
    return usage && this.record(usage, 'header');
  }

  /** Feeds one `/limits` reply. Returns the reading, or undefined if it had no usable `DailyApiRequests`. */
  observeLimits(json: unknown): BudgetReading | undefined {
    const usage = parseLimitsResponse(json);
    return usage && this.record(usage, 'limits');
  }

  allows(kind: WorkKind): boolean {
    return ALLOWED[this.current].has(kind);
  }

  /** Throws ApiBudgetExceededError (retryable, with retryAfterMs) when `kind` may not run now. */
  assertAllows(kind: WorkKind): void {
    if (this.allows(kind)) return;
    const detail = this.last ? `${this.last.used}/${this.last.max} calls used` : 'no reading yet';
    throw new ApiBudgetExceededError(this.current, this.retryAfterMs, `${detail}; ${kind} work waits`);
  }

  snapshot(): BudgetSnapshot {
    return { state: this.current, pauseAt: this.pauseAt, stopAt: this.stopAt, reading: this.last };
  }

  /** Calls `listener` on every state change; returns a function that unsubscribes. */
  onChange(listener: BudgetListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private record(usage: { used: number; max: number }, source: BudgetReading['source']): BudgetReading {
    const reading: BudgetReading = { ...usage, ratio: usage.used / usage.max, source, observedAt: this.now() };
    this.last = reading;
    const next: BudgetState =
      reading.ratio >= this.stopAt ? 'stopped' : reading.ratio >= this.pauseAt ? 'paused' : 'normal';
    if (next !== this.current) {
      const change: BudgetStateChange = { from: this.current, to: next, reading };
      this.current = next;
      for (const listener of [...this.listeners]) {
        try {
          listener(change);
        } catch {
          // A failing listener must not stop the others, nor the response that carried the header.
        }
      }
    }
    return reading;
  }
}
