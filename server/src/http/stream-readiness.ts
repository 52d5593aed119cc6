import type { StreamStatus } from '../salesforce/stream/stream-status';
import type { ReadinessCheck, ReadinessResult } from './readiness';

/** When the change stream counts as lagging: events waiting, or how old the oldest waiting one is. */
export interface LagThresholds {
  /** Default 1,000 events. */
  events: number;
  /** Default 60 s. */
  seconds: number;
}

export const DEFAULT_LAG: LagThresholds = { events: 1_000, seconds: 60 };

export interface ChangeStreamReadinessSources {
  /** The subscriber's status; undefined until the loop has started. */
  stream: () => StreamStatus | undefined;
  /** How many change events are dead-lettered now; undefined until the loop has started. */
  deadLetters: () => Promise<number> | undefined;
  lag?: LagThresholds;
  now?: () => number;
}

/**
 * The `change_stream` check of /readyz: never down (the session is the `salesforce` check, Redis its own), but
 * degraded while events wait too long behind one another or some were dead-lettered, with the counts.
 */
export function changeStreamReadinessCheck(sources: ChangeStreamReadinessSources): ReadinessCheck {
  const lag = sources.lag ?? DEFAULT_LAG;
  const now = sources.now ?? Date.now;
  return {
    name: 'change_stream',
    check: async (): Promise<ReadinessResult> => {
      const status = sources.stream();
      const counting = sources.deadLetters();
      if (!status || !counting) return { ok: true, detail: 'not started yet' };
      const deadLetters = await counting;
      const waiting = status.waiting ?? 0;
      const oldest = status.oldestWaitingAt ? Date.parse(status.oldestWaitingAt) : undefined;
      const secondsBehind = oldest === undefined ? 0 : Math.max(0, Math.round((now() - oldest) / 1000));
      const reasons: string[] = [];
      if (waiting >= lag.events || secondsBehind >= lag.seconds) {
        reasons.push(`stream lags: ${waiting} events waiting, ${secondsBehind} s behind`);
      }
      if (deadLetters > 0) reasons.push(`${deadLetters} dead-lettered change event${deadLetters === 1 ? '' : 's'}`);
      const result: ReadinessResult = { ok: true, waiting, secondsBehind, deadLetters, lagThresholds: lag };
      if (reasons.length > 0) result.degraded = reasons.join('; ');
      return result;
    },
  };
}
