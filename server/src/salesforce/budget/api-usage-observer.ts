import type { OrgClient } from '../org-client';
import type { ApiBudgetGovernor } from './api-budget-governor';

/**
 * Feeds the governor the daily API usage each response reported (`Sforce-Limit-Info`) — every response, reads
 * included, so /readyz never shows a reading frozen at start-up — and remembers the first reading so the terminal
 * summary can say how many calls the org counted since this process started.
 */
export class ApiUsageObserver {
  private first: number | undefined;

  constructor(
    private readonly org: OrgClient,
    private readonly governor: ApiBudgetGovernor,
  ) {
    org.onResponse(() => this.observe());
  }

  /** One `/limits` read: the budget is known before any background work starts. */
  async start(): Promise<void> {
    this.governor.observeLimits(await this.org.limits());
    this.observe();
  }

  observe(): void {
    const usage = this.org.apiUsage();
    if (!usage) return;
    this.first ??= usage.used;
    this.governor.observe(`api-usage=${usage.used}/${usage.limit}`);
  }

  /** API calls the org counted since the first reading (the org's own counter, every client included). */
  callsSinceStart(): number | undefined {
    const usage = this.org.apiUsage();
    return usage && this.first !== undefined ? usage.used - this.first : undefined;
  }
}
