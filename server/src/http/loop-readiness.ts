import type { BudgetSnapshot } from '../salesforce/budget/api-budget-governor';
import type { StreamStatus } from '../salesforce/stream/stream-status';
import type { ReadinessCheck, ReadinessResult } from './readiness';

/**
 * The `salesforce` check of /readyz: ready while the change stream is live. `detail` is the stream's status as an
 * object (state, last event, replay id, last error); before the loop has started it says why in words.
 */
export function streamReadiness(status: StreamStatus): ReadinessResult {
  return { ok: status.state === 'live', detail: { ...status } };
}

export interface SalesforceReadinessSources {
  /** The change stream's status; undefined until the loop has started (`runtime?.streamState()`). */
  stream: () => StreamStatus | undefined;
  /** Why the loop could not start, if it could not; it wins over the stream's state. */
  startError?: () => string | undefined;
  /**
   * Why this process does not follow the stream by design (no `stream` role, or a stand-by of the lease), once its
   * loop has started and reached the org; then the check is ok with that reason as its state.
   */
  notFollowing?: () => string | undefined;
}

export function salesforceReadinessCheck(sources: SalesforceReadinessSources): ReadinessCheck {
  return {
    name: 'salesforce',
    check: async () => {
      const error = sources.startError?.();
      if (error) return { ok: false, detail: error };
      const standing = sources.notFollowing?.();
      if (standing) return { ok: true, detail: { state: standing } };
      const status = sources.stream();
      if (!status) return { ok: false, detail: 'connecting' };
      return streamReadiness(status);
    },
  };
}

/**
 * The `api_budget` check of /readyz: never down — the org still answers, single-record work still runs and the
 * intake keeps every change for later — but degraded while the budget is `stopped`; `paused` is plainly ready,
 * because changes still flow. `detail` is the governor's snapshot as an object.
 */
export function budgetReadiness(snapshot: BudgetSnapshot): ReadinessResult {
  const result: ReadinessResult = { ok: true, detail: { ...snapshot } };
  if (snapshot.state === 'stopped') result.degraded = 'API budget stopped: only single-record work runs';
  return result;
}

/** `budget()` is undefined until the loop has started (`runtime?.governor.snapshot()`). */
export function apiBudgetReadinessCheck(budget: () => BudgetSnapshot | undefined): ReadinessCheck {
  return {
    name: 'api_budget',
    check: async () => {
      const snapshot = budget();
      if (!snapshot) return { ok: true, detail: 'no reading yet' };
      return budgetReadiness(snapshot);
    },
  };
}

/** The `redis` check of /readyz: `ping()` says whether a PONG came back in time (`() => pingRedis(redis)`). */
export function redisReadinessCheck(ping: () => Promise<boolean>): ReadinessCheck {
  return {
    name: 'redis',
    check: async () => ((await ping()) ? { ok: true } : { ok: false, detail: 'no PONG within 1 s' }),
  };
}
