import { parse } from 'csv-parse/sync';
import type { OrgClient } from '../org-client';
import { z } from 'zod';
import { UnavailableError } from '../../lib/errors';
import { fetchBulkCsv } from './bulk-csv-fetch';

const jobInfoSchema = z.looseObject({
  id: z.string().min(1),
  state: z.string(),
  errorMessage: z.string().nullish(),
});

export interface BulkQueryOptions {
  /** Rows per results page: what is held in memory at once. */
  maxRecords?: number;
  pollIntervalMs?: number;
  pollTimeoutMs?: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A Bulk API 2.0 query read one results page at a time (`maxRecords` rows, then the `Sforce-Locator` of the next),
 * each page fetched only when the caller asks for it. jsforce 3.10's `bulk2.query` instead downloads every page
 * before it hands over its stream, so a result larger than its stream buffers never completes (seen at 100,000
 * contacts); and it joins the pages' CSV so that each later page's header reads as a record.
 *
 * Job creation and polling go through jsforce (its token refresh applies); the CSV pages are fetched with the
 * connection's token, and a 401 is answered by a jsforce call that renews the token, then one more try.
 * Rows come back as Salesforce writes them: strings, `""` for null.
 */
export async function* bulkQueryPages(
  org: OrgClient,
  soql: string,
  options: BulkQueryOptions = {},
): AsyncGenerator<Record<string, string>[]> {
  const conn = org.connection;
  const base = `/services/data/v${conn.version}/jobs/query`;
  const created = jobInfoSchema.parse(
    await conn.request({
      method: 'POST',
      url: base,
      body: JSON.stringify({ operation: 'query', query: soql }),
      headers: { 'Content-Type': 'application/json' },
    }),
  );
  const deadline = Date.now() + (options.pollTimeoutMs ?? 30 * 60_000);
  for (;;) {
    const info = jobInfoSchema.parse(await conn.request(`${base}/${created.id}`));
    if (info.state === 'JobComplete') break;
    if (info.state === 'Failed' || info.state === 'Aborted') {
      throw new UnavailableError(
        'SALESFORCE_BULK_QUERY_FAILED',
        `Bulk API 2.0 query job ${created.id} ended ${info.state}: ${info.errorMessage ?? 'no reason given'}`,
      );
    }
    if (Date.now() > deadline) {
      throw new UnavailableError('SALESFORCE_BULK_QUERY_TIMEOUT', `Bulk API 2.0 query job ${created.id} still running`);
    }
    await sleep(options.pollIntervalMs ?? 1000);
  }

  let locator: string | undefined;
  do {
    const query = new URLSearchParams({ maxRecords: String(options.maxRecords ?? 10_000) });
    if (locator) query.set('locator', locator);
    const response = await fetchBulkCsv(
      conn,
      `${base}/${created.id}/results?${query.toString()}`,
      'SALESFORCE_BULK_QUERY_FAILED',
    );
    const next = response.headers.get('sforce-locator');
    locator = next && next !== 'null' ? next : undefined;
    const rows = parse(await response.text(), { columns: true, skip_empty_lines: true }) as Record<string, string>[];
    if (rows.length > 0) yield rows;
  } while (locator);
}
