import { describe, expect, it } from 'vitest';
import type { LoadedAction } from '../../src/pipeline/action/loaded-action';
import type { DescribeField, ObjectDescribe } from '../../src/salesforce/schema/describe-cache';
import { checkSignalRule, type SignalRuleContext } from '../../src/signals/signal-rule-check';

function describeOf(name: string, fields: Array<Pick<DescribeField, 'name' | 'type'>>): ObjectDescribe {
  const full = fields.map((f) => ({ label: f.name, ...f }) as DescribeField);
  return { name, fields: full, field: (n) => full.find((f) => f.name.toLowerCase() === n.toLowerCase()) };
}

const contact = describeOf('Contact', [
  { name: 'Contact_Score__c', type: 'double' },
  { name: 'Email', type: 'email' },
  { name: 'Birthdate', type: 'date' },
]);

function context(overrides: Partial<SignalRuleContext> = {}): SignalRuleContext {
  return {
    sourcedObjects: new Set(['Contact', 'Account']),
    actionsById: new Map([['a0A000000000001AAA', { id: 'a0A000000000001AAA', object: 'Contact' } as LoadedAction]]),
    describe: async (object) => (object === 'Contact' ? contact : undefined),
    takenSlugs: new Map(),
    ...overrides,
  };
}

/** A row as a query returns it: every field present, blanks as null and checkboxes false. */
const row = (fields: Record<string, unknown>) => ({
  Id: 'a0B000000000001AAA',
  Name: 'Rule',
  Active__c: true,
  Object__c: null,
  Settings__c: null,
  Slack_Channel__c: null,
  Notify_Owner__c: false,
  Enrol_Action__c: null,
  ...fields,
});

describe('checkSignalRule', () => {
  it('loads a threshold rule with its defaults and typed settings', async () => {
    const verdict = await checkSignalRule(
      row({
        Type__c: 'Field_Threshold',
        Object__c: 'Contact',
        Settings__c: '{"field":"Contact_Score__c","op":"gte","value":80}',
        Slack_Channel__c: 'C0123456789',
        Notify_Owner__c: true,
        Enrol_Action__c: 'a0A000000000001AAA',
      }),
      context(),
    );
    expect(verdict).toEqual({
      rule: {
        id: 'a0B000000000001AAA',
        name: 'Rule',
        type: 'Field_Threshold',
        object: 'Contact',
        settings: { field: 'Contact_Score__c', op: 'gte', value: 80 },
        slackChannel: 'C0123456789',
        notifyOwner: true,
        enrolActionId: 'a0A000000000001AAA',
      },
    });
  });

  it("fills each type's defaults", async () => {
    const verdict = await checkSignalRule(row({ Type__c: 'Job_Change', Object__c: 'Contact' }), context());
    expect(verdict.rule?.settings).toEqual({ cadenceDays: 7, minConfidence: 0.7 });
  });

  it('names the bad settings field by its path', async () => {
    const verdict = await checkSignalRule(
      row({ Type__c: 'Hiring_Surge', Object__c: 'Account', Settings__c: '{"minAdded":-1}' }),
      context(),
    );
    expect(verdict.problem).toMatch(/^Settings__c\.minAdded: /);
    const notJson = await checkSignalRule(row({ Type__c: 'Webhook', Settings__c: '{slug' }), context());
    expect(notJson.problem).toMatch(/^Settings__c is not JSON/);
  });

  it('refuses an object the type cannot watch, or one no source imports', async () => {
    expect((await checkSignalRule(row({ Type__c: 'Funding_Round', Object__c: 'Contact' }), context())).problem).toBe(
      'Funding_Round rules watch Account, not Contact',
    );
    expect((await checkSignalRule(row({ Type__c: 'Job_Change', Object__c: 'Lead' }), context())).problem).toMatch(
      /no active Salesforce source imports Lead/,
    );
    expect((await checkSignalRule(row({ Type__c: 'Job_Change' }), context())).problem).toBe(
      'Object__c is required for Job_Change rules',
    );
  });

  it('checks a threshold field exists and compares', async () => {
    const settings = (s: object) =>
      row({ Type__c: 'Field_Threshold', Object__c: 'Contact', Settings__c: JSON.stringify(s) });
    expect((await checkSignalRule(settings({ field: 'Nope__c', op: 'gt', value: 1 }), context())).problem).toMatch(
      /^Settings__c\.field: Contact has no field Nope__c/,
    );
    expect((await checkSignalRule(settings({ field: 'Email', op: 'gt', value: 1 }), context())).problem).toMatch(
      /needs a number or date field/,
    );
    expect(
      (await checkSignalRule(settings({ field: 'Contact_Score__c', op: 'gt', value: 'x' }), context())).problem,
    ).toBe('Settings__c.value: Contact_Score__c is a number field');
    expect(
      (await checkSignalRule(settings({ field: 'Birthdate', op: 'lt', value: '2000-01-01' }), context())).rule,
    ).toBeDefined();
    expect(
      (await checkSignalRule(settings({ field: 'Email', op: 'eq', value: 'a@b.co' }), context())).rule,
    ).toBeDefined();
  });

  it('gives a webhook slug to one rule only, and needs no object', async () => {
    const shared = context();
    const first = await checkSignalRule(row({ Type__c: 'Webhook', Settings__c: '{"slug":"intent"}' }), shared);
    expect(first.rule).toMatchObject({ type: 'Webhook', object: undefined, settings: { slug: 'intent' } });
    const second = await checkSignalRule(
      { ...row({ Type__c: 'Webhook', Settings__c: '{"slug":"intent"}' }), Id: 'a0B000000000002AAA' },
      shared,
    );
    expect(second.problem).toBe('Settings__c.slug: "intent" is already used by rule a0B000000000001AAA');
  });

  it('refuses a channel name, an unknown Enrol action, and one on another object', async () => {
    const base = { Type__c: 'Job_Change', Object__c: 'Contact' };
    expect((await checkSignalRule(row({ ...base, Slack_Channel__c: '#sales' }), context())).problem).toMatch(
      /must be a channel id/,
    );
    expect((await checkSignalRule(row({ ...base, Enrol_Action__c: 'a0A000000000099AAA' }), context())).problem).toMatch(
      /^Enrol_Action__c: that action is not active/,
    );
    const leadAction = context({
      actionsById: new Map([['a0A000000000001AAA', { id: 'a0A000000000001AAA', object: 'Lead' } as LoadedAction]]),
    });
    expect((await checkSignalRule(row({ ...base, Enrol_Action__c: 'a0A000000000001AAA' }), leadAction)).problem).toBe(
      'Enrol_Action__c acts on Lead records; this rule watches Contact',
    );
  });

  it('ignores an inactive rule without a problem', async () => {
    expect(await checkSignalRule(row({ Type__c: 'Job_Change', Active__c: false }), context())).toEqual({});
  });
});
