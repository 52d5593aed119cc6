/**
 * An import creates its run record in the same API call as it reads its first page (one Composite request), and
 * writes its final status with the source's sync stamp in one Collections request — against the emulator, calls
 * read from its counters. A refused create leaves the page; a refused query throws the error it always had; a
 * Composite request that fails as a whole never creates twice.
 */
import { Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSalesforceEmulator, type RunningEmulator } from '../../../test/emulators/salesforce';
import { createLogger } from '../../src/lib/logger';
import { RunRecorder } from '../../src/pipeline/runs/run-recorder';
import type { InsertOutcome } from '../../src/salesforce/insert-with-first-page';
import { OrgClient } from '../../src/salesforce/org-client';
import { CollectionsClient } from '../../src/salesforce/writers/collections-client';

const CONTACTS = 450;
const logger = createLogger({ level: 'silent' });

let emulator: RunningEmulator;
let org: OrgClient;
let sourceId: string;

const calls = () => emulator.org.usage.snapshot().byRoute;

async function runRows(): Promise<Record<string, unknown>[]> {
  return org.query(`SELECT Id, Status__c, Processed__c, Audience_Source__c FROM Audience_Run__c`);
}

describe('a run record created with the first page, finished with the source stamp', () => {
  beforeAll(async () => {
    emulator = await startSalesforceEmulator({ seed: CONTACTS });
    const user = emulator.users.find((u) => u.role === 'integration');
    if (!user) throw new Error('no integration user');
    org = new OrgClient(
      new Connection({ instanceUrl: emulator.instanceUrl, accessToken: user.accessToken, version: '62.0' }),
    );
    sourceId = await org.insert('Audience_Source__c', {
      Name: 'Contacts',
      Type__c: 'Salesforce',
      Object__c: 'Contact',
      Active__c: true,
    });
  }, 120_000);

  afterAll(async () => {
    await emulator?.stop();
  });

  beforeEach(async () => {
    emulator.org.faults.reset();
    for (const row of await runRows()) await org.delete('Audience_Run__c', String(row.Id));
    emulator.org.usage.resetCounters();
  });

  it('when an import starts, then its run record and first page cost one call', async () => {
    const run = RunRecorder.unstarted(org, logger, { type: 'Import', sourceId }, 5_000);

    // 200 is the smallest page Salesforce gives (Sforce-Query-Options batchSize), sent in the subrequest's headers.
    const page = await org.firstPage<{ Id: string }>('SELECT Id FROM Contact', 200, run.alongside());

    expect(page.totalSize).toBe(CONTACTS);
    expect(page.records).toHaveLength(200);
    expect(page.done).toBe(false);
    expect(run.id).toMatch(/^a/);
    expect(calls()).toEqual({ composite: 1 });
    expect(await runRows()).toEqual([expect.objectContaining({ Id: run.id, Status__c: 'Running' })]);
    // The create was sent: a later `create` (an import's failure path) sends nothing.
    await run.create();
    expect(run.alongside()).toBeUndefined();
    expect(await runRows()).toHaveLength(1);
  });

  it('when the run finishes, then its status and the source stamp are one request', async () => {
    const run = await RunRecorder.start(org, logger, { type: 'Import', sourceId }, 5_000);
    emulator.org.usage.resetCounters();
    const at = '2026-12-06T23:00:00.000Z';

    const [stamp] = await RunRecorder.unstarted(org, logger, { type: 'Import' }).finish('Succeeded', undefined, 'x');
    expect(stamp).toBeUndefined();
    expect(calls()).toEqual({});

    const withCollections = RunRecorder.unstarted(
      org,
      logger,
      { type: 'Import', sourceId },
      5_000,
      new CollectionsClient(org),
    );
    await withCollections.create();
    emulator.org.usage.resetCounters();
    const outcomes = await withCollections.finish(
      'Succeeded',
      { processed: CONTACTS, succeeded: CONTACTS, failed: 0, skipped: 0 },
      'imported',
      [{ object: 'Audience_Source__c', id: sourceId, fields: { Last_Full_Sync_At__c: at } }],
    );

    expect(outcomes).toEqual([expect.objectContaining({ ok: true })]);
    expect(Object.values(calls()).reduce((a, b) => a + b, 0)).toBe(1);
    const [source] = await org.query<{ Last_Full_Sync_At__c: string }>(
      `SELECT Last_Full_Sync_At__c FROM Audience_Source__c WHERE Id = '${sourceId}'`,
    );
    expect(Date.parse(source?.Last_Full_Sync_At__c ?? '')).toBe(Date.parse(at));
    const rows = await runRows();
    expect(rows.find((r) => r.Id === withCollections.id)).toMatchObject({
      Status__c: 'Succeeded',
      Processed__c: CONTACTS,
    });
    // A run finished without others writes itself alone, as before.
    expect(rows.find((r) => r.Id === run.id)).toMatchObject({ Status__c: 'Running' });
  });

  it('when Salesforce refuses the create, then the page is still read and the refusal reported', async () => {
    const outcomes: InsertOutcome[] = [];

    const page = await org.firstPage<{ Id: string }>('SELECT Id FROM Contact', 2000, {
      object: 'Audience_Run__c',
      fields: { No_Such_Field__c: 1 },
      onCreated: (outcome) => outcomes.push(outcome),
    });

    expect(page.records).toHaveLength(CONTACTS);
    expect(outcomes).toHaveLength(1);
    expect(outcomes[0]?.ok).toBe(false);
    expect(String(!outcomes[0]?.ok && outcomes[0]?.error.message)).toContain('No_Such_Field__c');
    expect(calls()).toEqual({ composite: 1 });
  });

  it('when Salesforce refuses the query, then the run is created and the error is the one a query alone gives', async () => {
    const alone = await org.firstPage('SELECT Nope__c FROM Contact', 10).then(
      () => undefined,
      (error: { errorCode?: string }) => error.errorCode,
    );
    expect(alone).toBeDefined();
    const run = RunRecorder.unstarted(org, logger, { type: 'Import', sourceId }, 5_000);

    const together = await org.firstPage('SELECT Nope__c FROM Contact', 10, run.alongside()).then(
      () => undefined,
      (error: { errorCode?: string }) => error.errorCode,
    );

    expect(together).toBe(alone);
    expect(run.id).toBeDefined();
    expect(await runRows()).toHaveLength(1);
  });

  it('when the Composite request fails as a whole, then the page is read alone and no record is created twice', async () => {
    emulator.org.faults.state.errorRates = [{ route: 'composite', status: 500, rate: 1 }];
    const run = RunRecorder.unstarted(org, logger, { type: 'Import', sourceId }, 5_000);

    const page = await org.firstPage<{ Id: string }>('SELECT Id FROM Contact', 2000, run.alongside());

    expect(page.records).toHaveLength(CONTACTS);
    // Whether the create happened is unknown after a failed request: it is not sent again (the run goes on without).
    expect(run.id).toBeUndefined();
    await run.create();
    expect(calls()).toEqual({ composite: 1, query: 1 });
    expect(await runRows()).toHaveLength(0);
  });
});
