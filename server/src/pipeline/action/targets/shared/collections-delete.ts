import { z } from 'zod';
import type { OrgClient } from '../../../../salesforce/org-client';
import { isPassingError } from '../salesforce-error';

/** Salesforce caps a Collections delete at 200 ids, and a Composite request at five Collections subrequests. */
const IDS_PER_COLLECTION = 200;
const COLLECTIONS_PER_COMPOSITE = 5;

/** What deleting one record came to. */
export type DeleteOutcome =
  | { id: string; ok: true }
  /** `retryable`: a later try can get past it (a lock, a busy org, a request that never got an answer). */
  | { id: string; ok: false; code: string; message: string; retryable: boolean };

const resultSchema = z.array(
  z.looseObject({
    id: z.string().nullish(),
    success: z.boolean(),
    errors: z
      .array(z.looseObject({ statusCode: z.string().default('UNKNOWN_ERROR'), message: z.string().default('') }))
      .default([]),
  }),
);
const compositeSchema = z.looseObject({
  compositeResponse: z.array(z.looseObject({ body: z.unknown(), httpStatusCode: z.number() })),
});

/**
 * Deletes records by id through sObject Collections (`DELETE /composite/sobjects?ids=…`, 200 a request,
 * `allOrNone=false`), up to five of them in one Composite request: 1,000 deletes are one API call, not 1,000.
 * Each id gets its own outcome, in order. Nothing is resent here: a delete repeated is harmless (the record answers
 * `ENTITY_IS_DELETED`), so the caller's retry decides.
 */
export async function deleteRecords(org: OrgClient, ids: readonly string[]): Promise<DeleteOutcome[]> {
  const collections: string[][] = [];
  for (let i = 0; i < ids.length; i += IDS_PER_COLLECTION) collections.push(ids.slice(i, i + IDS_PER_COLLECTION));
  const outcomes: DeleteOutcome[] = [];
  for (let c = 0; c < collections.length; c += COLLECTIONS_PER_COMPOSITE) {
    for (const answer of await send(org, collections.slice(c, c + COLLECTIONS_PER_COMPOSITE))) outcomes.push(...answer);
  }
  return outcomes;
}

/** One API call: one Collections delete, or one Composite request carrying up to five. */
async function send(org: OrgClient, collections: string[][]): Promise<DeleteOutcome[][]> {
  const path = (ids: string[]) => `/composite/sobjects?ids=${ids.join(',')}&allOrNone=false`;
  try {
    if (collections.length === 1) {
      const ids = collections[0] as string[];
      return [outcomesOf(ids, await org.request({ method: 'DELETE', url: path(ids) }))];
    }
    const reply = compositeSchema.safeParse(
      await org.request({
        method: 'POST',
        url: '/composite',
        body: {
          allOrNone: false,
          compositeRequest: collections.map((ids, index) => ({
            method: 'DELETE',
            url: `/services/data/v${org.apiVersion}${path(ids)}`,
            referenceId: `delete${index}`,
          })),
        },
      }),
    );
    if (!reply.success || reply.data.compositeResponse.length !== collections.length) {
      return collections.map((ids) => ids.map((id) => whole(id, 'BAD_REPLY', 'unexpected Composite answer', true)));
    }
    return reply.data.compositeResponse.map((item, index) => {
      const ids = collections[index] as string[];
      if (item.httpStatusCode >= 200 && item.httpStatusCode < 300) return outcomesOf(ids, item.body);
      const errors = Array.isArray(item.body) ? (item.body as { errorCode?: string; message?: string }[]) : [];
      const code = errors[0]?.errorCode ?? `ERROR_HTTP_${item.httpStatusCode}`;
      const message = errors[0]?.message ?? `subrequest failed with HTTP ${item.httpStatusCode}`;
      return ids.map((id) => whole(id, code, message, item.httpStatusCode >= 500 || isPassingError(code)));
    });
  } catch (error) {
    const e = error as { errorCode?: string; name?: string; message?: string };
    // An error Salesforce answered carries its errorCode; anything else (network, a failed refresh) is worth a retry.
    const code = e.errorCode ?? e.name ?? 'REQUEST_FAILED';
    const retryable = !e.errorCode || isPassingError(code);
    return collections.map((ids) => ids.map((id) => whole(id, code, e.message ?? String(error), retryable)));
  }
}

function outcomesOf(ids: string[], body: unknown): DeleteOutcome[] {
  const parsed = resultSchema.safeParse(body);
  if (!parsed.success || parsed.data.length !== ids.length) {
    return ids.map((id) => whole(id, 'BAD_REPLY', 'unexpected Collections answer', true));
  }
  return parsed.data.map((result, index): DeleteOutcome => {
    const id = ids[index] as string;
    if (result.success) return { id, ok: true };
    const code = result.errors[0]?.statusCode ?? 'UNKNOWN_ERROR';
    const message = result.errors.map((e) => e.message).join('; ');
    return { id, ok: false, code, message, retryable: isPassingError(code) };
  });
}

function whole(id: string, code: string, message: string, retryable: boolean): DeleteOutcome {
  return { id, ok: false, code, message, retryable };
}
