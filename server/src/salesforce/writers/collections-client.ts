import { z } from 'zod';
import type { Logger } from '../../lib/logger';
import type { OrgClient } from '../org-client';
import { RETRYABLE_RECORD_ERRORS, type SaveOperation, type SaveOutcome, type SaveRow } from './write-types';

/** Salesforce caps a Collections request at 200 records and a Composite request at 5 Collections subrequests. */
export const MAX_RECORDS_PER_COLLECTION = 200;
export const MAX_COLLECTIONS_PER_COMPOSITE = 5;

const saveResultSchema = z.looseObject({
  id: z.string().nullish(),
  success: z.boolean(),
  created: z.boolean().optional(),
  errors: z
    .array(
      z.looseObject({
        statusCode: z.string().default('UNKNOWN_ERROR'),
        message: z.string().default(''),
        fields: z.array(z.string()).default([]),
      }),
    )
    .default([]),
});
const collectionResultSchema = z.array(saveResultSchema);
const compositeResponseSchema = z.looseObject({
  compositeResponse: z.array(z.looseObject({ body: z.unknown(), httpStatusCode: z.number() })),
});

/** Whole-request failures worth another try (jsforce names HTTP errors without a JSON body `ERROR_HTTP_<status>`). */
const RETRYABLE_REQUEST_CODES = new Set([
  'UNABLE_TO_LOCK_ROW',
  'SERVER_UNAVAILABLE',
  'REQUEST_RUNNING_TOO_LONG',
  'ERROR_HTTP_500',
  'ERROR_HTTP_502',
  'ERROR_HTTP_503',
  'ERROR_HTTP_504',
  'FetchError',
  'ECONNRESET',
  'ECONNREFUSED',
  // The daily budget is spent: worth trying again later, never in a tight loop (see `save`).
  'REQUEST_LIMIT_EXCEEDED',
]);

export interface CollectionsClientOptions {
  /** Tries per row for locks and 5xx, each after a longer pause and in a smaller collection. */
  maxAttempts?: number;
  baseBackoffMs?: number;
  logger?: Logger;
  /** Called after every request (the API budget reads the usage the response reported). */
  onRequest?: () => void;
}

export interface CollectionsStats {
  requests: number;
  recordsSent: number;
  retries: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The one way the server saves many records: sObject Collections (200 rows, `allOrNone: false`), up to five of
 * them in one Composite request. Rows Salesforce refused for a reason that passes (a locked row, a busy server)
 * are sent again with backoff in halved collections; validation and duplicate errors are final. A whole request
 * that failed is repeated only for updates and upserts (repeating them changes nothing twice); a create is never
 * resent, since it may have inserted. Every row gets one outcome, in order.
 */
export class CollectionsClient {
  private readonly maxAttempts: number;
  private readonly baseBackoffMs: number;
  readonly stats: CollectionsStats = { requests: 0, recordsSent: 0, retries: 0 };

  constructor(
    private readonly org: OrgClient,
    private readonly options: CollectionsClientOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 5;
    this.baseBackoffMs = options.baseBackoffMs ?? 200;
  }

  async save(operation: SaveOperation, rows: readonly SaveRow[]): Promise<SaveOutcome[]> {
    const outcomes: (SaveOutcome | undefined)[] = rows.map(() => undefined);
    let pending = rows.map((_, index) => index);
    let size = MAX_RECORDS_PER_COLLECTION;
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      const retry: number[] = [];
      const collections = splitIntoCollections(pending, (index) => (rows[index] as SaveRow).object, size);
      for (let c = 0; c < collections.length; c += MAX_COLLECTIONS_PER_COMPOSITE) {
        const chunk = collections.slice(c, c + MAX_COLLECTIONS_PER_COMPOSITE);
        const answers = await this.send(
          operation,
          chunk.map((collection) => collection.map((index) => rows[index] as SaveRow)),
        );
        chunk.forEach((collection, ci) =>
          collection.forEach((index, ri) => {
            const outcome = (answers[ci] as SaveOutcome[])[ri] as SaveOutcome;
            if (this.worthRetry(operation, outcome, attempt)) retry.push(index);
            else outcomes[index] = outcome;
          }),
        );
      }
      pending = retry;
      if (pending.length === 0) break;
      this.stats.retries += pending.length;
      size = Math.max(1, Math.floor(size / 2));
      const pause = this.baseBackoffMs * 2 ** (attempt - 1) * (0.5 + Math.random());
      this.options.logger?.warn({ records: pending.length, attempt, pauseMs: Math.round(pause) }, 'retrying rows');
      await sleep(pause);
    }
    return outcomes as SaveOutcome[];
  }

  private worthRetry(operation: SaveOperation, outcome: SaveOutcome, attempt: number): boolean {
    if (outcome.ok || outcome.final || attempt >= this.maxAttempts) return false;
    // The budget does not come back within a backoff; the caller keeps the rows and tries later.
    if (outcome.code === 'REQUEST_LIMIT_EXCEEDED') return false;
    return !(outcome.wholeRequest && operation === 'create');
  }

  /** One API call: a single Collections request, or one Composite request carrying up to five of them. */
  private async send(operation: SaveOperation, collections: SaveRow[][]): Promise<SaveOutcome[][]> {
    const conn = this.org.connection;
    this.stats.requests += 1;
    this.stats.recordsSent += collections.reduce((n, c) => n + c.length, 0);
    const { method, path } = endpoint(operation);
    try {
      if (collections.length === 1) {
        const rows = collections[0] as SaveRow[];
        const body = collectionBody(operation, rows);
        const reply = method === 'POST' ? await conn.requestPost(path, body) : await conn.requestPatch(path, body);
        return [toOutcomes(rows, reply)];
      }
      const reply = compositeResponseSchema.safeParse(
        await conn.requestPost(`/composite`, {
          allOrNone: false,
          compositeRequest: collections.map((rows, index) => ({
            method,
            url: `/services/data/v${conn.version}${path}`,
            referenceId: `collection${index}`,
            body: collectionBody(operation, rows),
          })),
        }),
      );
      if (!reply.success || reply.data.compositeResponse.length !== collections.length) {
        throw Object.assign(new Error('Salesforce answered a Composite request with an unexpected body'), {
          errorCode: 'BAD_REPLY',
        });
      }
      return reply.data.compositeResponse.map((item, index) => {
        const rows = collections[index] as SaveRow[];
        if (item.httpStatusCode >= 200 && item.httpStatusCode < 300) return toOutcomes(rows, item.body);
        const errors = Array.isArray(item.body) ? (item.body as { errorCode?: string; message?: string }[]) : [];
        const code = errors[0]?.errorCode ?? `ERROR_HTTP_${item.httpStatusCode}`;
        const retryable = item.httpStatusCode >= 500 || RETRYABLE_REQUEST_CODES.has(code);
        const message = errors[0]?.message ?? `subrequest failed with HTTP ${item.httpStatusCode}`;
        return rows.map((row) => failed(row, code, message, !retryable, true));
      });
    } catch (error) {
      const e = error as { errorCode?: string; name?: string; message?: string };
      // An error Salesforce answered carries its errorCode; anything else (network, a failed refresh) has none.
      const code = e.errorCode ?? e.name ?? 'REQUEST_FAILED';
      const retryable = !e.errorCode || RETRYABLE_REQUEST_CODES.has(code) || code === 'BAD_REPLY';
      return collections.map((rows) =>
        rows.map((row) => failed(row, code, e.message ?? String(error), !retryable, true)),
      );
    } finally {
      this.options.onRequest?.();
    }
  }
}

function endpoint(operation: SaveOperation): { method: 'POST' | 'PATCH'; path: string } {
  if (operation === 'create') return { method: 'POST', path: '/composite/sobjects' };
  if (operation === 'update') return { method: 'PATCH', path: '/composite/sobjects' };
  return {
    method: 'PATCH',
    path: `/composite/sobjects/${operation.upsert.object}/${operation.upsert.externalIdField}`,
  };
}

function collectionBody(operation: SaveOperation, rows: SaveRow[]) {
  // Built by assignment: two spreads per row (and a throwaway object for the Id) for a 1,000-row body (issue 19).
  const records: Record<string, unknown>[] = [];
  for (const row of rows) {
    const record: Record<string, unknown> = { attributes: { type: row.object } };
    if (operation === 'update') record.Id = row.id;
    for (const name in row.fields) record[name] = row.fields[name];
    records.push(record);
  }
  return { allOrNone: false, records };
}

function toOutcomes(rows: SaveRow[], body: unknown): SaveOutcome[] {
  const succeeded = allSucceeded(rows, body);
  if (succeeded) return succeeded;
  const parsed = collectionResultSchema.safeParse(body);
  if (!parsed.success || parsed.data.length !== rows.length) {
    return rows.map((row) =>
      failed(row, 'BAD_REPLY', 'Salesforce answered a Collections request with an unexpected body', false, true),
    );
  }
  return parsed.data.map((result, index): SaveOutcome => {
    const row = rows[index] as SaveRow;
    if (result.success) return { id: result.id ?? row.id ?? '', ok: true, created: result.created };
    const code = result.errors[0]?.statusCode ?? 'UNKNOWN_ERROR';
    return {
      id: row.id ?? '',
      ok: false,
      code,
      message: result.errors.map((e) => e.message).join('; '),
      fields: result.errors.flatMap((e) => e.fields),
      final: !RETRYABLE_RECORD_ERRORS.has(code),
    };
  });
}

/**
 * The outcomes of a reply in which every row succeeded, read without zod: exactly what the schema gives for such a
 * reply (issue 19: the schema copied every result of every 200-row reply, ~1 % of a sync's CPU). Undefined for
 * anything else (a failed row, a field of an unexpected type, a length that does not match), which the schema reads.
 */
function allSucceeded(rows: SaveRow[], body: unknown): SaveOutcome[] | undefined {
  if (!Array.isArray(body) || body.length !== rows.length) return undefined;
  const outcomes: SaveOutcome[] = [];
  for (let i = 0; i < body.length; i += 1) {
    const result: unknown = body[i];
    if (result === null || typeof result !== 'object') return undefined;
    const { id, success, created, errors } = result as Record<string, unknown>;
    if (success !== true) return undefined;
    if (id !== undefined && id !== null && typeof id !== 'string') return undefined;
    if (created !== undefined && typeof created !== 'boolean') return undefined;
    if (errors !== undefined && !(Array.isArray(errors) && errors.length === 0)) return undefined;
    outcomes.push({ id: id ?? (rows[i] as SaveRow).id ?? '', ok: true, created });
  }
  return outcomes;
}

function failed(row: SaveRow, code: string, message: string, final: boolean, wholeRequest: boolean): SaveOutcome {
  return { id: row.id ?? '', ok: false, code, message, fields: [], final, wholeRequest };
}

/** Collections of one object each, at most `size` rows (Salesforce allows several objects in one, but not mixed here). */
function splitIntoCollections(indexes: number[], objectOf: (index: number) => string, size: number): number[][] {
  const byObject = new Map<string, number[]>();
  for (const index of indexes) {
    const object = objectOf(index);
    const group = byObject.get(object);
    if (group) group.push(index);
    else byObject.set(object, [index]);
  }
  const collections: number[][] = [];
  for (const group of byObject.values()) {
    for (let i = 0; i < group.length; i += size) collections.push(group.slice(i, i + size));
  }
  return collections;
}
