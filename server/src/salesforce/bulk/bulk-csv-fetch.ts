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

/**
 * PUTs an ingest job's CSV (`BULK:upload-job-data`), streamed slice by slice as `slices()` encodes it (chunked
 * transfer encoding), with the connection's token and call options: neither jsforce's `request` (which copies a
 * large body several times over) nor a whole-body fetch (which copies it once more) holds the full CSV. A 401
 * renews the token once and encodes the CSV again.
 */
export async function putBulkCsv(
  conn: Connection,
  path: string,
  slices: () => Iterable<Uint8Array>,
  callOptions: string,
): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const response = await fetch(`${conn.instanceUrl}${path}`, {
      method: 'PUT',
      headers: {
        Authorization: `Bearer ${conn.accessToken ?? ''}`,
        'Content-Type': 'text/csv',
        'Sforce-Call-Options': callOptions,
      },
      body: streamOf(slices()),
      // A streamed request body (Node's fetch asks for it to be said).
      duplex: 'half',
      // Without these two, fetch clones the request for a possible redirect and tees its body: the branch it never
      // reads keeps every slice, the whole CSV (13 MB per job of 15,000 rows, issue 19's heap snapshot).
      redirect: 'error',
      window: null,
    } as RequestInit);
    const body = await response.text();
    if (response.ok) return;
    if (response.status === 401 && attempt === 1) {
      await conn.request(`/services/data/v${conn.version}/limits`);
      continue;
    }
    throw new UnavailableError(
      'SALESFORCE_BULK_INGEST_FAILED',
      `Bulk API 2.0 upload to ${path} answered HTTP ${response.status}: ${body.slice(0, 300)}`,
    );
  }
}

/** A byte stream that encodes the next slice only when the socket has taken the previous one (pull). */
function streamOf(slices: Iterable<Uint8Array>): ReadableStream<Uint8Array> {
  const iterator = slices[Symbol.iterator]();
  return new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        const next = iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
    },
    { highWaterMark: 0 },
  );
}
