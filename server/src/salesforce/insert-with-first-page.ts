import { z } from 'zod';
import { sendComposite, type CompositeAnswer } from './composite-request';
import type { OrgClient, QueryPage } from './org-client';

/** What a create sent along with another call came to: the new record's id, or why there is none. */
export type InsertOutcome = { ok: true; id: string } | { ok: false; error: Error };

/** A record to create in the same API call as a query's first page (an import's run record, see ImportRunner). */
export interface AlongsideInsert {
  object: string;
  fields: Record<string, unknown>;
  /** Told what the create came to before the page is handed back or its error thrown, so neither loses the other. */
  onCreated: (outcome: InsertOutcome) => void;
}

/** Salesforce refused the create (validation, permissions): its errors as it answered them. */
export class InsertRefusedError extends Error {
  constructor(
    readonly object: string,
    readonly errors: { errorCode?: string; message?: string }[],
  ) {
    super(`${object}: ${errors.map((e) => `${e.errorCode ?? 'ERROR'}: ${e.message ?? ''}`).join('; ') || 'refused'}`);
  }
}

const createdSchema = z.looseObject({ id: z.string(), success: z.literal(true) });
const errorsSchema = z.array(z.looseObject({ errorCode: z.string().optional(), message: z.string().optional() }));
const pageSchema = z.looseObject({
  totalSize: z.number(),
  done: z.boolean(),
  nextRecordsUrl: z.string().nullish(),
  records: z.array(z.record(z.string(), z.unknown())),
});

/**
 * Creates one record and reads a query's first page in **one** API call (a Composite request of a POST and a GET,
 * `allOrNone: false`, run in that order), where each would be a call of its own. A query Salesforce refused in it is
 * asked again alone (`readAlone`), so its error is the one it always was. When the Composite request fails as a
 * whole, whether the create happened is unknown (a lost reply): it is reported failed and not sent again, so a retry
 * never makes two records; the page is then read alone.
 */
export async function insertWithFirstPage<T>(
  org: OrgClient,
  request: { queryUrl: string; batchSize: number; insert: AlongsideInsert; readAlone: () => Promise<QueryPage<T>> },
): Promise<QueryPage<T>> {
  const { insert } = request;
  let answers: CompositeAnswer[];
  try {
    answers = await sendComposite(org, [
      {
        method: 'POST',
        url: `/services/data/v${org.apiVersion}/sobjects/${encodeURIComponent(insert.object)}`,
        referenceId: 'created',
        body: insert.fields,
      },
      {
        method: 'GET',
        url: request.queryUrl,
        referenceId: 'page',
        httpHeaders: { 'Sforce-Query-Options': `batchSize=${request.batchSize}` },
      },
    ]);
  } catch (error) {
    insert.onCreated({ ok: false, error: error instanceof Error ? error : new Error(String(error)) });
    return request.readAlone();
  }
  const [created, page] = answers as [CompositeAnswer, CompositeAnswer];
  insert.onCreated(createdOutcome(insert.object, created));
  const parsed = page.httpStatusCode === 200 ? pageSchema.safeParse(page.body) : undefined;
  if (!parsed?.success) return request.readAlone();
  const { nextRecordsUrl, ...rest } = parsed.data;
  return { ...rest, records: rest.records as T[], ...(nextRecordsUrl ? { nextRecordsUrl } : {}) };
}

function createdOutcome(object: string, answer: CompositeAnswer): InsertOutcome {
  const created = createdSchema.safeParse(answer.body);
  if (answer.httpStatusCode === 201 && created.success) return { ok: true, id: created.data.id };
  const errors = errorsSchema.safeParse(answer.body);
  return {
    ok: false,
    error: new InsertRefusedError(
      object,
      errors.success ? errors.data : [{ errorCode: `HTTP_${answer.httpStatusCode}`, message: 'unexpected answer' }],
    ),
  };
}
