import { parse } from 'csv-parse/sync';
import { z } from 'zod';
import { AppError } from '../../lib/errors';
import type { OrgClient } from '../org-client';
import { CALL_OPTIONS_CLIENT } from '../auth/connection-factory';
import { fetchBulkCsv, putBulkCsv } from './bulk-csv-fetch';
import { parseBulkRowError, type BulkRowError } from './bulk-row-error';
import { ingestCsvSlices } from './ingest-csv';

const jobInfoSchema = z.looseObject({
  id: z.string().min(1),
  state: z.string(),
  numberRecordsProcessed: z.number().optional(),
  numberRecordsFailed: z.number().optional(),
  errorMessage: z.string().nullish(),
});
type JobInfo = z.infer<typeof jobInfoSchema>;

export type IngestOperation = 'update' | { upsert: { externalIdField: string } };

export interface IngestJobInput {
  object: string;
  operation: IngestOperation;
  /** Each row's fields by API name; the key column (`Id`, or the external id) must be set and unique. */
  rows: readonly Record<string, unknown>[];
}

/** What became of one row: saved, refused (`failedResults`), or never processed (the job failed or was aborted). */
export type IngestRowResult =
  | { status: 'saved'; id: string; created?: boolean }
  | ({ status: 'failed'; id: string } & BulkRowError)
  | { status: 'unprocessed' };

export interface IngestJobReport {
  jobId: string;
  state: string;
  /** One per input row, in input order. */
  results: IngestRowResult[];
  /** API calls the job took (create, upload, close, polls, results). */
  calls: number;
}

export interface IngestJobOptions {
  /**
   * First wait before asking for the job's state (ms; default 500, plus 0.05 ms per row: a large job is not done
   * sooner); each later wait doubles, up to `pollMaxMs`.
   */
  pollStartMs?: number;
  pollMaxMs?: number;
  /** How long the job may run before it is aborted and its unprocessed rows handed back (ms; default 30 min). */
  pollTimeoutMs?: number;
  /** Called after every request (the API budget reads the usage the response reported). */
  onRequest?: () => void;
  /**
   * Read `successfulResults` for an upsert's record ids and created flags (one more call per job); without it
   * a saved upsert row's id is empty.
   */
  readIds?: boolean;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const TERMINAL = new Set(['JobComplete', 'Failed', 'Aborted']);

/**
 * One Bulk API 2.0 ingest job (`BULK:close_job`): create it, PUT the CSV in one upload, PATCH `UploadComplete`,
 * poll its state with backoff, then read back what became of each row. Result files are read only when they can
 * say something the job info does not: `failedResults` when rows failed, `successfulResults` when the job ended
 * early or an upsert's ids are asked for (`readIds`), `unprocessedrecords` never (a row in neither result file
 * was not processed). Rows are matched to results by their key column, which Salesforce echoes from
 * the upload (the order of result rows is not guaranteed).
 */
export async function runIngestJob(
  org: OrgClient,
  input: IngestJobInput,
  options: IngestJobOptions = {},
): Promise<IngestJobReport> {
  const conn = org.connection;
  const base = `/services/data/v${conn.version}/jobs/ingest`;
  const key = typeof input.operation === 'string' ? 'Id' : input.operation.upsert.externalIdField;
  let calls = 0;
  const call = async <T>(work: () => Promise<T>): Promise<T> => {
    calls += 1;
    try {
      return await work();
    } finally {
      options.onRequest?.();
    }
  };
  const json = (method: 'POST' | 'PATCH' | 'GET', url: string, body?: unknown) =>
    call(async () =>
      jobInfoSchema.parse(
        await conn.request({
          method,
          url,
          ...(body !== undefined && { body: JSON.stringify(body) }),
          headers: { 'Content-Type': 'application/json' },
        }),
      ),
    );

  const columns = columnsOf(input.rows, key);
  // Results are matched by key: only the keys are kept once the CSV is uploaded.
  const keys = input.rows.map((row) => String(row[key] ?? ''));
  const created = await json('POST', base, {
    object: input.object,
    contentType: 'CSV',
    lineEnding: 'LF',
    columnDelimiter: 'COMMA',
    ...(typeof input.operation === 'string'
      ? { operation: 'update' }
      : { operation: 'upsert', externalIdFieldName: key }),
  });
  const jobUrl = `${base}/${created.id}`;
  await call(() =>
    putBulkCsv(conn, `${jobUrl}/batches`, () => ingestCsvSlices(columns, input.rows), `client=${CALL_OPTIONS_CLIENT}`),
  );
  let info = await json('PATCH', jobUrl, { state: 'UploadComplete' });
  info = await waitUntilDone(info, jobUrl, json, {
    ...options,
    pollStartMs: options.pollStartMs ?? 500 + Math.round(keys.length * 0.05),
  });

  const rows = keys.length;
  const complete = info.state === 'JobComplete' && (info.numberRecordsProcessed ?? 0) >= rows;
  const failed = info.numberRecordsFailed ?? 0;
  const byKey = new Map<string, IngestRowResult>();
  if (failed > 0 || !complete) {
    for (const row of await readCsv(org, `${jobUrl}/failedResults/`, () => (calls += 1), options)) {
      byKey.set(row[key] ?? '', { status: 'failed', id: row.sf__Id ?? '', ...parseBulkRowError(row.sf__Error ?? '') });
    }
  }
  const idsKnown = typeof input.operation === 'string' || !options.readIds;
  if (!complete || !idsKnown) {
    for (const row of await readCsv(org, `${jobUrl}/successfulResults/`, () => (calls += 1), options)) {
      byKey.set(row[key] ?? '', { status: 'saved', id: row.sf__Id ?? '', created: row.sf__Created === 'true' });
    }
  }
  const results = keys.map((value): IngestRowResult => {
    const found = byKey.get(value);
    if (found) return found;
    // Every row was processed and this one did not fail: it was saved (an update's id is its key).
    if (complete && idsKnown) return { status: 'saved', id: typeof input.operation === 'string' ? value : '' };
    return { status: 'unprocessed' };
  });
  return { jobId: created.id, state: info.state, results, calls };
}

/** Polls with doubling waits; past the timeout the job is aborted, so its unprocessed rows can go another way. */
async function waitUntilDone(
  info: JobInfo,
  jobUrl: string,
  json: (method: 'GET' | 'PATCH', url: string, body?: unknown) => Promise<JobInfo>,
  options: IngestJobOptions,
): Promise<JobInfo> {
  const deadline = Date.now() + (options.pollTimeoutMs ?? 30 * 60_000);
  let wait = options.pollStartMs ?? 500;
  let current = info;
  while (!TERMINAL.has(current.state)) {
    if (Date.now() > deadline) {
      await json('PATCH', jobUrl, { state: 'Aborted' }).catch(() => undefined);
      return json('GET', jobUrl);
    }
    await sleep(wait);
    wait = Math.min(wait * 2, options.pollMaxMs ?? 10_000);
    current = await json('GET', jobUrl);
  }
  return current;
}

async function readCsv(
  org: OrgClient,
  path: string,
  counted: () => void,
  options: IngestJobOptions,
): Promise<Record<string, string>[]> {
  counted();
  try {
    const response = await fetchBulkCsv(org.connection, path, 'SALESFORCE_BULK_INGEST_FAILED');
    return parse(await response.text(), { columns: true, skip_empty_lines: true, bom: true }) as Record<
      string,
      string
    >[];
  } finally {
    options.onRequest?.();
  }
}

/** The header: the key first, then every other field any row sets (in the order they first appear). */
function columnsOf(rows: readonly Record<string, unknown>[], key: string): string[] {
  const columns = new Set<string>([key]);
  for (const row of rows) for (const name of Object.keys(row)) columns.add(name);
  if (rows.some((row) => row[key] === undefined || row[key] === null || row[key] === '')) {
    throw new AppError('SALESFORCE_BULK_INGEST_NO_KEY', `every row of an ingest job needs its ${key}`, false);
  }
  return [...columns];
}
