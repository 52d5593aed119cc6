import type { Logger } from '../../lib/logger';
import type { OrgClient } from '../org-client';
import type { CollectionsClient } from '../writers/collections-client';
import {
  RETRYABLE_RECORD_ERRORS,
  type RecordSaver,
  type SaveOperation,
  type SaveOutcome,
  type SaveRow,
} from '../writers/write-types';
import { runIngestJob, type IngestJobOptions, type IngestOperation, type IngestRowResult } from './ingest-job';

/**
 * Fewest rows worth a job: a job takes at least four calls (create, upload, close, poll), a Composite request of
 * Collections saves 1,000 rows in one; from 4,001 rows Collections needs five or more.
 */
export const MIN_ROWS_PER_JOB = 4_001;
/** Most rows per job: keeps one upload well under Bulk API 2.0's 100 MB of CSV. */
export const MAX_ROWS_PER_JOB = 100_000;

export interface BulkSaverOptions {
  minRowsPerJob?: number;
  maxRowsPerJob?: number;
  job?: IngestJobOptions;
  /** Called after every request (the API budget reads the usage the response reported). */
  onRequest?: () => void;
  logger?: Logger;
}

export interface BulkSaverStats {
  jobs: number;
  /** API calls the jobs took (create, upload, close, polls, results). */
  jobCalls: number;
  rowsByBulk: number;
  /** Rows saved through Collections: batches too small for a job, repeats of a key, a job that could not run. */
  rowsByCollections: number;
  /** Rows a job handed back (locked, server busy, unprocessed) and Collections saved again. */
  retriedThroughCollections: number;
  /** Jobs that failed as a whole (their rows went through Collections). */
  failedJobs: number;
}

/**
 * Saves large batches of updates and upserts through Bulk API 2.0 ingest jobs and returns the same outcomes the
 * Collections client does, one per row in order, so callers map them to the ledger, the tallies and the audiences
 * unchanged. Rows a job refused for a reason that passes (`UNABLE_TO_LOCK_ROW`: parallel batches contend for the
 * same parent) and rows it never processed go through Collections, which retries them with backoff; validation
 * and duplicate errors are final. Batches under `minRowsPerJob`, and creates (no key to match results by), go
 * through Collections directly.
 */
export class BulkSaver implements RecordSaver {
  readonly stats: BulkSaverStats = {
    jobs: 0,
    jobCalls: 0,
    rowsByBulk: 0,
    rowsByCollections: 0,
    retriedThroughCollections: 0,
    failedJobs: 0,
  };
  private readonly minRows: number;
  private readonly maxRows: number;

  constructor(
    private readonly org: OrgClient,
    private readonly collections: CollectionsClient,
    private readonly options: BulkSaverOptions = {},
  ) {
    this.minRows = options.minRowsPerJob ?? MIN_ROWS_PER_JOB;
    this.maxRows = Math.max(1, options.maxRowsPerJob ?? MAX_ROWS_PER_JOB);
  }

  async save(operation: SaveOperation, rows: readonly SaveRow[]): Promise<SaveOutcome[]> {
    if (operation === 'create' || rows.length < this.minRows) return this.throughCollections(operation, rows);
    const outcomes: (SaveOutcome | undefined)[] = rows.map(() => undefined);
    const { jobs, repeats } = this.plan(operation, rows);
    const retry: number[] = [];
    for (const job of jobs) retry.push(...(await this.runJob(operation, rows, job, outcomes)));
    if (retry.length > 0) {
      this.stats.retriedThroughCollections += retry.length;
      await this.fill(operation, rows, retry, outcomes);
    }
    // A key seen twice goes after the job that saved its first row, as two Collections requests would have.
    if (repeats.length > 0) await this.fill(operation, rows, repeats, outcomes, true);
    return outcomes as SaveOutcome[];
  }

  /** Row indexes per job (one object, unique keys, at most `maxRows`), and the repeats of a key. */
  private plan(operation: SaveOperation, rows: readonly SaveRow[]): { jobs: number[][]; repeats: number[] } {
    const byObject = new Map<string, number[]>();
    const seen = new Set<string>();
    const repeats: number[] = [];
    rows.forEach((row, index) => {
      const key = `${row.object}\u0000${keyOf(operation, row)}`;
      if (seen.has(key)) {
        repeats.push(index);
        return;
      }
      seen.add(key);
      const group = byObject.get(row.object) ?? [];
      group.push(index);
      byObject.set(row.object, group);
    });
    const jobs: number[][] = [];
    for (const group of byObject.values()) {
      for (let i = 0; i < group.length; i += this.maxRows) jobs.push(group.slice(i, i + this.maxRows));
    }
    return { jobs, repeats };
  }

  /** Runs one job; fills the outcomes it settles and returns the rows to send again through Collections. */
  private async runJob(
    operation: Exclude<SaveOperation, 'create'>,
    rows: readonly SaveRow[],
    indexes: number[],
    outcomes: (SaveOutcome | undefined)[],
  ): Promise<number[]> {
    const object = (rows[indexes[0] as number] as SaveRow).object;
    const ingest: IngestOperation =
      operation === 'update' ? 'update' : { upsert: { externalIdField: operation.upsert.externalIdField } };
    this.stats.jobs += 1;
    let report;
    try {
      report = await runIngestJob(
        this.org,
        {
          object,
          operation: ingest,
          rows: indexes.map((index) => {
            const row = rows[index] as SaveRow;
            return operation === 'update' ? { Id: row.id, ...row.fields } : row.fields;
          }),
        },
        { ...this.options.job, onRequest: this.options.onRequest },
      );
    } catch (error) {
      // No job, or no answer about it: Collections saves the rows (updates and upserts repeat safely).
      this.stats.failedJobs += 1;
      this.options.logger?.warn(
        { err: error, object, rows: indexes.length },
        'Bulk API 2.0 job failed; rows go through Collections',
      );
      return indexes;
    }
    this.stats.jobCalls += report.calls;
    this.stats.rowsByBulk += indexes.length;
    if (report.state !== 'JobComplete') this.stats.failedJobs += 1;
    const retry: number[] = [];
    report.results.forEach((result, i) => {
      const index = indexes[i] as number;
      const outcome = toOutcome(rows[index] as SaveRow, result);
      if (outcome) outcomes[index] = outcome;
      else retry.push(index);
    });
    this.options.logger?.info(
      {
        object,
        operation: operation === 'update' ? 'update' : 'upsert',
        jobId: report.jobId,
        state: report.state,
        rows: indexes.length,
        failed: report.results.filter((r) => r.status === 'failed').length,
        retried: retry.length,
        calls: report.calls,
      },
      'Bulk API 2.0 ingest job done',
    );
    return retry;
  }

  private async fill(
    operation: SaveOperation,
    rows: readonly SaveRow[],
    indexes: number[],
    outcomes: (SaveOutcome | undefined)[],
    counted = false,
  ): Promise<void> {
    if (counted) this.stats.rowsByCollections += indexes.length;
    const answers = await this.collections.save(
      operation,
      indexes.map((index) => rows[index] as SaveRow),
    );
    indexes.forEach((index, i) => {
      outcomes[index] = answers[i];
    });
  }

  private async throughCollections(operation: SaveOperation, rows: readonly SaveRow[]): Promise<SaveOutcome[]> {
    this.stats.rowsByCollections += rows.length;
    return this.collections.save(operation, rows);
  }
}

function keyOf(operation: SaveOperation, row: SaveRow): string {
  if (operation === 'create' || operation === 'update') return row.id ?? '';
  return String(row.fields[operation.upsert.externalIdField] ?? '');
}

/** A job's result as a Collections outcome; undefined when Collections should try the row again. */
function toOutcome(row: SaveRow, result: IngestRowResult): SaveOutcome | undefined {
  if (result.status === 'unprocessed') return undefined;
  if (result.status === 'saved') {
    return {
      id: result.id || (row.id ?? ''),
      ok: true,
      ...(result.created !== undefined && { created: result.created }),
    };
  }
  if (RETRYABLE_RECORD_ERRORS.has(result.code)) return undefined;
  return {
    id: row.id ?? result.id,
    ok: false,
    code: result.code,
    message: result.message,
    fields: result.fields,
    final: true,
  };
}
