/**
 * Bulk API 2.0 ingest jobs: `POST /jobs/ingest`, `PUT /jobs/ingest/{id}/batches` (text/csv),
 * `PATCH /jobs/ingest/{id}` (`UploadComplete` | `Aborted`), `GET /jobs/ingest[/{id}]`, `DELETE /jobs/ingest/{id}`,
 * `GET …/successfulResults/`, `…/failedResults/`, `…/unprocessedrecords/`.
 */
import { z } from 'zod';
import { SfError } from '../../errors';
import type { Api, ApiResponse } from '../api';
import { csvLine, csvText, parseCsv } from './bulk-csv';
import { jobInfo, jobSummary, type IngestJob } from './bulk-job-info';
import { bulkJobsFor } from './bulk-jobs';
import {
  bulkChangeOrigin,
  columnDelimiterSchema,
  csvResponse,
  lineEndingSchema,
  namesClient,
  parseBody,
} from './bulk-request';
import { IngestProcessor, unknownColumn } from './ingest-processor';

const createSchema = z.object({
  object: z.string().min(1),
  operation: z.enum(['insert', 'update', 'upsert', 'delete', 'hardDelete']),
  externalIdFieldName: z.string().min(1).optional(),
  contentType: z.literal('CSV').optional(),
  columnDelimiter: columnDelimiterSchema.optional(),
  lineEnding: lineEndingSchema.optional(),
  assignmentRuleId: z.string().optional(),
});

const stateSchema = z.object({ state: z.enum(['UploadComplete', 'Aborted']) });

const invalidState = (job: IngestJob, what: string): SfError =>
  new SfError(409, 'INVALIDJOBSTATE', `Can't ${what}: job ${job.id} is in state ${job.state}`);

export function registerIngestJobRoutes(api: Api): void {
  const org = api.org;
  const jobs = bulkJobsFor(org);

  const finish = (job: IngestJob, state: 'JobComplete' | 'Failed', errorMessage?: string): void => {
    job.state = state;
    if (errorMessage) job.errorMessage = errorMessage;
    job.finishedAt = Date.now();
    jobs.touch(job);
  };

  /** UploadComplete → InProgress → one chunk per timer step → JobComplete (or Failed on a bad header). */
  const start = (job: IngestJob): void => {
    const obj = org.catalog.getObject(job.object)!;
    job.state = 'InProgress';
    job.startedAt = Date.now();
    jobs.touch(job);
    const bad = unknownColumn(org, obj, job.header);
    if (bad !== undefined) {
      finish(job, 'Failed', `InvalidBatch : Field name not found : ${bad}`);
      return;
    }
    const processor = new IngestProcessor(org, obj, job);
    const step = (): void => {
      let more: boolean;
      try {
        more = processor.nextChunk();
      } catch (err) {
        finish(job, 'Failed', `InternalServerError : ${(err as Error).message}`);
        return;
      }
      jobs.touch(job);
      if (more) jobs.later(job, step);
      else finish(job, 'JobComplete');
    };
    step();
  };

  api.add('POST', '/jobs/ingest', 'bulk2', (req) => {
    const body = parseBody(req, createSchema);
    const obj = org.catalog.getObject(body.object);
    if (!obj || obj.kind === 'platformEvent' || obj.name === 'Organization') {
      throw new SfError(400, 'INVALIDJOB', `Unable to find object: ${body.object}`);
    }
    let externalIdFieldName: string | undefined;
    if (body.operation === 'upsert') {
      const f = body.externalIdFieldName ? obj.getField(body.externalIdFieldName) : undefined;
      if (!body.externalIdFieldName) {
        throw new SfError(400, 'INVALIDJOB', 'External ID was blank for upsert operation');
      }
      if (!f || !(f.externalId || f.name === 'Id')) {
        throw new SfError(
          400,
          'INVALIDJOB',
          `The field ${body.externalIdFieldName} on ${obj.name} is not an external ID field or does not exist`,
        );
      }
      externalIdFieldName = f.name;
    }
    const now = org.clock.now();
    const job: IngestJob = {
      kind: 'ingest',
      id: jobs.nextId(),
      operation: body.operation,
      object: obj.name,
      ...(externalIdFieldName ? { externalIdFieldName } : {}),
      createdById: req.auth.userId,
      createdDate: now,
      systemModstamp: now,
      state: 'Open',
      apiVersion: Number(req.version),
      columnDelimiter: body.columnDelimiter ?? 'COMMA',
      lineEnding: body.lineEnding ?? 'LF',
      numberRecordsProcessed: 0,
      numberRecordsFailed: 0,
      changeOrigin: bulkChangeOrigin(req),
      header: [],
      rows: [],
      cursor: 0,
      successful: [],
      failed: [],
    };
    jobs.add(job);
    return { status: 200, body: jobSummary(job) };
  });

  api.add('GET', '/jobs/ingest', 'bulk2', () => ({
    status: 200,
    body: { done: true, records: jobs.list('ingest').map(jobSummary), nextRecordsUrl: null },
  }));

  api.add('GET', '/jobs/ingest/:id', 'bulk2', (_req, [id]) => ({ status: 200, body: jobInfo(jobs.ingest(id!)) }));

  api.add('PUT', '/jobs/ingest/:id/batches', 'bulk2', (req, [id]) => {
    const job = jobs.ingest(id!);
    if (job.state !== 'Open') throw invalidState(job, 'upload data');
    if (req.text === undefined) {
      throw new SfError(415, 'INVALIDCONTENTTYPE', 'Content-Type must be text/csv for job data uploads');
    }
    const { header, rows } = parseCsv(req.text, job);
    if (job.header.length && header.join('\u0000') !== job.header.join('\u0000')) {
      throw new SfError(400, 'INVALIDJOB', 'Every upload of a job must have the same header row');
    }
    job.header = header;
    for (const r of rows) job.rows.push(r);
    jobs.touch(job);
    return { status: 201 };
  });

  api.add('PATCH', '/jobs/ingest/:id', 'bulk2', (req, [id]) => {
    const job = jobs.ingest(id!);
    const { state } = parseBody(req, stateSchema);
    if (state === 'UploadComplete') {
      if (job.state !== 'Open') throw invalidState(job, 'close the job');
      if (namesClient(req)) job.changeOrigin = bulkChangeOrigin(req);
      job.state = 'UploadComplete';
      jobs.touch(job);
      jobs.later(job, () => start(job));
    } else {
      if (job.state === 'JobComplete' || job.state === 'Failed' || job.state === 'Aborted') {
        throw invalidState(job, 'abort the job');
      }
      clearTimeout(job.timer);
      job.state = 'Aborted';
      jobs.touch(job);
    }
    return { status: 200, body: jobSummary(job) };
  });

  api.add('DELETE', '/jobs/ingest/:id', 'bulk2', (_req, [id]) => {
    jobs.delete(jobs.ingest(id!));
    return { status: 204 };
  });

  const results =
    (kind: 'successful' | 'failed' | 'unprocessed') =>
    (_req: unknown, [id]: string[]): ApiResponse => {
      const job = jobs.ingest(id!);
      if (kind === 'unprocessed') {
        const pending = job.state === 'JobComplete' ? [] : job.rows.slice(job.cursor).map((r) => csvLine(r, job));
        return csvResponse(csvText(job.header, pending, job));
      }
      const header =
        kind === 'successful' ? ['sf__Id', 'sf__Created', ...job.header] : ['sf__Id', 'sf__Error', ...job.header];
      return csvResponse(csvText(header, kind === 'successful' ? job.successful : job.failed, job));
    };
  api.add('GET', '/jobs/ingest/:id/successfulResults', 'bulk2', results('successful'));
  api.add('GET', '/jobs/ingest/:id/failedResults', 'bulk2', results('failed'));
  api.add('GET', '/jobs/ingest/:id/unprocessedrecords', 'bulk2', results('unprocessed'));
}
