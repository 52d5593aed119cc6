import type { ApiCounters } from '../org-contract.ts';

/** API-call counters (total, by route, by user) and the org's daily API budget. */
export class Usage implements ApiCounters {
  total = 0;
  byRoute: Record<string, number> = {};
  byUser: Record<string, number> = {};
  /** Calls counted against the daily budget (DailyApiRequests). */
  apiUsed = 0;

  constructor(public dailyApiLimit: number) {}

  record(route: string, userId: string | undefined): void {
    this.total++;
    this.apiUsed++;
    this.byRoute[route] = (this.byRoute[route] ?? 0) + 1;
    if (userId) this.byUser[userId] = (this.byUser[userId] ?? 0) + 1;
  }

  exhausted(): boolean {
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

  snapshot(): { total: number; byRoute: Record<string, number>; byUser: Record<string, number>; apiUsed: number; dailyApiLimit: number } {
    return {
      total: this.total,
      byRoute: { ...this.byRoute },
      byUser: { ...this.byUser },
      apiUsed: this.apiUsed,
      dailyApiLimit: this.dailyApiLimit,
    };
  }
}
