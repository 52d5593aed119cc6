/* eslint-disable @typescript-eslint/no-explicit-any -- jsforce bulk results are loose records */
import type { Connection } from 'jsforce';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../index';
import type { CommittedTransaction } from '../org-contract';
import { subscribeWithJsforce, type JsforceSubscriber } from '../streaming/testing/jsforce-subscriber';
import { connect, control, raw, startEmu } from './helpers';

const V = '/services/data/v62.0';
let emu: RunningEmulator;
let conn: Connection;
const commits: CommittedTransaction[] = [];
const subscribers: JsforceSubscriber[] = [];

beforeAll(async () => {
  // Default long poll: a short one lets the in-process Faye client time out while a 10,000-row chunk commits.
  emu = await startEmu({ seed: 'demo' });
  conn = connect(emu);
  conn.bulk2.pollInterval = 100;
  emu.context.events.onCommit((tx) => commits.push(tx));
});
afterAll(async () => {
  await emu?.stop();
});
afterEach(() => {
  for (const s of subscribers.splice(0)) s.disconnect();
});

async function bulkQuery(c: Connection, soql: string): Promise<Record<string, string>[]> {
  const stream = await c.bulk2.query(soql);
  return new Promise((resolve, reject) => {
    const out: Record<string, string>[] = [];
    stream.on('record', (r: Record<string, string>) => out.push(r));
    stream.on('error', reject);
    stream.on('end', () => resolve(out));
  });
}

async function waitForState(path: string, states: string[]): Promise<any> {
  for (let i = 0; i < 100; i++) {
    const r = await raw(emu, 'GET', path);
    if (states.includes(r.body.state)) return r.body;
    await new Promise((res) => setTimeout(res, 20));
  }
  throw new Error(`job at ${path} never reached ${states.join('|')}`);
}

describe('Bulk API 2.0 query', () => {
  it('conn.bulk2.query returns every record with relationship columns; empty value = null', async () => {
    const rest = await conn.query<{ Id: string; Account: { Website: string | null } | null }>(
      'SELECT Id, LastName, Account.Website FROM Contact',
      { autoFetch: true, maxFetch: 100_000 } as any,
    );
    const records = await bulkQuery(conn, 'SELECT Id, LastName, Account.Website FROM Contact');
    expect(records.length).toBe(rest.totalSize);
    expect(Object.keys(records[0]!)).toEqual(['Id', 'LastName', 'Account.Website']);
    const byId = new Map(rest.records.map((r) => [r.Id, r]));
    for (const r of records) {
      const website = byId.get(r.Id!)?.Account?.Website ?? null;
      expect(r['Account.Website'] === '' ? null : r['Account.Website']).toBe(website);
    }
  });

  it('job states, results pages with Sforce-Locator / Sforce-NumberOfRecords, "null" on the last page', async () => {
    const created = await raw(emu, 'POST', `${V}/jobs/query`, {
      operation: 'query',
      query: 'SELECT Id, Name FROM Account ORDER BY Name',
    });
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      operation: 'query',
      object: 'Account',
      state: 'UploadComplete',
      contentType: 'CSV',
    });
    expect(created.body.id).toMatch(/^750/);
    const done = await waitForState(`${V}/jobs/query/${created.body.id}`, ['JobComplete']);
    const total = (await conn.query('SELECT COUNT() FROM Account')).totalSize;
    expect(done.numberRecordsProcessed).toBe(total);
    expect(total).toBeGreaterThan(7);
    let locator: string | null = null;
    const ids: string[] = [];
    let pages = 0;
    do {
      const q: string = `maxRecords=3${locator ? `&locator=${locator}` : ''}`;
      const page = await raw(emu, 'GET', `${V}/jobs/query/${created.body.id}/results?${q}`);
      expect(page.status).toBe(200);
      expect(page.headers.get('content-type')).toMatch(/^text\/csv/);
      const lines = (page.body as string).trimEnd().split('\n');
      expect(lines[0]).toBe('"Id","Name"');
      expect(Number(page.headers.get('sforce-numberofrecords'))).toBe(lines.length - 1);
      ids.push(...lines.slice(1).map((l) => l.slice(1, 19)));
      locator = page.headers.get('sforce-locator');
      pages += 1;
    } while (locator !== 'null');
    expect(pages).toBe(Math.ceil(total / 3));
    expect(new Set(ids).size).toBe(total);
    expect((await raw(emu, 'DELETE', `${V}/jobs/query/${created.body.id}`)).status).toBe(204);
    expect((await raw(emu, 'GET', `${V}/jobs/query/${created.body.id}`)).status).toBe(404);
  });

  it('refuses what Bulk 2.0 query does not support; aborts; counts each call', async () => {
    const agg = await raw(emu, 'POST', `${V}/jobs/query`, { operation: 'query', query: 'SELECT COUNT() FROM Contact' });
    expect(agg.status).toBe(400);
    expect(agg.body[0]).toMatchObject({ errorCode: 'INVALIDJOB' });
    const bad = await raw(emu, 'POST', `${V}/jobs/query`, { operation: 'query', query: 'SELECT Nope__x FROM Contact' });
    expect(bad.status).toBe(400);
    expect(bad.body[0].errorCode).toBe('INVALID_FIELD');
    await control(emu, '/counters', undefined, 'DELETE');
    const job = await raw(emu, 'POST', `${V}/jobs/query`, { operation: 'queryAll', query: 'SELECT Id FROM Lead' });
    const aborted = await raw(emu, 'PATCH', `${V}/jobs/query/${job.body.id}`, { state: 'Aborted' });
    // The job may already have finished (it runs 20 ms after create): then aborting is refused.
    if (aborted.status === 200) expect(aborted.body.state).toBe('Aborted');
    else expect(aborted.body[0].errorCode).toBe('INVALIDJOBSTATE');
    const counters = await control(emu, '/counters', undefined, 'GET');
    expect(counters.byRoute.bulk2).toBe(2);
  });
});

describe('Bulk API 2.0 ingest', () => {
  it('insert, update and upsert through loadAndWaitForResults; per-row failures; one commit per chunk', async () => {
    const inserted = await conn.bulk2.loadAndWaitForResults({
      object: 'Contact',
      operation: 'insert',
      input: [
        { FirstName: 'B', LastName: 'Bulk1', Email: 'bulk1@example.com' },
        { FirstName: 'B', LastName: 'Bulk2', Email: 'bulk2@example.com' },
        { FirstName: 'NoLastName', LastName: null, Email: 'bulk3@example.com' },
        { FirstName: 'B', LastName: 'Bulk4', Email: 'not-an-email' },
      ],
    });
    expect(inserted.successfulResults).toHaveLength(2);
    expect(inserted.successfulResults[0]).toMatchObject({ sf__Created: 'true', LastName: 'Bulk1' });
    expect(inserted.failedResults).toHaveLength(2);
    const errors = inserted.failedResults.map((r: any) => r.sf__Error as string);
    expect(errors[0]).toBe('REQUIRED_FIELD_MISSING:Required fields are missing: [LastName]:LastName --');
    expect(errors[1]).toMatch(/^INVALID_EMAIL_ADDRESS:Email: invalid email address: not-an-email:Email --$/);
    expect(inserted.failedResults[0]).toMatchObject({ sf__Id: '', FirstName: 'NoLastName' });
    expect(inserted.unprocessedRecords).toHaveLength(0);

    const ids = inserted.successfulResults.map((r: any) => r.sf__Id as string);
    commits.length = 0;
    const updated = await conn.bulk2.loadAndWaitForResults({
      object: 'Contact',
      operation: 'update',
      input: [
        { Id: ids[0], Title: 'Bulk Title' },
        { Id: ids[1], Title: 'Bulk Title' },
        { Id: '003000000000000AAA', Title: 'Bulk Title' },
      ],
    });
    expect(updated.successfulResults.map((r: any) => r.sf__Id)).toEqual(ids);
    expect(updated.successfulResults[0]).toMatchObject({ sf__Created: 'false', Title: 'Bulk Title' });
    expect(updated.failedResults[0]?.sf__Error).toMatch(/^INVALID_CROSS_REFERENCE_KEY:/);
    expect(commits).toHaveLength(1);
    expect(commits[0]!.changeOrigin).toBe('com/salesforce/api/bulkapi/62.0');
    const rows = await conn.query<{ Title: string }>(`SELECT Title FROM Contact WHERE Id IN ('${ids.join("','")}')`);
    expect(rows.records.map((r) => r.Title)).toEqual(['Bulk Title', 'Bulk Title']);

    const key = `bulk-${Date.now()}`;
    const upserted = await conn.bulk2.loadAndWaitForResults({
      object: 'Audience_Member__c',
      operation: 'upsert',
      externalIdFieldName: 'Key__c',
      input: [{ Key__c: key, ...(await requiredMemberFields()) }],
    });
    expect(upserted.failedResults).toEqual([]);
    expect(upserted.successfulResults[0]).toMatchObject({ sf__Created: 'true' });
    const again = await conn.bulk2.loadAndWaitForResults({
      object: 'Audience_Member__c',
      operation: 'upsert',
      externalIdFieldName: 'Key__c',
      input: [{ Key__c: key.toUpperCase(), ...(await requiredMemberFields()) }],
    });
    expect(again.successfulResults[0]).toMatchObject({
      sf__Created: 'false',
      sf__Id: upserted.successfulResults[0]?.sf__Id,
    });
  });

  it('change events reach a CometD subscriber with a bulkapi changeOrigin; chunks of 10,000 rows', async () => {
    const sub = subscribeWithJsforce(emu.instanceUrl, emu.accessToken, '/data/ContactChangeEvent', -1);
    subscribers.push(sub);
    await sub.subscribed;
    const c = connect(emu);
    (c as any)._callOptions = { client: 'bulk-test' };
    c.bulk2.pollInterval = 100;
    commits.length = 0;
    const n = 10_050;
    const res = await c.bulk2.loadAndWaitForResults({
      object: 'Contact',
      operation: 'insert',
      input: Array.from({ length: n }, (_, i) => ({ LastName: `Chunk${i}`, Department: 'Chunked' })),
      pollTimeout: 60_000,
    });
    expect(res.successfulResults).toHaveLength(n);
    expect(commits.map((t) => t.changes.length)).toEqual([10_000, 50]);
    expect(commits[0]!.changeOrigin).toBe('com/salesforce/api/bulkapi/62.0;client=bulk-test');
    const events = await sub.waitFor(n, 20_000);
    const header = events[0]!.payload.ChangeEventHeader as any;
    expect(header).toMatchObject({
      changeType: 'CREATE',
      entityName: 'Contact',
      changeOrigin: 'com/salesforce/api/bulkapi/62.0;client=bulk-test',
    });
    const info = await raw(emu, 'GET', `${V}/jobs/ingest`);
    expect(info.body.records.length).toBeGreaterThan(0);
  }, 60_000);

  it('raw job flow: Open → upload → UploadComplete → JobComplete; a bad header fails the job; abort leaves rows unprocessed', async () => {
    const job = await raw(emu, 'POST', `${V}/jobs/ingest`, { object: 'Lead', operation: 'insert', lineEnding: 'LF' });
    expect(job.body).toMatchObject({ state: 'Open', object: 'Lead', operation: 'insert', contentType: 'CSV' });
    expect(job.body.contentUrl).toBe(`services/data/v62.0/jobs/ingest/${job.body.id}/batches`);
    const put = await raw(emu, 'PUT', `${V}/jobs/ingest/${job.body.id}/batches`, 'LastName,Company\nRaw,Acme\n', {
      'content-type': 'text/csv',
    });
    expect(put.status).toBe(201);
    await raw(emu, 'PATCH', `${V}/jobs/ingest/${job.body.id}`, { state: 'UploadComplete' });
    const done = await waitForState(`${V}/jobs/ingest/${job.body.id}`, ['JobComplete', 'Failed']);
    expect(done).toMatchObject({ state: 'JobComplete', numberRecordsProcessed: 1, numberRecordsFailed: 0 });

    const bad = await raw(emu, 'POST', `${V}/jobs/ingest`, { object: 'Lead', operation: 'insert' });
    await raw(emu, 'PUT', `${V}/jobs/ingest/${bad.body.id}/batches`, 'LastName,Nope__c\nX,Y\n', {
      'content-type': 'text/csv',
    });
    await raw(emu, 'PATCH', `${V}/jobs/ingest/${bad.body.id}`, { state: 'UploadComplete' });
    const failed = await waitForState(`${V}/jobs/ingest/${bad.body.id}`, ['JobComplete', 'Failed']);
    expect(failed).toMatchObject({ state: 'Failed', errorMessage: 'InvalidBatch : Field name not found : Nope__c' });

    const ab = await raw(emu, 'POST', `${V}/jobs/ingest`, { object: 'Lead', operation: 'insert' });
    await raw(emu, 'PUT', `${V}/jobs/ingest/${ab.body.id}/batches`, 'LastName,Company\nA,B\nC,D\n', {
      'content-type': 'text/csv',
    });
    const aborted = await raw(emu, 'PATCH', `${V}/jobs/ingest/${ab.body.id}`, { state: 'Aborted' });
    expect(aborted.body.state).toBe('Aborted');
    const unprocessed = await raw(emu, 'GET', `${V}/jobs/ingest/${ab.body.id}/unprocessedrecords/`);
    expect(unprocessed.body).toBe('"LastName","Company"\n"A","B"\n"C","D"\n');
    const noUpsertKey = await raw(emu, 'POST', `${V}/jobs/ingest`, { object: 'Contact', operation: 'upsert' });
    expect(noUpsertKey.status).toBe(400);
  });
});

async function requiredMemberFields(): Promise<Record<string, string>> {
  const d = await conn.sobject('Audience_Member__c').describe();
  const out: Record<string, string> = {};
  for (const f of d.fields) {
    if (f.createable && !f.nillable && !f.defaultedOnCreate && f.type !== 'boolean' && f.name !== 'Key__c') {
      if (f.type === 'reference') {
        const target = f.referenceTo?.[0];
        const r = await conn.query<{ Id: string }>(`SELECT Id FROM ${target} LIMIT 1`);
        out[f.name] = r.records[0]?.Id ?? (await conn.sobject(target!).create({ Name: 'Bulk master' })).id!;
      } else if (f.type === 'picklist') out[f.name] = f.picklistValues?.[0]?.value ?? 'x';
      else out[f.name] = 'x';
    }
  }
  return out;
}
