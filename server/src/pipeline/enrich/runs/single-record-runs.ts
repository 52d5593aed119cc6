import type { RunStatus } from '../../runs/run-recorder';
import { finishedRunStatus } from '../../runs/run-status';
import { classifyRecord, type RecordOutcome, type RunProgressSnapshot } from '../waterfall/run-progress';
import type { WaterfallResult } from '../waterfall/waterfall';
import { emptyWaterfallResult } from '../waterfall/waterfall-result';

const NOTHING: WaterfallResult = emptyWaterfallResult();

/** Several plans' waterfalls over one record, read as one (the record counts once in its run). */
function merged(results: readonly WaterfallResult[]): WaterfallResult {
  return results.reduce<WaterfallResult>(
    (all, one) => ({
      values: [...all.values, ...one.values],
      winners: { ...one.winners, ...all.winners },
      fromCache: [...all.fromCache, ...one.fromCache],
      calls: [...all.calls, ...one.calls],
      errors: [...all.errors, ...one.errors],
      skipped: [...all.skipped, ...one.skipped],
      rejected: [...all.rejected, ...one.rejected],
      stoppedEarly: [...all.stoppedEarly, ...one.stoppedEarly],
      missing: [...all.missing, ...one.missing],
    }),
    NOTHING,
  );
}

/**
 * How one record counts in a single-record run (ENRICH_RECORD, on entry), given the waterfall of every plan that
 * enriched it (none: the record could not be read, so it is skipped). A record a credit limit stopped counts as
 * skipped for that limit whatever else it got: unlike a bulk run's, no resume will come back for it.
 */
export function singleRecordOutcome(results: readonly WaterfallResult[]): RecordOutcome {
  const pause = results.find((result) => result.paused)?.paused;
  if (pause)
    return { counted: true, outcome: 'skipped', reason: pause.limit === 'run' ? 'run_ceiling' : 'monthly_budget' };
  return classifyRecord(merged(results));
}

const creditStops = (snapshot: RunProgressSnapshot): number =>
  (snapshot.skipsByReason.run_ceiling ?? 0) + (snapshot.skipsByReason.monthly_budget ?? 0);

/** Failed when records failed and none succeeded; partly when some failed or a credit limit stopped some. */
export function singleRunStatus(snapshot: RunProgressSnapshot): RunStatus {
  return finishedRunStatus(snapshot, creditStops(snapshot) > 0);
}

/** Status_Message__c: what the run is, its counts and credits, and which credit limit stopped records, if any. */
export function singleRunMessage(label: string, snapshot: RunProgressSnapshot): string {
  const counts =
    `${label}: ${snapshot.processed} processed, ${snapshot.succeeded} succeeded, ${snapshot.failed} failed, ` +
    `${snapshot.skipped} skipped; ${snapshot.creditsUsed} credits`;
  const limits = [
    snapshot.skipsByReason.run_ceiling ? `${snapshot.skipsByReason.run_ceiling} by Max Credits Per Run` : '',
    snapshot.skipsByReason.monthly_budget
      ? `${snapshot.skipsByReason.monthly_budget} by the Monthly Credit Budget`
      : '',
  ].filter(Boolean);
  return limits.length > 0 ? `${counts}; stopped ${limits.join(', ')}` : counts;
}
