import type { ApiCounters } from '../org-contract';

/** API-call counters (total, by route, by user) and the org's daily API budget. */
export class Usage implements ApiCounters {
  total = 0;
  byRoute: Record<string, number> = {};
  byUser: Record<string, number> = {};
  /** Calls counted against the daily budget (DailyApiRequests). */
  apiUsed = 0;

  private windowStart: number;

  /** `now` is the org clock: the budget is a 24-hour window that starts again once it has run out on that clock. */
  constructor(
    public dailyApiLimit: number,
    private readonly now: () => number = Date.now,
  ) {
    this.windowStart = now();
  }

  private roll(): void {
    const t = this.now();
    if (t - this.windowStart >= 86_400_000) {
      this.windowStart = t;
      this.apiUsed = 0;
    }
  }

  record(route: string, userId: string | undefined): void {
    this.roll();
    this.total++;
    this.apiUsed++;
    this.byRoute[route] = (this.byRoute[route] ?? 0) + 1;
    if (userId) this.byUser[userId] = (this.byUser[userId] ?? 0) + 1;
  }

  exhausted(): boolean {
    this.roll();
    return this.apiUsed >= this.dailyApiLimit;
  }

  header(): string {
    return `api-usage=${this.apiUsed}/${this.dailyApiLimit}`;
  }

  resetCounters(): void {
    this.total = 0;
    this.byRoute = {};
    this.byUser = {};
  }

  snapshot(): {
    total: number;
    byRoute: Record<string, number>;
    byUser: Record<string, number>;
    apiUsed: number;
    dailyApiLimit: number;
  } {
    return {
      total: this.total,
      byRoute: { ...this.byRoute },
      byUser: { ...this.byUser },
      apiUsed: this.apiUsed,
      dailyApiLimit: this.dailyApiLimit,
    };
  }
}
