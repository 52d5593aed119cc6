import type { Connection } from 'jsforce';
import { z } from 'zod';
import type { RecordUpdate, WriteOutcome } from './write-types';
import { RETRYABLE_RECORD_ERRORS } from './write-types';

/** Salesforce caps a Collections request at 200 records and a Composite request at 5 Collections subrequests. */
export const MAX_RECORDS_PER_COLLECTION = 200;
export const MAX_COLLECTIONS_PER_COMPOSITE = 5;

const saveResultSchema = z.looseObject({
  id: z.string().nullish(),
  success: z.boolean(),
  errors: z
    .array(
      z.looseObject({
        statusCode: z.string(),
        message: z.string().default(''),
        fields: z.array(z.string()).default([]),
      }),
    )
    .default([]),
});
const collectionResultSchema = z.array(saveResultSchema);
const compositeResponseSchema = z.looseObject({
  compositeResponse: z.array(z.looseObject({ body: z.unknown(), httpStatusCode: z.number(), referenceId: z.string() })),
});

/** A whole request that failed (HTTP error, 5xx, bad reply): every record in it gets this outcome. */
export class CollectionsRequestError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
  }
}

function toOutcomes(batch: RecordUpdate[], body: unknown): WriteOutcome[] {
  const parsed = collectionResultSchema.safeParse(body);
  if (!parsed.success || parsed.data.length !== batch.length) {
    throw new CollectionsRequestError(
      'BAD_REPLY',
      'Salesforce answered a Collections request with an unexpected body',
      true,
    );
  }
  return parsed.data.map((result, index): WriteOutcome => {
    const id = (batch[index] as RecordUpdate).id;
    if (result.success) return { id, ok: true };
    const first = result.errors[0];
    const code = first?.statusCode ?? 'UNKNOWN_ERROR';
    return {
      id,
      ok: false,
      code,
      message: result.errors.map((e) => e.message).join('; '),
      fields: result.errors.flatMap((e) => e.fields),
      // A record rolled back only because another failed under allOrNone would be retryable; we send allOrNone:false.
      final: !RETRYABLE_RECORD_ERRORS.has(code),
    };
  });
}

function collectionBody(batch: RecordUpdate[]) {
  return {
    allOrNone: false,
    records: batch.map((update) => ({ attributes: { type: update.object }, Id: update.id, ...update.fields })),
  };
}

/** An error Salesforce answered carries its errorCode; anything else (network, a failed token refresh) has none. */
function errorCodeOf(error: unknown): { code: string; message: string; fromSalesforce: boolean } {
  const e = error as { errorCode?: string; name?: string; message?: string };
  return {
    code: e.errorCode ?? e.name ?? 'REQUEST_FAILED',
    message: e.message ?? String(error),
    fromSalesforce: !!e.errorCode,
  };
}

/** Whole-request failures worth another try (jsforce names HTTP errors without a JSON body `ERROR_HTTP_<status>`). */
const RETRYABLE_REQUEST_CODES = new Set([
  'UNABLE_TO_LOCK_ROW',
  'SERVER_UNAVAILABLE',
  'ERROR_HTTP_500',
  'ERROR_HTTP_502',
  'ERROR_HTTP_503',
  'ERROR_HTTP_504',
  'FetchError',
  'ECONNRESET',
  'ECONNREFUSED',
  // The daily budget is spent: worth trying again tomorrow, never in a tight loop (the writer does not retry it).
  'REQUEST_LIMIT_EXCEEDED',
]);

/**
 * Sends up to five Collections of updates: one `PATCH /composite/sobjects` when there is one, else a single
 * Composite request carrying them all (one API call instead of five). Returns one outcome per update, in order.
 */
export async function sendCollections(conn: Connection, batches: RecordUpdate[][]): Promise<WriteOutcome[][]> {
  if (batches.length === 0) return [];
  try {
    if (batches.length === 1) {
      const batch = batches[0] as RecordUpdate[];
      const body = await conn.requestPatch(`/composite/sobjects`, collectionBody(batch));
      return [toOutcomes(batch, body)];
    }
    const compositeRequest = batches.map((batch, index) => ({
      method: 'PATCH',
      url: `/services/data/v${conn.version}/composite/sobjects`,
      referenceId: `collection${index}`,
      body: collectionBody(batch),
    }));
    const reply = compositeResponseSchema.safeParse(
      await conn.requestPost(`/composite`, { allOrNone: false, compositeRequest }),
    );
    if (!reply.success || reply.data.compositeResponse.length !== batches.length) {
      throw new CollectionsRequestError(
        'BAD_REPLY',
        'Salesforce answered a Composite request with an unexpected body',
        true,
      );
    }
    return reply.data.compositeResponse.map((item, index) => {
      const batch = batches[index] as RecordUpdate[];
      if (item.httpStatusCode >= 200 && item.httpStatusCode < 300) return toOutcomes(batch, item.body);
      const errors = Array.isArray(item.body) ? (item.body as { errorCode?: string; message?: string }[]) : [];
      const code = errors[0]?.errorCode ?? `ERROR_HTTP_${item.httpStatusCode}`;
      const retryable = item.httpStatusCode >= 500 || RETRYABLE_REQUEST_CODES.has(code);
      return batch.map((update): WriteOutcome => ({
        id: update.id,
        ok: false,
        code,
        message: errors[0]?.message ?? `subrequest failed with HTTP ${item.httpStatusCode}`,
        fields: [],
        final: !retryable,
      }));
    });
  } catch (error) {
    if (error instanceof CollectionsRequestError) throw error;
    const { code, message, fromSalesforce } = errorCodeOf(error);
    const retryable = !fromSalesforce || RETRYABLE_REQUEST_CODES.has(code);
    throw new CollectionsRequestError(code, message, retryable);
  }
}
