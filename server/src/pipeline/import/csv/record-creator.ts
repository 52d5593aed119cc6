import type { Connection } from 'jsforce';
import { z } from 'zod';
import type { FieldValue } from '../../../domain/mirror-record';
import { RETRYABLE_RECORD_ERRORS, type WriteOutcome } from '../../../salesforce/writers/write-types';

/** Salesforce caps an sObject Collections create at 200 records. */
export const MAX_RECORDS_PER_CREATE = 200;

const createResultSchema = z.array(
  z.looseObject({
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
  }),
);

export type CreateOutcome = { ok: true; id: string } | Extract<WriteOutcome, { ok: false }>;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function sendCreate(conn: Connection, object: string, records: Record<string, FieldValue>[]) {
  const body = { allOrNone: false, records: records.map((fields) => ({ attributes: { type: object }, ...fields })) };
  const reply = createResultSchema.safeParse(await conn.requestPost('/composite/sobjects', body));
  if (!reply.success || reply.data.length !== records.length) {
    throw new Error('Salesforce answered a Collections create with an unexpected body');
  }
  return reply.data.map((result): CreateOutcome => {
    if (result.success && result.id) return { ok: true, id: result.id };
    const code = result.errors[0]?.statusCode ?? 'UNKNOWN_ERROR';
    return {
      id: '',
      ok: false,
      code,
      message: result.errors.map((e) => e.message).join('; '),
      fields: result.errors.flatMap((e) => e.fields),
      final: !RETRYABLE_RECORD_ERRORS.has(code),
    };
  });
}

/**
 * Inserts records with sObject Collections (`POST /composite/sobjects`, allOrNone false, 200 per call) and returns
 * one outcome per record, in order. Records refused for a lock or a busy server are sent again (a per-record
 * failure means nothing was inserted, so this cannot duplicate); a whole request that fails is not resent, since
 * it may have inserted, and its records come back failed with the reason.
 */
export async function createRecords(
  conn: Connection,
  object: string,
  records: readonly Record<string, FieldValue>[],
  options: { maxAttempts?: number; baseBackoffMs?: number } = {},
): Promise<CreateOutcome[]> {
  const maxAttempts = options.maxAttempts ?? 3;
  const outcomes: CreateOutcome[] = [];
  for (let start = 0; start < records.length; start += MAX_RECORDS_PER_CREATE) {
    const batch = records.slice(start, start + MAX_RECORDS_PER_CREATE);
    const results: (CreateOutcome | undefined)[] = batch.map(() => undefined);
    let pending = batch.map((_, index) => index);
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      let answers: CreateOutcome[];
      try {
        answers = await sendCreate(
          conn,
          object,
          pending.map((index) => batch[index] as Record<string, FieldValue>),
        );
      } catch (error) {
        const e = error as { errorCode?: string; message?: string };
        for (const index of pending) {
          results[index] = {
            id: '',
            ok: false,
            code: e.errorCode ?? 'REQUEST_FAILED',
            message: `${e.message ?? String(error)} (not resent: the request may have inserted; check before importing again)`,
            fields: [],
            final: true,
          };
        }
        break;
      }
      const retry: number[] = [];
      answers.forEach((answer, position) => {
        const index = pending[position] as number;
        if (!answer.ok && !answer.final && attempt < maxAttempts) retry.push(index);
        else results[index] = answer;
      });
      pending = retry;
      if (pending.length > 0) await sleep((options.baseBackoffMs ?? 200) * 2 ** (attempt - 1));
    }
    outcomes.push(...(results as CreateOutcome[]));
  }
  return outcomes;
}
