import { clip } from '../csv/display-text';
import type { RowOutcome } from '../csv/import-row-outcome';
import type { RunCounts } from '../../runs/run-recorder';
import { withMoreTail } from '../../runs/summary-cap';

/** Failed rows named in Error_Summary__c; the rest are counted in its tail. */
const SUMMARY_ROWS = 200;

/** Skip reasons as a warehouse run names them (the CSV words are about a file and its flags). */
const SKIP_NAMES: Record<string, string> = { no_match: 'unmatched' };

export type WarehouseRowFailure = { key: string; reason: string; detail: string };

/**
 * A warehouse run's counts, kept as it goes in constant memory (a run may read millions of rows): totals, skips by
 * reason and the first failed rows by their key. Rows written (updated or created) succeed; unchanged rows are
 * skipped as `unchanged`.
 */
export class WarehouseRunTally {
  read = 0;
  created = 0;
  updated = 0;
  skipped = 0;
  failed = 0;
  readonly skipsByReason: Record<string, number> = {};
  readonly failures: WarehouseRowFailure[] = [];

  add(outcome: RowOutcome, rowKey: string): void {
    switch (outcome.status) {
      case 'created':
        this.created += 1;
        return;
      case 'updated':
        this.updated += 1;
        return;
      case 'unchanged':
        this.skip('unchanged');
        return;
      case 'skipped':
        this.skip(SKIP_NAMES[outcome.reason ?? ''] ?? outcome.reason ?? 'skipped');
        return;
      case 'failed':
        this.failed += 1;
        if (this.failures.length < SUMMARY_ROWS) {
          this.failures.push({ key: rowKey, reason: outcome.reason ?? 'failed', detail: outcome.detail ?? '' });
        }
    }
  }

  private skip(reason: string): void {
    this.skipped += 1;
    this.skipsByReason[reason] = (this.skipsByReason[reason] ?? 0) + 1;
  }

  get processed(): number {
    return this.created + this.updated + this.skipped + this.failed;
  }

  counts(): RunCounts {
    const lines = this.failures.map((f) => clip(`row ${f.key}: ${f.reason} ${f.detail}`.trim(), 300));
    return {
      total: this.read,
      processed: this.processed,
      succeeded: this.created + this.updated,
      failed: this.failed,
      skipped: this.skipped,
      skipsByReason: { ...this.skipsByReason },
      ...(this.failed > 0 && { errorSummary: withMoreTail(lines, this.failed, 'failed rows') }),
    };
  }
}
