/**
 * Bulk API 2.0 query jobs: `POST /jobs/query`, `GET /jobs/query[/{id}]`, `PATCH /jobs/query/{id}` (abort),
 * `DELETE /jobs/query/{id}`, `GET /jobs/query/{id}/results?maxRecords=&locator=` (CSV pages, `Sforce-Locator`).
 */
import { z } from 'zod';
import { SfError } from '../../errors';
import { formatIsoDateTime } from '../../org/clock';
import type { FieldPath, QueryPlan } from '../../soql/query-engine';
import type { Api, ApiRequest, ApiResponse } from '../api';
import { csvLine, csvText } from './bulk-csv';
import { jobInfo, jobSummary, type QueryJob } from './bulk-job-info';
import { bulkJobsFor } from './bulk-jobs';
import { columnDelimiterSchema, csvResponse, lineEndingSchema, parseBody } from './bulk-request';

/** Rows per results page when the client gives no `maxRecords`. */
export const DEFAULT_MAX_RECORDS = 50_000;

const createSchema = z.object({
  operation: z.enum(['query', 'queryAll']),
  query: z.string().min(1),
  contentType: z.literal('CSV').optional(),
  columnDelimiter: columnDelimiterSchema.optional(),
  lineEnding: lineEndingSchema.optional(),
});

const stateSchema = z.object({ state: z.literal('Aborted') });

const invalidJob = (message: string): SfError => new SfError(400, 'INVALIDJOB', message);

/** Refuses what Bulk API 2.0 query does not support (aggregates, GROUP BY, OFFSET, subqueries, compound fields). */
function checkSupported(plan: QueryPlan): FieldPath[] {
  if (plan.countOnly || plan.aggregate || plan.groupBy.length) {
    throw invalidJob('Aggregate queries (COUNT(), GROUP BY, aggregate functions) are not supported by Bulk API 2.0');
  }
  if (plan.offset !== undefined) throw invalidJob('OFFSET is not supported by Bulk API 2.0 query');
  const paths: FieldPath[] = [];
  for (const s of plan.select) {
    if (s.kind === 'subquery') throw invalidJob('Parent-to-child subqueries are not supported by Bulk API 2.0 query');
    if (s.kind !== 'field') throw invalidJob('Aggregate functions are not supported by Bulk API 2.0 query');
    if (s.path.leaf.type === 'address' || s.path.leaf.type === 'location') {
      throw invalidJob(`Compound fields are not supported by Bulk API 2.0 query: ${s.path.leaf.name}`);
    }
    paths.push(s.path);
  }
  return paths;
}

function columnName(path: FieldPath): string {
  return [...path.hops.map((h) => h.relationshipName), path.leaf.name].join('.');
}

function csvValue(path: FieldPath, v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (path.leaf.type === 'datetime' && typeof v === 'number') return formatIsoDateTime(v);
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

const encodeLocator = (offset: number): string => Buffer.from(String(offset)).toString('base64').replace(/=+$/, '');
function decodeLocator(locator: string): number | undefined {
  const n = Number(Buffer.from(locator, 'base64').toString('utf8'));
  return Number.isInteger(n) && n >= 0 ? n : undefined;
}

export function registerQueryJobRoutes(api: Api): void {
  const org = api.org;
  const jobs = bulkJobsFor(org);

  const run = (job: QueryJob, req: ApiRequest): void => {
    job.state = 'InProgress';
    job.startedAt = Date.now();
    jobs.touch(job);
    try {
      const plan = api.query.plan(job.query, req.auth.userId, job.operation === 'queryAll');
      const paths = checkSupported(plan);
      const rows = api.query.execute(plan).rows;
      job.header = paths.map(columnName);
      job.lines = rows.map((row) =>
        csvLine(
          paths.map((p) => csvValue(p, api.query.value(row, p))),
          job,
        ),
      );
      job.numberRecordsProcessed = rows.length;
      job.state = 'JobComplete';
    } catch (err) {
      job.state = 'Failed';
      job.errorMessage = (err as Error).message;
    }
    job.finishedAt = Date.now();
    jobs.touch(job);
  };

  api.add('POST', '/jobs/query', 'bulk2', (req) => {
    const body = parseBody(req, createSchema);
    // Validated now (a bad query is refused at create), run later.
    const plan = api.query.plan(body.query, req.auth.userId, body.operation === 'queryAll');
    checkSupported(plan);
    const now = org.clock.now();
    const job: QueryJob = {
      kind: 'query',
      id: jobs.nextId(),
      operation: body.operation,
      object: plan.obj.name,
      query: body.query,
      createdById: req.auth.userId,
      createdDate: now,
      systemModstamp: now,
      state: 'UploadComplete',
      apiVersion: Number(req.version),
      columnDelimiter: body.columnDelimiter ?? 'COMMA',
      lineEnding: body.lineEnding ?? 'LF',
      numberRecordsProcessed: 0,
      changeOrigin: '',
      lines: [],
      header: [],
    };
    jobs.add(job);
    jobs.later(job, () => run(job, req));
    return { status: 200, body: jobSummary(job) };
  });

  api.add('GET', '/jobs/query', 'bulk2', () => ({
    status: 200,
    body: { done: true, records: jobs.list('query').map(jobSummary), nextRecordsUrl: null },
  }));

  api.add('GET', '/jobs/query/:id', 'bulk2', (_req, [id]) => ({ status: 200, body: jobInfo(jobs.query(id!)) }));

  api.add('PATCH', '/jobs/query/:id', 'bulk2', (req, [id]) => {
    const job = jobs.query(id!);
    parseBody(req, stateSchema);
    if (job.state === 'JobComplete' || job.state === 'Failed') {
      throw new SfError(400, 'INVALIDJOBSTATE', `Job is already in state ${job.state}`);
    }
    job.state = 'Aborted';
    clearTimeout(job.timer);
    jobs.touch(job);
    return { status: 200, body: jobSummary(job) };
  });

  api.add('DELETE', '/jobs/query/:id', 'bulk2', (_req, [id]) => {
    jobs.delete(jobs.query(id!));
    return { status: 204 };
  });

  api.add('GET', '/jobs/query/:id/results', 'bulk2', (req, [id]): ApiResponse => {
    const job = jobs.query(id!);
    if (job.state !== 'JobComplete') {
      throw new SfError(400, 'INVALIDJOBSTATE', `Job is not complete yet (state ${job.state})`);
    }
    const maxRaw = req.query.maxRecords;
    const max = maxRaw === undefined ? DEFAULT_MAX_RECORDS : Number(maxRaw);
    if (!Number.isInteger(max) || max <= 0) throw new SfError(400, 'INVALIDREQUEST', `Invalid maxRecords: ${maxRaw}`);
    const locator = req.query.locator;
    const start = locator === undefined || locator === '' ? 0 : decodeLocator(locator);
    if (start === undefined || start > job.lines.length) {
      throw new SfError(400, 'INVALIDLOCATOR', `Invalid locator: ${locator}`);
    }
    const end = Math.min(job.lines.length, start + max);
    const text = csvText(job.header, job.lines.slice(start, end), job);
    return csvResponse(text, {
      'Sforce-Locator': end >= job.lines.length ? 'null' : encodeLocator(end),
      'Sforce-NumberOfRecords': String(end - start),
    });
  });
}
