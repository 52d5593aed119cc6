/** A promotable setup seeded in an emulated org, and the same setup read back for comparison. */
import { Connection } from 'jsforce';
import type { RunningEmulator } from '../../emulators/salesforce/index';
import { API_VERSION } from './loop-harness';

export function adminOf(emulator: RunningEmulator): Connection {
  return new Connection({
    instanceUrl: emulator.instanceUrl,
    accessToken: emulator.users.find((u) => u.role === 'admin')!.accessToken,
    version: API_VERSION,
  });
}

export async function create(conn: Connection, object: string, row: Record<string, unknown>): Promise<string> {
  const result = await conn.sobject(object).create(row);
  if (!result.success) throw new Error(`could not create ${object}: ${JSON.stringify(result)}`);
  return result.id;
}

export async function setupOf(conn: Connection): Promise<Record<string, Record<string, unknown>[]>> {
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

/** Sources, an audience, two field maps (one Preview), a plan, an action and a signal rule naming it. */
export async function seedPromotableSetup(source: RunningEmulator): Promise<void> {
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
}
