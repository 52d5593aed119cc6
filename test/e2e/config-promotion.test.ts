/**
 * Config promotion between two emulated orgs: the setup seeded in one org (sources, audiences, field maps, a plan,
 * an action, a signal rule naming it) is exported, a dry-run import into a fresh org lists every record it would
 * create and writes nothing, the import reproduces the setup (same counts, filters, rules, lookups by name), and a
 * second dry run finds nothing left to change.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportConfig, importConfig, PROMOTED_OBJECTS } from '../../scripts/config-promotion';
import { OrgClient } from '../../server/src/salesforce/org-client';
import { startSalesforceEmulator, type RunningEmulator } from '../emulators/salesforce/index';
import { adminOf, seedPromotableSetup, setupOf } from './support/promotion-setup';

let source: RunningEmulator;
let target: RunningEmulator;

beforeAll(async () => {
  [source, target] = await Promise.all([
    startSalesforceEmulator({ seed: 'none', orgKey: 'promotion-sandbox' }),
    startSalesforceEmulator({ seed: 'none', orgKey: 'promotion-production' }),
  ]);
  await seedPromotableSetup(source);
}, 60_000);

afterAll(async () => {
  await Promise.all([source?.stop(), target?.stop()]);
});

describe('config promotion', { timeout: 60_000 }, () => {
  it('export, dry-run import, import: the fresh org gets the same setup', async () => {
    const document = await exportConfig(new OrgClient(adminOf(source)));
    expect(Object.keys(document.objects).sort()).toEqual([...PROMOTED_OBJECTS].sort());
    // Through JSON, as the file would carry it.
    const carried = JSON.parse(JSON.stringify(document)) as typeof document;

    const into = new OrgClient(adminOf(target));
    const planned = await importConfig(into, carried, { dryRun: true });
    expect(planned.map((c) => `${c.action} ${c.object} ${c.key}`).sort()).toEqual(
      [
        'create Audience_Source__c Reachable contacts',
        'create Audience__c Senior',
        'create Audience_Field_Map__c Contact.Seniority__c',
        'create Audience_Field_Map__c Contact.Email_Status__c',
        'create Audience_Enrichment__c Work emails',
        'create Audience_Action__c Follow up',
        'create Audience_Signal_Rule__c Job changes',
      ].sort(),
    );
    expect((await adminOf(target).query('SELECT Id FROM Audience__c')).totalSize).toBe(0);

    await importConfig(into, carried);
    expect(await setupOf(adminOf(target))).toEqual(await setupOf(adminOf(source)));
    expect(await importConfig(into, carried, { dryRun: true })).toEqual([]);

    // A changed filter in the sandbox is one update in production.
    const sandbox = adminOf(source);
    const [senior] = (await sandbox.query<{ Id: string }>("SELECT Id FROM Audience__c WHERE Name = 'Senior'")).records;
    const newFilter = JSON.stringify({ field: 'Seniority__c', op: 'eq', value: 'C-Level' });
    await sandbox.sobject('Audience__c').update({ Id: senior!.Id, Filter__c: newFilter });
    const again = await exportConfig(new OrgClient(sandbox));
    expect(await importConfig(into, again, { dryRun: true })).toEqual([
      { object: 'Audience__c', key: 'Senior', action: 'update', fields: ['Filter__c'] },
    ]);
  });
});
