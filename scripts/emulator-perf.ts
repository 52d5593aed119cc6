/**
 * Performance figures for the Salesforce org emulator, measured through jsforce (unchanged):
 *   - records/s written through sObject Collections (create, 200 per call)
 *   - records/s read through query + queryMore (batches of 2000)
 *   - records/s through Bulk API 2.0 (query results as CSV; ingest insert)
 *   - RSS with a 100,000-contact org loaded, and the time to start it
 * Usage: node --import tsx scripts/emulator-perf.ts [--contacts 100000] [--writes 20000]
 */
import jsforce from 'jsforce';
import { startSalesforceEmulator } from '../test/emulators/salesforce/index';
import { Org } from '../test/emulators/salesforce/org/org';
import { createApi } from '../test/emulators/salesforce/rest/rest-router';
import { seedDataFor } from '../test/emulators/salesforce/seed/index';
import { readForceApp } from './lib/force-app/read-force-app';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? Number(process.argv[i + 1]) : fallback;
}

const mb = (n: number): string => `${(n / 1024 / 1024).toFixed(0)} MB`;

/** Sends 200 records per call, one call at a time (what a careful client does). */
async function chunked<T, R>(items: T[], send: (chunk: T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += 200) out.push(...(await send(items.slice(i, i + 200))));
  return out;
}

/** The same work against the REST dispatcher directly: no HTTP, no jsforce, no streaming listener. */
function coreOnly(contacts: number, writes: number): [string, string, string][] {
  const org = new Org({
    forceApp: readForceApp(),
    dailyApiLimit: 1e12,
    sessionTtlMs: 1e12,
    streaming: { maxConcurrentClients: 20, maxSelectedEntities: 5, retentionMs: 1, longPollMs: 1, clientIdleMs: 1 },
  });
  org.loadSeed(seedDataFor(String(contacts)));
  const api = createApi(org);
  const auth = org.tokens.issue(org.user('integration').id);
  const call = (method: string, path: string, query: Record<string, string>, body?: unknown) =>
    api.dispatch({ method, path, version: '62.0', query, headers: {}, body, auth });
  let t = performance.now();
  let page = call('GET', '/query', {
    q: 'SELECT Id, FirstName, LastName, Email, Department, Account.Name FROM Contact',
  });
  let n = 0;
  for (;;) {
    const b = page.body as { records: unknown[]; nextRecordsUrl?: string };
    JSON.stringify(b);
    n += b.records.length;
    if (!b.nextRecordsUrl) break;
    page = call('GET', `/query/${b.nextRecordsUrl.split('/').pop()}`, {});
  }
  const readRate = n / ((performance.now() - t) / 1000);
  t = performance.now();
  for (let i = 0; i < writes; i += 200) {
    const records = Array.from({ length: Math.min(200, writes - i) }, (_, j) => ({
      attributes: { type: 'Contact' },
      LastName: `Core${i + j}`,
      FirstName: 'Load',
      Email: `core${i + j}@example.com`,
      Department: 'Bench',
    }));
    call('POST', '/composite/sobjects', {}, { allOrNone: false, records });
  }
  const writeRate = writes / ((performance.now() - t) / 1000);
  return [
    ['core query (no HTTP)', `${n} records, rendered + JSON.stringify`, `${Math.round(readRate)} records/s`],
    ['core create (no HTTP)', `${writes} records via the collections handler`, `${Math.round(writeRate)} records/s`],
  ];
}

async function main(): Promise<void> {
  const contacts = arg('contacts', 100_000);
  const writes = arg('writes', 20_000);
  const rows: [string, string, string][] = [];

  const rssBefore = process.memoryUsage().rss;
  let t = performance.now();
  const emu = await startSalesforceEmulator({ port: 0, seed: contacts, dailyApiLimit: 10_000_000 });
  const startMs = performance.now() - t;
  (globalThis as { gc?: () => void }).gc?.();
  const rss = process.memoryUsage().rss;
  rows.push([
    'start with seed',
    `${contacts} contacts (+${contacts / 10} accounts, ${contacts / 5} leads)`,
    `${startMs.toFixed(0)} ms`,
  ]);
  rows.push(['RSS after load', `process total (before start: ${mb(rssBefore)})`, mb(rss)]);

  const conn = new jsforce.Connection({ instanceUrl: emu.instanceUrl, accessToken: emu.accessToken, version: '62.0' });

  // reads: query + queryMore
  t = performance.now();
  // page by page with queryMore (records are counted and dropped, as a streaming reader would)
  let page = await conn.query('SELECT Id, FirstName, LastName, Email, Department, Account.Name FROM Contact');
  let readCount = page.records.length;
  while (!page.done && page.nextRecordsUrl) {
    page = await conn.queryMore(page.nextRecordsUrl);
    readCount += page.records.length;
  }
  const readMs = performance.now() - t;
  rows.push([
    'query + queryMore',
    `${readCount} records, 6 fields incl. Account.Name`,
    `${Math.round(readCount / (readMs / 1000))} records/s`,
  ]);

  // writes: collections create through jsforce (200 per call)
  const batch = Array.from({ length: writes }, (_, i) => ({
    LastName: `Perf${i}`,
    FirstName: 'Load',
    Email: `perf${i}@example.com`,
    Department: 'Bench',
  }));
  t = performance.now();
  const created = await chunked(batch, (chunk) => conn.sobject('Contact').create(chunk, { allOrNone: false }));
  const writeMs = performance.now() - t;
  const ok = created.filter((r) => r.success).length;
  rows.push([
    'collections create',
    `${ok}/${writes} records, 200 per call`,
    `${Math.round(ok / (writeMs / 1000))} records/s`,
  ]);

  // updates through collections
  const ids = created.filter((r) => r.success).map((r) => (r as { id: string }).id);
  t = performance.now();
  const updated = await chunked(
    ids.map((Id) => ({ Id, Title: 'Updated' })),
    (chunk) => conn.sobject('Contact').update(chunk),
  );
  const updMs = performance.now() - t;
  rows.push([
    'collections update',
    `${updated.filter((r) => r.success).length} records`,
    `${Math.round(ids.length / (updMs / 1000))} records/s`,
  ]);

  // Bulk API 2.0: query every contact as CSV, then insert `writes` contacts through an ingest job
  conn.bulk2.pollInterval = 100;
  conn.bulk2.pollTimeout = 600_000;
  t = performance.now();
  const bulkRead = await new Promise<number>((resolve, reject) => {
    let n = 0;
    conn.bulk2.query('SELECT Id, FirstName, LastName, Email, Department, Account.Name FROM Contact').then((stream) => {
      stream.on('record', () => (n += 1));
      stream.on('error', reject);
      stream.on('end', () => resolve(n));
    }, reject);
  });
  const bulkReadMs = performance.now() - t;
  rows.push([
    'bulk2 query',
    `${bulkRead} records as CSV (job + poll + results)`,
    `${Math.round(bulkRead / (bulkReadMs / 1000))} records/s`,
  ]);
  t = performance.now();
  const ingest = await conn.bulk2.loadAndWaitForResults({
    object: 'Contact',
    operation: 'insert',
    input: batch.map((r, i) => ({ ...r, LastName: `Bulk${i}` })),
  });
  const ingestMs = performance.now() - t;
  rows.push([
    'bulk2 ingest insert',
    `${ingest.successfulResults.length}/${writes} records, chunks of 10,000`,
    `${Math.round(ingest.successfulResults.length / (ingestMs / 1000))} records/s`,
  ]);

  (globalThis as { gc?: () => void }).gc?.();
  rows.push(['RSS at end', `${contacts + 2 * writes} contacts, streaming log kept`, mb(process.memoryUsage().rss)]);
  await emu.stop();
  rows.push(...coreOnly(contacts, writes));

  const w = [20, 52, 18];
  const line = (c: string[]): string => `| ${c.map((x, i) => x.padEnd(w[i]!)).join(' | ')} |`;
  console.log(line(['measure', 'detail', 'result']));
  console.log(`|${w.map((n) => '-'.repeat(n + 2)).join('|')}|`);
  for (const r of rows) console.log(line(r));
  console.log('\ntargets: ≥ 5,000 records/s written, ≥ 20,000 records/s read, 100k records well under 500 MB');
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
