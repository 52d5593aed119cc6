/**
 * A config load reads its five objects and the record objects' describes in one Composite call, against the
 * emulator; a query longer than a page follows its `nextRecordsUrl`; a Composite request that fails as a whole
 * falls back to one call each, with the same configuration. Calls are read from the emulator's counters.
 */
import { Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSalesforceEmulator, type RunningEmulator } from '../../../test/emulators/salesforce';
import { ConfigLoader } from '../../src/config/config-loader';
import { createLogger } from '../../src/lib/logger';
import { readTogether } from '../../src/salesforce/composite-reads';
import { OrgClient } from '../../src/salesforce/org-client';
import { DescribeCache } from '../../src/salesforce/schema/describe-cache';
import { CollectionsClient } from '../../src/salesforce/writers/collections-client';

const CONTACTS = 2_500;

let emulator: RunningEmulator;
let org: OrgClient;
let loader: ConfigLoader;

function connectionAs(role: 'admin' | 'integration'): Connection {
  const user = emulator.users.find((u) => u.role === role);
  if (!user) throw new Error(`no ${role} user`);
  return new Connection({ instanceUrl: emulator.instanceUrl, accessToken: user.accessToken, version: '62.0' });
}

const calls = () => emulator.org.usage.snapshot().byRoute;

describe('config reads in one Composite call', () => {
  beforeAll(async () => {
    emulator = await startSalesforceEmulator({ seed: CONTACTS });
    const admin = connectionAs('admin');
    await admin.sobject('Audience_Source__c').create({
      Name: 'Contacts',
      Type__c: 'Salesforce',
      Object__c: 'Contact',
      Active__c: true,
    });
    await admin.sobject('Audience__c').create({
      Name: 'VPs',
      Object__c: 'Contact',
      Active__c: true,
      Filter__c: '{"field":"Title","op":"contains","value":"VP"}',
    });
    const integration = connectionAs('integration');
    org = new OrgClient(integration);
    loader = new ConfigLoader(
      org,
      new CollectionsClient(org),
      new DescribeCache(integration),
      createLogger({ level: 'silent' }),
    );
    // The first load writes the rows' Status__c; the tests below read a settled configuration.
    await loader.load();
  }, 120_000);

  afterAll(async () => {
    await emulator?.stop();
  });

  beforeEach(() => {
    emulator.org.usage.resetCounters();
    emulator.org.faults.reset();
  });

  it('when the configuration loads, then its objects and describes cost one call', async () => {
    const config = await loader.load();

    expect(config.sources.map((s) => s.object)).toEqual(['Contact']);
    expect(config.audiences.map((a) => a.name)).toEqual(['VPs']);
    expect(config.problems).toEqual([]);
    // Five queries and the describes the filters are checked against, in one request: no query, no describe alone.
    expect(calls()).toEqual({ composite: 1 });
  });

  it('when the Composite request fails, then each object is read on its own and the configuration is the same', async () => {
    emulator.org.faults.state.errorRates = [{ route: 'composite', status: 500, rate: 1 }];

    const config = await loader.load();

    expect(config.sources.map((s) => s.object)).toEqual(['Contact']);
    expect(config.audiences.map((a) => a.name)).toEqual(['VPs']);
    expect(config.problems).toEqual([]);
    expect(calls()).toMatchObject({ composite: 1, query: 5 });
    expect(calls().describe).toBeGreaterThanOrEqual(1);
  });

  it('when a query has more rows than a page, then its next pages are read too', async () => {
    const reads = await readTogether<{ Id: string }>(org, {
      queries: ['SELECT Id FROM Contact', 'SELECT Id FROM Nonexistent__c'],
      describes: ['Contact', 'Nonexistent__c'],
    });

    const [contacts, missing] = reads.queries;
    expect(contacts?.ok && new Set(contacts.rows.map((r) => r.Id)).size).toBe(CONTACTS);
    // A refused subrequest is answered as such (the caller asks again alone for the error it always had).
    expect(missing).toMatchObject({ ok: false, status: 400 });
    expect([...reads.describes.keys()]).toEqual(['Contact']);
    // The Composite call, then one more page of the 2,500 contacts.
    expect(calls()).toEqual({ composite: 1, query: 1 });
  });
});
