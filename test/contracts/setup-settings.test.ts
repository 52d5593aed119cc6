/**
 * The setup tab's forms and the server agree. The LWC settings forms (signal rules, actions) are read and written
 * through their model and must accept exactly the settings the server's zod schemas accept; the Apex lists of
 * attribute keys and providers are the server's. (The Apex settings check cannot run here; the preview's stand-ins
 * use the server's schemas directly, see test/preview/setup-standins.test.ts.)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { ATTRIBUTE_KEYS } from '../../server/src/domain/attributes';
import { SIGNAL_SETTINGS_SCHEMAS } from '../../server/src/signals/signal-rule';
import { ACTION_SETTINGS_SCHEMAS } from '../../preview/server/apex-standins/settings-check';

const LWC = path.resolve(import.meta.dirname, '../../force-app/main/default/lwc');
const CLASSES = path.resolve(import.meta.dirname, '../../force-app/main/default/classes');

type Field = { key: string; kind: string };
type Model = {
  readSettings(fields: Field[], json: string): { values: Record<string, unknown>; extra: Record<string, unknown> };
  writeSettings(
    fields: Field[],
    values: Record<string, unknown>,
    extra?: Record<string, unknown>,
  ): { valid: boolean; settings: string };
};
// Plain ES modules of force-app, loaded by path (they carry no TypeScript types).
const load = async <T>(file: string) => (await import(pathToFileURL(path.join(LWC, file)).href)) as T;
const model = await load<Model>('audienceSetupSettingsForm/settingsModel.js');
const { SIGNAL_SPECS } = await load<{ SIGNAL_SPECS: Record<string, Field[]> }>('audienceSetupSignals/signalSpecs.js');
const { ACTION_SPECS } = await load<{ ACTION_SPECS: Record<string, Field[]> }>('audienceSetupActions/actionSpecs.js');

/** The form's answer for stored settings: read into the inputs, written back; valid or not, and what it would save. */
function throughForm(spec: Field[], settings: object) {
  const { values, extra } = model.readSettings(spec, JSON.stringify(settings));
  return model.writeSettings(spec, values, extra);
}

const SIGNAL_VECTORS: [string, object][] = [
  ['Job_Change', {}],
  ['Job_Change', { cadenceDays: 14, minConfidence: 0.8, providers: ['pdl', 'hunter'], maxCreditsPerRun: 0 }],
  ['Job_Change', { cadenceDays: 0 }],
  ['Job_Change', { cadenceDays: 91 }],
  ['Job_Change', { cadenceDays: 7.5 }],
  ['Job_Change', { minConfidence: 1.2 }],
  ['Job_Change', { monthlyCreditBudget: -1 }],
  ['Hiring_Surge', { cadenceHours: 720, department: 'Sales', keywords: ['ae', 'sdr'], minAdded: 0, minPercent: 5.5 }],
  ['Hiring_Surge', { cadenceHours: 721 }],
  ['Hiring_Surge', { windowDays: 366 }],
  ['Funding_Round', { pollMinutes: 5, minAmountUsd: 1000000, roundTypes: ['Series A'] }],
  ['Funding_Round', { pollMinutes: 4 }],
  ['Funding_Round', { pollMinutes: 1441 }],
  ['Field_Threshold', { field: 'Score__c', op: 'gte', value: 80 }],
  ['Field_Threshold', { field: 'Rating', op: 'eq', value: 'Hot' }],
  ['Field_Threshold', { field: 'Score__c', op: 'above', value: 80 }],
  ['Field_Threshold', { field: '1Score', op: 'gt', value: 1 }],
  ['Field_Threshold', { field: 'Score__c', op: 'gt' }],
  ['Field_Threshold', { op: 'gt', value: 1 }],
  ['Webhook', { slug: 'crm-events' }],
  ['Webhook', { slug: 'CRM events' }],
  ['Webhook', { slug: '-leading-dash' }],
  ['Webhook', {}],
];

const ACTION_VECTORS: [string, object][] = [
  ['Campaign', {}],
  ['Campaign', { memberStatus: 'Responded', backfill: true }],
  ['Task', { steps: [{ dayOffset: 0, subject: 'Call', type: 'Call', priority: 'High' }], assignTo: 'owner' }],
  [
    'Task',
    { steps: [{ dayOffset: 3, subject: 'Mail' }], assignTo: '005000000000001AAA', fallbackOwner: '005000000000002' },
  ],
  ['Task', { steps: [] }],
  ['Task', {}],
  ['Task', { steps: [{ dayOffset: 366, subject: 'Late' }] }],
  ['Task', { steps: [{ dayOffset: 1, subject: '  ' }] }],
  ['Task', { steps: [{ dayOffset: 1, subject: 'x' }], assignTo: 'me' }],
  ['Task', { steps: [{ dayOffset: 1, subject: 'x' }], fallbackOwner: '00G000000000001' }],
  ['Outreach_Sequence', { mailboxId: 12 }],
  ['Outreach_Sequence', { mailboxId: 0 }],
  ['Outreach_Sequence', {}],
  ['Salesloft_Cadence', {}],
  ['Slack_Message', { text: '{Name} joined {audience}' }],
  ['Slack_Message', {}],
  ['Slack_Message', { text: 'x'.repeat(3001) }],
  ['Webhook', { fields: ['Email', 'Account.Name'], giveUpAfterHours: 48 }],
  ['Webhook', { fields: ['Bad Field'] }],
  ['Webhook', { giveUpAfterHours: 0 }],
  ['Webhook', { giveUpAfterHours: 721 }],
  ['Ad_Audience', { platform: 'google', customerId: '123-456-7890' }],
  ['Ad_Audience', { platform: 'meta' }],
  ['Ad_Audience', { platform: 'tiktok' }],
  ['Ad_Audience', { platform: 'google', customerId: '12-34' }],
];

function serverAccepts(schema: z.ZodType, settings: object, common = false): boolean {
  if (!common) return schema.safeParse(settings).success;
  const { backfill: _b, removeOnSourceChange: _r, ...own } = settings as Record<string, unknown>;
  return schema.safeParse(own).success;
}

describe('setup forms vs the server schemas', () => {
  it.each(SIGNAL_VECTORS)('signal %s %j: the form accepts it exactly when the server does', (type, settings) => {
    const schema = SIGNAL_SETTINGS_SCHEMAS[type as keyof typeof SIGNAL_SETTINGS_SCHEMAS];
    const form = throughForm(SIGNAL_SPECS[type]!, settings);
    expect(form.valid).toBe(serverAccepts(schema, settings));
    if (form.valid) expect(schema.safeParse(JSON.parse(form.settings)).success).toBe(true);
  });

  it.each(ACTION_VECTORS)('action %s %j: the form accepts it exactly when the server does', (type, settings) => {
    const schema = ACTION_SETTINGS_SCHEMAS[type as keyof typeof ACTION_SETTINGS_SCHEMAS];
    const form = throughForm(ACTION_SPECS[type]!, settings);
    expect(form.valid).toBe(serverAccepts(schema, settings, true));
    if (form.valid) expect(serverAccepts(schema, JSON.parse(form.settings) as object, true)).toBe(true);
  });

  it('every signal and action type has a form', () => {
    expect(Object.keys(SIGNAL_SPECS).sort()).toEqual(Object.keys(SIGNAL_SETTINGS_SCHEMAS).sort());
    expect(Object.keys(ACTION_SPECS).sort()).toEqual(Object.keys(ACTION_SETTINGS_SCHEMAS).sort());
  });
});

describe('Apex lists vs the server', () => {
  const apex = readFileSync(path.join(CLASSES, 'AudienceSetupPlanController.cls'), 'utf8');
  const listOf = (name: string) => {
    const body = new RegExp(`${name} = new List<String>\\{([^}]*)\\}`).exec(apex)?.[1] ?? '';
    return [...body.matchAll(/'([^']+)'/g)].map((m) => m[1]);
  };

  it('AudienceSetupPlanController.ATTRIBUTE_KEYS is the attribute registry', () => {
    expect(listOf('ATTRIBUTE_KEYS')).toEqual([...ATTRIBUTE_KEYS]);
  });

  it('AudienceSetupPlanController.PROVIDER_IDS are the built-in providers', () => {
    expect(listOf('PROVIDER_IDS')).toEqual(['offline', 'hunter', 'pdl', 'apollo']);
  });
});
