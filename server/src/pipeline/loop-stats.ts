/** Running totals the terminal summary, the run records and the benchmarks read. */
export class LoopStats {
  imported = 0;
  processed = 0;
  recordsWritten = 0;
  fieldsWritten = 0;
  writeFailures = 0;
  echoesDropped = 0;
  changeEvents = 0;
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
