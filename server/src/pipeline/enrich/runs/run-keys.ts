/**
 * Redis keys of enrichment runs, under the deployment's hash-tagged prefix: the paused run of a plan (to resume it),
 * the records a run has finished (so a resumed run neither counts nor pays for them again) and the run record of a
 * plan's entries of the day.
 */
export class RunKeys {
  constructor(private readonly prefix: string) {}

  /** String: the id of the plan's paused run, if any. */
  pausedRun(planId: string): string {
    return `${this.prefix}:enrich:run:paused:${planId}`;
  }

  /** String with a TTL: held by the process running the plan, so two processes never run one plan at once. */
  runLock(planId: string): string {
    return `${this.prefix}:enrich:run:lock:${planId}`;
  }

  /** String with a TTL: the Audience_Run__c of the plan's on-entry enrichment that UTC day (`YYYY-MM-DD`). */
  entryRun(planId: string, day: string): string {
    return `${this.prefix}:enrich:run:entry:${planId}:${day}`;
  }

  /** String with a TTL: CANCEL_RUN asked this running run to stop at its next page. */
  cancelRequested(runId: string): string {
    return `${this.prefix}:enrich:run:cancel:${runId}`;
  }

  /** Set: record ids this run has counted. */
  doneRecords(runId: string): string {
    return `${this.prefix}:enrich:run:done:${runId}`;
  }
}
