/**
 * Config promotion between two emulated orgs: the setup seeded in one org (sources, audiences, field maps, a plan,
 * an action, a signal rule naming it) is exported, a dry-run import into a fresh org lists every record it would
 * create and writes nothing, the import reproduces the setup (same counts, filters, rules, lookups by name), and a
 * second dry run finds nothing left to change.
 */
import { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportConfig, importConfig, PROMOTED_OBJECTS } from '../../scripts/config-promotion';
import { OrgClient } from '../../server/src/salesforce/org-client';
import { startSalesforceEmulator, type RunningEmulator } from '../emulators/salesforce/index';
import { API_VERSION } from './support/loop-harness';

let source: RunningEmulator;
let target: RunningEmulator;

function adminOf(emulator: RunningEmulator): Connection {
  return new Connection({
    instanceUrl: emulator.instanceUrl,
    accessToken: emulator.users.find((u) => u.role === 'admin')!.accessToken,
    version: API_VERSION,
  });
}

async function create(conn: Connection, object: string, row: Record<string, unknown>): Promise<string> {
  const result = await conn.sobject(object).create(row);
  if (!result.success) throw new Error(`could not create ${object}: ${JSON.stringify(result)}`);
  return result.id;
}

async function setupOf(conn: Connection): Promise<Record<string, Record<string, unknown>[]>> {
  const out: Record<string, Record<string, unknown>[]> = {};
  out.sources = (
    await conn.query('SELECT Name, Object__c, Inclusion_Filter__c, Active__c FROM Audience_Source__c ORDER BY Name')
  ).records;
  out.audiences = (
    await conn.query('SELECT Name, Object__c, Filter__c, Active__c FROM Audience__c ORDER BY Name')
  ).records;
  out.maps = (
    await conn.query(
      'SELECT Object__c, Field__c, Attribute__c, Write_Rule__c, Mode__c FROM Audience_Field_Map__c ORDER BY Field__c',
    )
  ).records;
  out.plans = (
    await conn.query('SELECT Name, Audience__r.Name, Providers__c, Max_Credits_Per_Run__c FROM Audience_Enrichment__c')
  ).records;
  out.actions = (
    await conn.query('SELECT Name, Audience__r.Name, Type__c, Target__c, On_Exit__c FROM Audience_Action__c')
  ).records;
  out.rules = (
    await conn.query('SELECT Name, Type__c, Settings__c, Enrol_Action__r.Name FROM Audience_Signal_Rule__c')
  ).records;
  for (const rows of Object.values(out)) for (const row of rows) delete (row as { attributes?: unknown }).attributes;
  return out;
}

beforeAll(async () => {
  [source, target] = await Promise.all([
    startSalesforceEmulator({ seed: 'none', orgKey: 'promotion-sandbox' }),
    startSalesforceEmulator({ seed: 'none', orgKey: 'promotion-production' }),
  ]);
  const conn = adminOf(source);
  const filter = JSON.stringify({ all: [{ field: 'Seniority__c', op: 'in', value: ['VP', 'C-Level'] }] });
  await create(conn, 'Audience_Source__c', {
    Name: 'Reachable contacts',
    Type__c: 'Salesforce',
    Object__c: 'Contact',
    Active__c: true,
    Inclusion_Filter__c: JSON.stringify({ field: 'Email', op: 'is_not_blank' }),
  });
  const audience = await create(conn, 'Audience__c', {
    Name: 'Senior',
    Object__c: 'Contact',
    Filter__c: filter,
    Active__c: true,
  });
  for (const [field, attribute, rule, mode] of [
    ['Seniority__c', 'person.seniority', 'Tracked', 'Live'],
    ['Email_Status__c', 'person.email_status', 'Always', 'Preview'],
  ]) {
    await create(conn, 'Audience_Field_Map__c', {
      Name: field,
      Object__c: 'Contact',
      Field__c: field,
      Attribute__c: attribute,
      Write_Rule__c: rule,
      Mode__c: mode,
      Active__c: true,
    });
  }
  await create(conn, 'Audience_Enrichment__c', {
    Name: 'Work emails',
    Object__c: 'Contact',
    Audience__c: audience,
    Attributes__c: 'person.work_email',
    Providers__c: 'pdl,hunter',
    Max_Credits_Per_Run__c: 50,
    Active__c: true,
  });
  const action = await create(conn, 'Audience_Action__c', {
    Name: 'Follow up',
    Audience__c: audience,
    Type__c: 'Task',
    Target__c: 'Call',
    On_Exit__c: 'Nothing',
    Active__c: true,
  });
  await create(conn, 'Audience_Signal_Rule__c', {
    Name: 'Job changes',
    Type__c: 'Job_Change',
    Object__c: 'Contact',
    Settings__c: JSON.stringify({ audience: 'Senior' }),
    Enrol_Action__c: action,
    Active__c: true,
  });
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
