/** Running totals the terminal summary, the run records and the benchmarks read. */
export class LoopStats {
  imported = 0;
  processed = 0;
  recordsWritten = 0;
  fieldsWritten = 0;
  writeFailures = 0;
  echoesDropped = 0;
  changeEvents = 0;
  /** Change events whose body did not have Salesforce's shape (skipped, logged). */
  malformedEvents = 0;
  /** Change events for an object no active source follows (dropped). */
  unfollowedEvents = 0;
  /** A person's change older than the mirror's copy (a re-read already holds it): not patched over it. */
  staleChanges = 0;
  /** Change events recorded as dead letters (given up on, or carrying entries that are not record ids). */
  deadLettered = 0;
  entries = 0;
  exits = 0;
  readonly skipsByReason: Record<string, number> = {};
  readonly failures: { recordId: string; code: string; message: string }[] = [];

  addSkip(reason: string, count = 1): void {
    this.skipsByReason[reason] = (this.skipsByReason[reason] ?? 0) + count;
  }

  addFailure(recordId: string, code: string, message: string): void {
    this.writeFailures += 1;
    // Keep the most recent failures only; the count stays exact.
    if (this.failures.length >= 100) this.failures.shift();
    this.failures.push({ recordId, code, message });
  }
}
