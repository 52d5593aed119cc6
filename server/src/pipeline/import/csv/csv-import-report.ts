import { ROW_STATUSES, type RowOutcome, type RowStatus } from './import-row-outcome';

export interface CsvImportReport {
  file: string;
  object: string;
  match: string;
  create: boolean;
  /** Rule used for columns no active field map names. */
  defaultRule: string;
  /** Field → rule from the active field maps, for the columns of this file. */
  mappedRules: Record<string, string>;
  /** The Audience_Run__c of this import, when one could be created. */
  runId?: string;
  /** How the file was decoded, e.g. "UTF-8" or "windows-1252 (--encoding windows-1252)". */
  encoding: string;
  startedAt: string;
  finishedAt: string;
  /** Data rows in the file (unreadable stretches included); always the sum of `totals`. */
  rows: number;
  totals: Record<RowStatus, number>;
  skippedByReason: Record<string, number>;
  failedByReason: Record<string, number>;
  /** File- and header-level notes (BOM, encoding, unknown columns, ignored field maps…); rows are in `outcomes`. */
  warnings: string[];
  /** One entry per row, in file order. */
  outcomes: RowOutcome[];
}

export function emptyTotals(): Record<RowStatus, number> {
  return Object.fromEntries(ROW_STATUSES.map((status) => [status, 0])) as Record<RowStatus, number>;
}

/** Totals and per-reason counts of a finished set of outcomes. */
export function tallyOutcomes(outcomes: readonly RowOutcome[]) {
  const totals = emptyTotals();
  const skippedByReason: Record<string, number> = {};
  const failedByReason: Record<string, number> = {};
  for (const outcome of outcomes) {
    totals[outcome.status] += 1;
    const reason = outcome.reason ?? 'unknown';
    if (outcome.status === 'skipped') skippedByReason[reason] = (skippedByReason[reason] ?? 0) + 1;
    if (outcome.status === 'failed') failedByReason[reason] = (failedByReason[reason] ?? 0) + 1;
  }
  return { totals, skippedByReason, failedByReason };
}

/** The report for a terminal: counts, then every skipped and failed row with its line and reason. */
export function formatCsvImportReport(report: CsvImportReport, options: { maxRows?: number } = {}): string {
  const { totals } = report;
  const lines = [
    `CSV import of ${report.file} into ${report.object} (match on ${report.match}${report.create ? ', creating unmatched rows' : ''})`,
    `${report.rows} rows: ${totals.created} created, ${totals.updated} updated, ${totals.unchanged} unchanged, ` +
      `${totals.skipped} skipped, ${totals.failed} failed`,
  ];
  if (report.runId) lines.push(`run record: Audience_Run__c ${report.runId}`);
  for (const warning of report.warnings) lines.push(`warning: ${warning}`);
  const notable = report.outcomes.filter((o) => o.status === 'failed' || o.status === 'skipped');
  const max = options.maxRows ?? 200;
  if (notable.length > 0) lines.push('', 'line  status   reason             detail');
  for (const outcome of notable.slice(0, max)) {
    lines.push(
      `${String(outcome.line).padEnd(5)} ${outcome.status.padEnd(8)} ${String(outcome.reason ?? '').padEnd(18)} ${outcome.detail ?? ''}`.trimEnd(),
    );
  }
  if (notable.length > max) lines.push(`… and ${notable.length - max} more (see --report for all)`);
  return `${lines.join('\n')}\n`;
}
