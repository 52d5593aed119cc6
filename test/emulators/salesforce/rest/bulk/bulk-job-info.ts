/** Bulk API 2.0 job records and their JSON rendering (`GET /jobs/query/{id}`, `GET /jobs/ingest/{id}`). */
import { formatRestDateTime } from '../../org/clock';
import type { CsvFormat } from './bulk-csv';

export type JobState = 'Open' | 'UploadComplete' | 'InProgress' | 'JobComplete' | 'Failed' | 'Aborted';
export type IngestOperation = 'insert' | 'update' | 'upsert' | 'delete' | 'hardDelete';

interface JobBase extends CsvFormat {
  id: string;
  object: string;
  createdById: string;
  createdDate: number;
  systemModstamp: number;
  state: JobState;
  apiVersion: number;
  numberRecordsProcessed: number;
  errorMessage?: string;
  /** The `changeOrigin` the job's writes carry (ingest) — from the `Sforce-Call-Options` client. */
  changeOrigin: string;
  startedAt?: number;
  finishedAt?: number;
  timer?: NodeJS.Timeout;
}

export interface QueryJob extends JobBase {
  kind: 'query';
  operation: 'query' | 'queryAll';
  query: string;
  /** CSV lines (without line endings) of the result, filled on completion. */
  lines: string[];
  header: string[];
}

export interface IngestJob extends JobBase {
  kind: 'ingest';
  operation: IngestOperation;
  externalIdFieldName?: string;
  /** Uploaded column names (from the first `PUT …/batches`) and rows of every upload, as text. */
  header: string[];
  rows: string[][];
  /** Rows before this index have been processed; the rest are `unprocessedrecords`. */
  cursor: number;
  /** Result lines (CSV, no line ending) for `successfulResults` and `failedResults`. */
  successful: string[];
  failed: string[];
  numberRecordsFailed: number;
}

export type BulkJob = QueryJob | IngestJob;

function processingMs(job: BulkJob): number {
  return job.startedAt !== undefined ? (job.finishedAt ?? Date.now()) - job.startedAt : 0;
}

/** The create/close answer (no counters), as in `bulk2-query-job-create-response.sfdocs.json`. */
export function jobSummary(job: BulkJob): Record<string, unknown> {
  const out: Record<string, unknown> = {
    id: job.id,
    operation: job.operation,
    object: job.object,
    createdById: job.createdById,
    createdDate: formatRestDateTime(job.createdDate),
    systemModstamp: formatRestDateTime(job.systemModstamp),
    state: job.state,
  };
  if (job.kind === 'ingest' && job.externalIdFieldName) out.externalIdFieldName = job.externalIdFieldName;
  out.concurrencyMode = 'Parallel';
  out.contentType = 'CSV';
  out.apiVersion = job.apiVersion;
  if (job.kind === 'ingest')
    out.contentUrl = `services/data/v${job.apiVersion.toFixed(1)}/jobs/ingest/${job.id}/batches`;
  out.lineEnding = job.lineEnding;
  out.columnDelimiter = job.columnDelimiter;
  return out;
}

/** The full job info a poll returns. */
export function jobInfo(job: BulkJob): Record<string, unknown> {
  const out = jobSummary(job);
  delete out.contentUrl;
  out.jobType = job.kind === 'query' ? 'V2Query' : 'V2Ingest';
  out.numberRecordsProcessed = job.numberRecordsProcessed;
  if (job.kind === 'ingest') out.numberRecordsFailed = job.numberRecordsFailed;
  out.retries = 0;
  out.totalProcessingTime = processingMs(job);
  if (job.kind === 'ingest') {
    out.apiActiveProcessingTime = processingMs(job);
    out.apexProcessingTime = 0;
  } else out.isPkChunkingSupported = true;
  if (job.errorMessage) out.errorMessage = job.errorMessage;
  return out;
}
