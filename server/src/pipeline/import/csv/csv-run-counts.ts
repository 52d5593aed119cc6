import { tallyOutcomes } from './csv-import-report';
import { clip } from './display-text';
import type { RowOutcome } from './import-row-outcome';
import { withMoreTail } from '../../runs/summary-cap';

/** The counts of a CSV import's `Audience_Run__c`, with the failed rows named in its summary. */
export function counts(outcomes: readonly RowOutcome[], total: number) {
  const { totals, skippedByReason } = tallyOutcomes(outcomes);
  const failed = outcomes.filter((o) => o.status === 'failed');
  return {
    total,
    processed: outcomes.length,
    succeeded: totals.created + totals.updated + totals.unchanged,
    failed: totals.failed,
    skipped: totals.skipped,
    skipsByReason: skippedByReason,
    ...(failed.length > 0 && { errorSummary: failedRowsSummary(failed) }),
  };
}

/** Failed rows named in Error_Summary__c (written at every progress update); the rest are counted in its tail. */
const SUMMARY_ROWS = 200;

/** Error_Summary__c of an import: the first failed rows, each on one short line, then "…and N more". */
function failedRowsSummary(failed: readonly RowOutcome[]): string {
  const lines = failed
    .slice(0, SUMMARY_ROWS)
    .map((o) => clip(`line ${o.line}: ${o.reason ?? ''} ${o.detail ?? ''}`.trim(), 300));
  return withMoreTail(lines, failed.length, 'failed rows (see the report)');
}
