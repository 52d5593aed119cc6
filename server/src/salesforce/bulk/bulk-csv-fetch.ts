import type { Connection } from 'jsforce';
import { UnavailableError } from '../../lib/errors';

/**
 * GETs a Bulk API 2.0 CSV resource (query results pages, ingest results) with the connection's token. jsforce's
 * `request` would parse the CSV itself, so the text is fetched directly; a 401 (expired session) is answered by a
 * jsforce call that renews the token (its refresh function), then one more try. `errorCode` names the failure.
 */
export async function fetchBulkCsv(conn: Connection, path: string, errorCode: string): Promise<Response> {
  for (let attempt = 1; ; attempt += 1) {
    const response = await fetch(`${conn.instanceUrl}${path}`, {
      headers: { Authorization: `Bearer ${conn.accessToken ?? ''}`, Accept: 'text/csv' },
    });
    if (response.ok) return response;
    const body = await response.text();
    if (response.status === 401 && attempt === 1) {
      await conn.request(`/services/data/v${conn.version}/limits`);
      continue;
    }
    throw new UnavailableError(
      errorCode,
      `Bulk API 2.0 ${path.split('?')[0]} answered HTTP ${response.status}: ${body.slice(0, 300)}`,
    );
  }
}
