/**
 * The preview's stand-ins for the setup tab's new Apex (AudienceSetupPlanController, AudienceSetupSignalController,
 * AudienceSetupActionController) against the Salesforce emulator over REST, as the signed-in user: admin-only saves,
 * bulk saves that keep the good rows and give each bad one its reason, the server's own settings and plan checks,
 * and the ESTIMATE_RUN / RUN_ENRICHMENT commands of an active plan. What was stored is read back through REST.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesforceEmulator } from '@audience-loop/salesforce-emulator';
import type { PlatformEventPublished } from '../emulators/salesforce/org-contract';
import { readCustomLabels } from '../../preview/build/custom-labels';
import { DEFAULT_FORCE_APP_ROOT } from '../../preview/build/preview-bundle';
import { APEX_STANDINS, ApexStandinError, type StandinContext } from '../../preview/server/apex-standins/index';
import type { RowResult } from '../../preview/server/apex-standins/setup-row-save';
import { OrgRest } from '../../preview/server/org-rest';

type Emulator = Awaited<ReturnType<typeof startSalesforceEmulator>>;
let emu: Emulator;
let admin: StandinContext;
let rep: StandinContext;
const published: PlatformEventPublished[] = [];
const labels = readCustomLabels(DEFAULT_FORCE_APP_ROOT);

function contextFor(role: 'admin' | 'rep'): StandinContext {
  const user = emu.users.find((u) => u.role === role)!;
  const session = { instanceUrl: emu.instanceUrl, accessToken: user.accessToken, apiVersion: '62.0', userId: user.id };
  return { org: new OrgRest(session), userId: user.id, labels };
}

function call<T>(name: string, params: unknown, context: StandinContext): Promise<T> {
  const standin = APEX_STANDINS.get(name);
  if (!standin) throw new Error(`no stand-in ${name}`);
  return standin(params, context) as Promise<T>;
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApexStandinError) return error.message;
    throw error;
  }
  throw new Error('expected a refusal');
}

beforeAll(async () => {
  emu = await startSalesforceEmulator({ seed: 'demo', pubSub: false });
  emu.context.events.onPlatformEvent((event) => published.push(event));
  admin = contextFor('admin');
  rep = contextFor('rep');
  // What an org admin does once: the permission set exists and the admin holds it.
  const permissionSetId = await admin.org.create('PermissionSet', { Name: 'Audience_Admin', Label: 'Audience Admin' });
  await admin.org.create('PermissionSetAssignment', { AssigneeId: admin.userId, PermissionSetId: permissionSetId });
});

afterAll(async () => {
  await emu?.stop();
});

describe('setup stand-ins: admin only', () => {
  it('when a rep saves or runs, then the admin-only message comes back and nothing is written', async () => {
    const message = labels.get('Audience_Setup_Admin_Only')!;
    expect(message).toContain('Audience Admin');
    const row = { Name: 'Rep plan', Object__c: 'Contact', Attributes__c: 'person.title', Providers__c: 'offline' };
    expect(await refusal(call('AudienceSetupPlanController.savePlans', { rows: [row] }, rep))).toBe(message);
    expect(await refusal(call('AudienceSetupSignalController.saveSignalRules', { rows: [] }, rep))).toBe(message);
    expect(await refusal(call('AudienceSetupActionController.saveActions', { rows: [] }, rep))).toBe(message);
    expect(await admin.org.query("SELECT Id FROM Audience_Enrichment__c WHERE Name = 'Rep plan'")).toHaveLength(0);
  });
});

describe('setup stand-ins: enrichment plans', () => {
  let audienceId = '';
  let planId = '';

  beforeAll(async () => {
    audienceId = await admin.org.create('Audience__c', {
      Name: 'Plan audience',
      Object__c: 'Contact',
      Filter__c: '{"all":[]}',
      Active__c: true,
    });
  });

  it('when three plans are saved at once, then the good one is stored and each bad one says why', async () => {
    const results = await call<RowResult[]>(
      'AudienceSetupPlanController.savePlans',
      {
        rows: [
          {
            Name: 'Work emails',
            Object__c: 'Contact',
            Audience__c: audienceId,
            Attributes__c: 'person.work_email,person.title',
            Providers__c: 'hunter,pdl,offline',
            Schedule__c: '0 2 * * 1-5',
            Time_Zone__c: 'Europe/Paris',
            Max_Credits_Per_Run__c: 500,
            Active__c: true,
          },
          { Name: 'Bad', Object__c: 'Contact', Attributes__c: 'person.shoe_size', Providers__c: 'offline' },
          {
            Name: 'Nightly',
            Object__c: 'Lead',
            Attributes__c: 'person.title',
            Providers__c: 'pdl',
            Schedule__c: '0 2 * *',
            Time_Zone__c: 'Mars/Olympus',
          },
        ],
      },
      admin,
    );
    expect(results.map((r) => r.success)).toEqual([true, false, false]);
    expect(results[1]!.message).toContain('unknown attribute person.shoe_size');
    expect(results[2]!.message).toContain('unknown time zone Mars/Olympus');
    expect(results[2]!.message).toContain('must be a 5-field cron expression');
    expect(results[2]!.message).toContain('a scheduled plan needs an audience');
    planId = results[0]!.id!;
    const plans = await call<{ id: string; name: string; providers: string[]; audienceName: string }[]>(
      'AudienceSetupPlanController.getPlans',
      {},
      admin,
    );
    expect(plans.map((p) => p.name)).toEqual(['Work emails']);
    expect(plans[0]).toMatchObject({ providers: ['hunter', 'pdl', 'offline'], audienceName: 'Plan audience' });
  });

  it('when only the provider order is edited, then the plan is checked as stored + edit and saved', async () => {
    const [result] = await call<RowResult[]>(
      'AudienceSetupPlanController.savePlans',
      { rows: [{ Id: planId, Providers__c: 'offline,hunter,pdl' }] },
      admin,
    );
    expect(result).toMatchObject({ success: true });
    const [stored] = await admin.org.query(
      `SELECT Providers__c, Attributes__c FROM Audience_Enrichment__c WHERE Id = '${planId}'`,
    );
    expect(stored).toMatchObject({
      Providers__c: 'offline,hunter,pdl',
      Attributes__c: 'person.work_email,person.title',
    });
  });

  it('when the admin asks for an estimate and a run, then ESTIMATE_RUN and RUN_ENRICHMENT name the plan', async () => {
    const before = published.length;
    await call('AudienceSetupPlanController.estimatePlan', { planId }, admin);
    await call('AudienceSetupPlanController.runPlan', { planId }, admin);
    const commands = published
      .slice(before)
      .filter((e) => e.eventName === 'Audience_Command__e')
      .map((e) => [e.payload.Command__c, String(e.payload.Target_Id__c).slice(0, 15)]);
    expect(commands).toEqual([
      ['ESTIMATE_RUN', planId.slice(0, 15)],
      ['RUN_ENRICHMENT', planId.slice(0, 15)],
    ]);
  });

  it('when the plan is inactive, then Run now is refused with the reason', async () => {
    await admin.org.update('Audience_Enrichment__c', planId, { Active__c: false });
    expect(await refusal(call('AudienceSetupPlanController.runPlan', { planId }, admin))).toBe(
      labels.get('Audience_Setup_Plan_Inactive'),
    );
  });
});

describe('setup stand-ins: signal rules', () => {
  it('when rules are saved at once, then settings are checked by type and a channel name is refused', async () => {
    const results = await call<RowResult[]>(
      'AudienceSetupSignalController.saveSignalRules',
      {
        rows: [
          {
            Name: 'Hot scores',
            Type__c: 'Field_Threshold',
            Object__c: 'Contact',
            Settings__c: '{"field":"Score__c","op":"gte","value":80}',
            Slack_Channel__c: 'C0123456789',
            Notify_Owner__c: true,
          },
          {
            Name: 'Bad op',
            Type__c: 'Field_Threshold',
            Object__c: 'Contact',
            Settings__c: '{"field":"X","op":"above","value":1}',
          },
          { Name: 'Funding', Type__c: 'Funding_Round', Object__c: 'Account', Slack_Channel__c: '#funding' },
          { Name: 'Too often', Type__c: 'Job_Change', Object__c: 'Contact', Settings__c: '{"cadenceDays":120}' },
        ],
      },
      admin,
    );
    expect(results.map((r) => r.success)).toEqual([true, false, false, false]);
    expect(results[1]!.message).toMatch(/^Settings__c\.op: /);
    expect(results[2]!.message).toMatch(/^Slack_Channel__c must be a channel id/);
    expect(results[3]!.message).toMatch(/^Settings__c\.cadenceDays: /);
    const rules = await call<{ name: string; slackChannel: string; notifyOwner: boolean }[]>(
      'AudienceSetupSignalController.getSignalRules',
      {},
      admin,
    );
    expect(rules).toEqual([
      expect.objectContaining({ name: 'Hot scores', slackChannel: 'C0123456789', notifyOwner: true }),
    ]);
  });
});

describe('setup stand-ins: actions', () => {
  it('when actions are saved at once, then type vs object, target and settings are checked per row', async () => {
    const contacts = await admin.org.create('Audience__c', {
      Name: 'Action contacts',
      Object__c: 'Contact',
      Filter__c: '{"all":[]}',
    });
    const accounts = await admin.org.create('Audience__c', {
      Name: 'Action accounts',
      Object__c: 'Account',
      Filter__c: '{"all":[]}',
    });
    const results = await call<RowResult[]>(
      'AudienceSetupActionController.saveActions',
      {
        rows: [
          {
            Name: 'Welcome task',
            Audience__c: contacts,
            Type__c: 'Task',
            On_Exit__c: 'Remove',
            Active__c: true,
            Settings__c: '{"steps":[{"dayOffset":0,"subject":"Call {FirstName}","type":"Call"}]}',
          },
          { Name: 'Campaign', Audience__c: accounts, Type__c: 'Campaign', Target__c: '701000000000001AAA' },
          { Name: 'Ping', Audience__c: contacts, Type__c: 'Slack_Message', Settings__c: '{"text":"hi"}' },
          { Name: 'No steps', Audience__c: contacts, Type__c: 'Task', Settings__c: '{"steps":[]}' },
        ],
      },
      admin,
    );
    expect(results.map((r) => r.success)).toEqual([true, false, false, false]);
    expect(results[1]!.message).toBe('Campaign actions cannot act on Account audiences');
    expect(results[2]!.message).toBe('Target__c: Slack_Message actions need a target');
    expect(results[3]!.message).toMatch(/^Settings__c\.steps: /);
    const actions = await call<{ name: string; onExit: string; type: string }[]>(
      'AudienceSetupActionController.getActions',
      { audienceId: contacts },
      admin,
    );
    expect(actions).toEqual([expect.objectContaining({ name: 'Welcome task', type: 'Task', onExit: 'Remove' })]);
    const [edit] = await call<RowResult[]>(
      'AudienceSetupActionController.saveActions',
      { rows: [{ Id: results[0]!.id, On_Exit__c: 'Nothing' }] },
      admin,
    );
    expect(edit).toMatchObject({ success: true });
  });
});

describe('setup stand-ins: AudienceSetupController', () => {
  it('when a rep opens the tab, then it is read-only with the message, and saves are refused', async () => {
    expect(await call('AudienceSetupController.getAccess', {}, rep)).toEqual({
      canEdit: false,
      message: labels.get('Audience_Setup_Read_Only'),
    });
    expect(await call('AudienceSetupController.getAccess', {}, admin)).toEqual({ canEdit: true, message: null });
    expect(
      await refusal(
        call('AudienceSetupController.saveFieldMaps', { rows: [{ Object__c: 'Contact', Field__c: 'Title' }] }, rep),
      ),
    ).toBe(labels.get('Audience_Setup_Admin_Only'));
  });

  it('when the admin maps an unmapped field and sends a bad rule, then the good row is saved and the bad one says why', async () => {
    type MapView = { key: string; id?: string; field: string; writeRule?: string };
    const before = await call<MapView[]>('AudienceSetupController.getFieldMaps', { objectName: 'Lead' }, admin);
    const unmapped = before.filter((m) => !m.id).map((m) => m.field);
    expect(unmapped).toContain('Title');
    const results = await call<RowResult[]>(
      'AudienceSetupController.saveFieldMaps',
      {
        rows: [
          {
            Object__c: 'Lead',
            Field__c: 'Title',
            Attribute__c: 'person.title',
            Write_Rule__c: 'Tracked',
            Import__c: true,
          },
          { Object__c: 'Lead', Field__c: 'Company', Attribute__c: 'company.domain', Write_Rule__c: 'Sometimes' },
        ],
      },
      admin,
    );
    expect(results.map((r) => r.success)).toEqual([true, false]);
    expect(results[1]!.message).toMatch(/Sometimes|picklist/i);
    const after = await call<MapView[]>('AudienceSetupController.getFieldMaps', { objectName: 'Lead' }, admin);
    expect(after.find((m) => m.field === 'Title')).toMatchObject({ writeRule: 'Tracked', id: results[0]!.id });
    expect(after.find((m) => m.field === 'Company')?.id).toBeUndefined();
  });

  it('when a two-condition filter is counted, then the count is what SOQL answers for the same WHERE', async () => {
    const filter = JSON.stringify({
      all: [
        { field: 'Title', op: 'contains', value: 'VP' },
        { field: 'Account.Industry', op: 'is_not_blank' },
      ],
    });
    const count = await call<number>(
      'AudienceSetupController.countMatches',
      { objectName: 'Contact', filterJson: filter },
      admin,
    );
    const soql = await admin.org.count(
      "SELECT COUNT() FROM Contact WHERE Title LIKE '%VP%' AND Account.Industry != null",
    );
    expect(count).toBe(soql);
    expect(count).toBeGreaterThan(0);
    const audienceId = await admin.org.create('Audience__c', {
      Name: 'VPs with industry',
      Object__c: 'Contact',
      Filter__c: '{"all":[]}',
    });
    const where = await call<string>(
      'AudienceSetupController.saveAudienceFilter',
      { audienceId, filterJson: filter },
      admin,
    );
    expect(where).toContain('Title LIKE');
    const [stored] = await admin.org.query(`SELECT Filter__c FROM Audience__c WHERE Id = '${audienceId}'`);
    expect(stored!.Filter__c).toBe(filter);
    expect(
      await refusal(
        call(
          'AudienceSetupController.countMatches',
          { objectName: 'Contact', filterJson: '{"all":[{"field":"Nope__c","op":"eq","value":1}]}' },
          admin,
        ),
      ),
    ).toContain('Nope__c');
  });

  it('when the admin sends a dry run, then DRY_RUN_EXPORT is published; an unknown command is refused', async () => {
    const before = published.length;
    await call('AudienceSetupController.publishCommand', { command: 'DRY_RUN_EXPORT', targetId: null }, admin);
    expect(published.slice(before).map((e) => e.payload.Command__c)).toEqual(['DRY_RUN_EXPORT']);
    expect(await refusal(call('AudienceSetupController.publishCommand', { command: 'DROP_ALL' }, admin))).toContain(
      'DROP_ALL',
    );
  });
});

describe('setup stand-ins: new audience and deletes', () => {
  it('when the admin creates an audience, then it is inactive with an empty filter; bad names are refused', async () => {
    const id = await call<string>(
      'AudienceSetupAudienceController.createAudience',
      { name: '  Fresh leads ', objectName: 'Lead' },
      admin,
    );
    const [stored] = await admin.org.query(
      `SELECT Name, Object__c, Filter__c, Active__c FROM Audience__c WHERE Id = '${id}'`,
    );
    expect(stored).toMatchObject({ Name: 'Fresh leads', Object__c: 'Lead', Filter__c: '{"all":[]}', Active__c: false });
    const create = (name: unknown, objectName: unknown, context = admin) =>
      refusal(call('AudienceSetupAudienceController.createAudience', { name, objectName }, context));
    expect(await create('   ', 'Contact')).toBe(labels.get('Audience_Setup_Audience_Needs_Name'));
    expect(await create('x'.repeat(81), 'Contact')).toBe(labels.get('Audience_Setup_Audience_Needs_Name'));
    expect(await create('FRESH LEADS', 'Contact')).toBe(
      labels.get('Audience_Setup_Audience_Exists')!.replace('{0}', 'FRESH LEADS'),
    );
    expect(await create('Deals', 'Opportunity')).toBe(
      labels.get('Audience_Setup_Unsupported_Object')!.replace('{0}', 'Opportunity'),
    );
    expect(await create('Mine', 'Contact', rep)).toBe(labels.get('Audience_Setup_Admin_Only'));
    await call('AudienceSetupAudienceController.setAudienceActive', { audienceId: id, active: true }, admin);
    const [active] = await admin.org.query(`SELECT Active__c FROM Audience__c WHERE Id = '${id}'`);
    expect(active?.Active__c).toBe(true);
  });

  it('when the admin deletes, then actions and plans go; an audience active, with actions or members is refused', async () => {
    const del = (recordId: string, context = admin) =>
      call('AudienceSetupDeleteController.deleteRecord', { recordId }, context);
    const audienceId = await call<string>(
      'AudienceSetupAudienceController.createAudience',
      { name: 'Short-lived', objectName: 'Contact' },
      admin,
    );
    const actionId = await admin.org.create('Audience_Action__c', {
      Name: 'Ping',
      Audience__c: audienceId,
      Type__c: 'Webhook',
      Target__c: 'https://example.test/hook',
    });
    const planId = await admin.org.create('Audience_Enrichment__c', { Name: 'Doomed plan', Object__c: 'Contact' });
    expect(await refusal(del(planId, rep))).toBe(labels.get('Audience_Setup_Admin_Only'));
    expect(await refusal(del(audienceId))).toBe(
      labels.get('Audience_Setup_Delete_Audience_Actions')!.replace('{0}', '1'),
    );
    await del(actionId);
    await del(planId);
    expect(await admin.org.query(`SELECT Id FROM Audience_Action__c WHERE Id = '${actionId}'`)).toHaveLength(0);
    expect(await admin.org.query(`SELECT Id FROM Audience_Enrichment__c WHERE Id = '${planId}'`)).toHaveLength(0);
    await call('AudienceSetupAudienceController.setAudienceActive', { audienceId, active: true }, admin);
    expect(await refusal(del(audienceId))).toBe(labels.get('Audience_Setup_Delete_Active_Audience'));
    await call('AudienceSetupAudienceController.setAudienceActive', { audienceId, active: false }, admin);
    const [member] = await admin.org.query('SELECT Id FROM Contact ORDER BY Id LIMIT 1');
    const memberId = await admin.org.create('Audience_Member__c', {
      Audience__c: audienceId,
      Record_Id__c: member!.Id,
      Contact__c: member!.Id,
      Key__c: `${audienceId}-${String(member!.Id)}-1`,
    });
    expect(await refusal(del(audienceId))).toBe(
      labels.get('Audience_Setup_Delete_Audience_Members')!.replace('{0}', '1'),
    );
    // An audience whose members are gone (never had any, in the tab's case) deletes in one step.
    await admin.org.delete('Audience_Member__c', memberId);
    await del(audienceId);
    expect(await admin.org.query(`SELECT Id FROM Audience__c WHERE Id = '${audienceId}'`)).toHaveLength(0);
    const [contact] = await admin.org.query('SELECT Id FROM Contact LIMIT 1');
    expect(await refusal(del(String(contact!.Id)))).toBe(
      labels.get('Audience_Setup_Cannot_Delete')!.replace('{0}', String(contact!.Id)),
    );
  });
});
