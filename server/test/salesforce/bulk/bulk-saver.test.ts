/**
 * The Bulk saver against the emulator, through jsforce over HTTP: large batches become Bulk API 2.0 ingest jobs,
 * each row's result comes back as the outcome the Collections client would give (so the ledger and the tallies
 * read it unchanged), locked rows are saved again through Collections, and small batches never open a job.
 */
import type { Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSalesforceEmulator, type RunningEmulator } from '../../../../test/emulators/salesforce';
import { connectSalesforce } from '../../../src/salesforce/auth/connection-factory';
import { BulkSaver } from '../../../src/salesforce/bulk/bulk-saver';
import { OrgClient } from '../../../src/salesforce/org-client';
import { CollectionsClient } from '../../../src/salesforce/writers/collections-client';
import type { SaveOperation, SaveRow } from '../../../src/salesforce/writers/write-types';

let emulator: RunningEmulator;
let conn: Connection;
let org: OrgClient;
let contactIds: string[];

beforeAll(async () => {
  emulator = await startSalesforceEmulator({ seed: 60 });
  conn = await connectSalesforce({
    mode: 'client_credentials',
    apiVersion: '62.0',
    loginUrl: emulator.loginUrl,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
  });
  org = new OrgClient(conn);
  const rows = await conn.query<{ Id: string }>('SELECT Id FROM Contact ORDER BY Id LIMIT 60');
  contactIds = rows.records.map((r) => r.Id);
});

afterAll(async () => {
  await emulator?.stop();
});

beforeEach(async () => {
  await control('/faults', null, 'DELETE');
  await control('/counters/reset', {});
});

async function control(path: string, body: unknown, method = 'POST'): Promise<unknown> {
  const response = await fetch(`${emulator.instanceUrl}/__emulator${path}`, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body !== null && { body: JSON.stringify(body) }),
  });
  if (!response.ok) throw new Error(`control ${path}: ${response.status} ${await response.text()}`);
  return response.json();
}

async function callsByRoute(): Promise<Record<string, number>> {
  return ((await control('/counters', null, 'GET')) as { byRoute: Record<string, number> }).byRoute;
}

async function ingestJobs(): Promise<{ id: string; operation: string; object: string }[]> {
  const list = await conn.request<{ records: { id: string; operation: string; object: string }[] }>(
    `/services/data/v62.0/jobs/ingest`,
  );
  return list.records;
}

function saver(minRowsPerJob = 10, readIds = false): BulkSaver {
  const collections = new CollectionsClient(org, { baseBackoffMs: 1 });
  return new BulkSaver(org, collections, { minRowsPerJob, job: { pollStartMs: 20, pollMaxMs: 200, readIds } });
}

const updates = (ids: string[], fields: (id: string, i: number) => Record<string, unknown>): SaveRow[] =>
  ids.map((id, i) => ({ object: 'Contact', id, fields: fields(id, i) }));

async function contacts(ids: string[]) {
  const soql = `SELECT Id, Title, Email, Department FROM Contact WHERE Id IN ('${ids.join("','")}')`;
  const rows = (
    await conn.query<{ Id: string; Title: string | null; Email: string | null; Department: string | null }>(soql)
  ).records;
  return new Map(rows.map((r) => [r.Id, r]));
}

describe('BulkSaver', () => {
  it('when a batch reaches the job size, then one ingest job saves it and every row gets its outcome in order', async () => {
    const ids = contactIds.slice(0, 30);
    const before = (await ingestJobs()).length;
    const bulk = saver();
    const outcomes = await bulk.save(
      'update',
      updates(ids, (_id, i) => ({ Title: `Bulk title ${i}`, Department: i % 2 ? null : 'Ops, "North"\nfloor 2' })),
    );
    expect(outcomes.map((o) => o.ok)).toEqual(ids.map(() => true));
    expect(outcomes.map((o) => o.id)).toEqual(ids);
    const routes = await callsByRoute();
    expect(routes.composite ?? 0).toBe(0);
    expect(routes.collections ?? 0).toBe(0);
    // The job list read before, then create, upload, close and the polls: no result file when no row failed.
    expect(routes.bulk2).toBe(1 + bulk.stats.jobCalls);
    expect(bulk.stats.jobCalls).toBeGreaterThanOrEqual(4);
    const jobs = await ingestJobs();
    expect(jobs.length - before).toBe(1);
    expect(jobs.at(-1)).toMatchObject({ operation: 'update', object: 'Contact' });
    expect(bulk.stats).toMatchObject({ jobs: 1, rowsByBulk: 30, rowsByCollections: 0, retriedThroughCollections: 0 });
    const saved = await contacts(ids);
    ids.forEach((id, i) => {
      expect(saved.get(id)?.Title).toBe(`Bulk title ${i}`);
      // #N/A cleared the field; quotes, commas and line breaks survived the CSV.
      expect(saved.get(id)?.Department).toBe(i % 2 ? null : 'Ops, "North"\nfloor 2');
    });
  });

  it('when some rows fail validation, then those rows get the final error Salesforce gave and the rest are saved', async () => {
    const ids = contactIds.slice(30, 50);
    const bad = new Set([ids[3], ids[11], ids[19]]);
    const bulk = saver();
    const outcomes = await bulk.save(
      'update',
      updates(ids, (id, i) => ({
        Title: `Validated ${i}`,
        Email: bad.has(id) ? 'not-an-email' : `ok${i}@example.com`,
      })),
    );
    outcomes.forEach((outcome, i) => {
      const id = ids[i]!;
      if (!bad.has(id)) {
        expect(outcome).toEqual({ id, ok: true });
        return;
      }
      expect(outcome).toMatchObject({ id, ok: false, code: 'INVALID_EMAIL_ADDRESS', fields: ['Email'], final: true });
      expect(outcome.ok === false && outcome.message).toMatch(/invalid email address: not-an-email/);
    });
    const routes = await callsByRoute();
    expect(routes.composite ?? 0).toBe(0);
    expect(routes.collections ?? 0).toBe(0);
    const saved = await contacts(ids);
    ids.forEach((id, i) => {
      // A refused row is not written at all (its Title neither), the others are.
      expect(saved.get(id)?.Title === `Validated ${i}`).toBe(!bad.has(id));
    });
    expect(saved.get(ids[0]!)?.Email).toBe('ok0@example.com');
  });

  it('when rows meet a locked row in the job, then Collections saves them again and they succeed', async () => {
    const ids = contactIds.slice(0, 25);
    const locked = [ids[2]!, ids[7]!, ids[24]!];
    // Each of those records answers UNABLE_TO_LOCK_ROW to its next write (the job's), not to the retry.
    await control('/faults', { lockRecords: { ids: locked, times: 1 } });
    const bulk = saver();
    const outcomes = await bulk.save(
      'update',
      updates(ids, (_id, i) => ({ Title: `After lock ${i}` })),
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    expect(bulk.stats.retriedThroughCollections).toBe(3);
    const routes = await callsByRoute();
    // The job's failed rows were read back, then one Collections request saved the three.
    expect((routes.collections ?? 0) + (routes.composite ?? 0)).toBe(1);
    const saved = await contacts(locked);
    expect(locked.map((id) => saved.get(id)?.Title)).toEqual(['After lock 2', 'After lock 7', 'After lock 24']);
  });

  it('when a batch is under the job size, then it goes through Collections and opens no job', async () => {
    const ids = contactIds.slice(50, 59);
    const before = (await ingestJobs()).length;
    const bulk = saver(10);
    const outcomes = await bulk.save(
      'update',
      updates(ids, (_id, i) => ({ Title: `Small ${i}` })),
    );
    expect(outcomes.every((o) => o.ok)).toBe(true);
    const routes = await callsByRoute();
    expect(routes.bulk2 ?? 0).toBe(1); // the job list read above
    expect((await ingestJobs()).length).toBe(before);
    expect(routes.collections).toBe(1);
    expect(bulk.stats).toMatchObject({ jobs: 0, rowsByCollections: 9 });
  });

  it('upserts by external id: creates and updates, #N/A for null, created flags from successfulResults', async () => {
    const audience = await conn.sobject('Audience__c').create({
      Name: 'Bulk saver audience',
      Object__c: 'Contact',
      Filter__c: JSON.stringify({ field: 'Title', op: 'eq', value: 'x' }),
    });
    expect(audience.success).toBe(true);
    const upsert: SaveOperation = { upsert: { object: 'Audience_Member__c', externalIdField: 'Key__c' } };
    const ids = contactIds.slice(0, 12);
    const entry = (id: string): SaveRow => ({
      object: 'Audience_Member__c',
      fields: {
        Key__c: `${audience.id}:${id}:1`,
        Audience__c: audience.id,
        Record_Id__c: id,
        Contact__c: id,
        Entered_At__c: '2026-12-06T10:00:00.000Z',
        Exited_At__c: null,
        Is_Active__c: true,
      },
    });
    const bulk = saver(10, true);
    const first = await bulk.save(upsert, ids.map(entry));
    expect(first.map((o) => o.ok && o.created)).toEqual(ids.map(() => true));
    // Half of them leave: only the exit fields are sent, the others stay as they are.
    const exits: SaveRow[] = ids.slice(0, 6).map((id) => ({
      object: 'Audience_Member__c',
      fields: { Key__c: `${audience.id}:${id}:1`, Exited_At__c: '2026-12-06T11:00:00.000Z', Is_Active__c: false },
    }));
    const second = await bulk.save(upsert, [...exits, ...ids.slice(6).map(entry)]);
    expect(second.map((o) => o.ok && o.created)).toEqual(ids.map(() => false));
    const rows = (
      await conn.query<{
        Record_Id__c: string;
        Is_Active__c: boolean;
        Exited_At__c: string | null;
        Contact__c: string;
      }>(
        `SELECT Record_Id__c, Is_Active__c, Exited_At__c, Contact__c FROM Audience_Member__c WHERE Audience__c = '${audience.id}'`,
      )
    ).records;
    expect(rows).toHaveLength(12);
    for (const row of rows) {
      const exited = ids.slice(0, 6).includes(row.Record_Id__c);
      expect(row.Is_Active__c).toBe(!exited);
      expect(row.Exited_At__c === null).toBe(!exited);
      expect(row.Contact__c).toBe(row.Record_Id__c);
    }
    expect(bulk.stats.jobs).toBe(2);
  });
});
