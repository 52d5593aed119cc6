import { z } from 'zod';
import { sendComposite } from './composite-request';
import type { OrgClient } from './org-client';

/** Salesforce's Composite limits: 25 subrequests, of which at most 5 queries or Collections. */
const MAX_SUBREQUESTS = 25;
const MAX_QUERIES = 5;
/** The page size that follows a query's `nextRecordsUrl` (the REST default). */
const PAGE_SIZE = 2000;

const pageSchema = z.looseObject({
  done: z.boolean(),
  nextRecordsUrl: z.string().nullish(),
  records: z.array(z.record(z.string(), z.unknown())),
});

/** What one read of a batch came to: its rows (every page), or why Salesforce refused it. */
export type QueryAnswer<T> = { ok: true; rows: T[] } | { ok: false; status: number; body: unknown };

export interface BatchedReads<T> {
  queries: QueryAnswer<T>[];
  /** The describes Salesforce answered, by object; an object it refused is absent (the caller describes it alone). */
  describes: Map<string, unknown>;
}

/**
 * Up to five queries and twenty describes in **one** API call (a Composite request of GET subrequests), where
 * asking for each is a call of its own: a config load reads five objects and describes the record objects. A
 * query with more rows than one page follows `nextRecordsUrl` (one more call a page, as queryMore does).
 */
export async function readTogether<T = Record<string, unknown>>(
  org: OrgClient,
  request: { queries: readonly string[]; describes: readonly string[]; maxFetch?: number },
): Promise<BatchedReads<T>> {
  const { queries, describes } = request;
  if (queries.length > MAX_QUERIES || queries.length + describes.length > MAX_SUBREQUESTS) {
    throw new RangeError(`readTogether: ${queries.length} queries and ${describes.length} describes do not fit`);
  }
  const base = `/services/data/v${org.apiVersion}`;
  const answers = await sendComposite(org, [
    ...queries.map((soql, i) => ({
      method: 'GET' as const,
      url: `${base}/query?q=${encodeURIComponent(soql)}`,
      referenceId: `query${i}`,
    })),
    ...describes.map((object, i) => ({
      method: 'GET' as const,
      url: `${base}/sobjects/${encodeURIComponent(object)}/describe`,
      referenceId: `describe${i}`,
    })),
  ]);
  const maxFetch = request.maxFetch ?? 1_000_000;
  const results: QueryAnswer<T>[] = [];
  for (const [i] of queries.entries()) {
    const answer = answers[i] as (typeof answers)[number];
    const page = answer.httpStatusCode === 200 ? pageSchema.safeParse(answer.body) : undefined;
    if (!page?.success) {
      results.push({ ok: false, status: answer.httpStatusCode, body: answer.body });
      continue;
    }
    const rows = [...page.data.records] as T[];
    let next = page.data.done ? undefined : (page.data.nextRecordsUrl ?? undefined);
    while (next && rows.length < maxFetch) {
      const more = await org.nextPage<T>(next, PAGE_SIZE);
      rows.push(...more.records);
      next = more.done ? undefined : more.nextRecordsUrl;
    }
    results.push({ ok: true, rows: rows.slice(0, maxFetch) });
  }
  const described = new Map<string, unknown>();
  describes.forEach((object, i) => {
    const answer = answers[queries.length + i];
    if (answer?.httpStatusCode === 200) described.set(object, answer.body);
  });
  return { queries: results, describes: described };
}
