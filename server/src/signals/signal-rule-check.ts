import type { RecordObject } from '../domain/mirror-record';
import { AUDIENCE_SIGNAL_RULE, recordSchema } from '../domain/records';
import type { LoadedAction } from '../pipeline/action/loaded-action';
import { settingsProblem } from '../pipeline/action/action-config-check';
import type { ObjectDescribe } from '../salesforce/schema/describe-cache';
import { SIGNAL_SETTINGS_SCHEMAS, type LoadedSignalRule, type SignalSettings, type SignalType } from './signal-rule';

/** The objects each rule type can watch. */
const OBJECTS_BY_TYPE: Record<SignalType, readonly RecordObject[]> = {
  Job_Change: ['Contact', 'Lead'],
  Hiring_Surge: ['Account'],
  Funding_Round: ['Account'],
  Field_Threshold: ['Contact', 'Lead', 'Account'],
  Webhook: ['Contact', 'Lead', 'Account'],
};

/** Describe types whose values can be compared with `gt`/`lt`: numbers, and dates as ISO strings. */
const ORDERED_TYPES = new Set(['double', 'int', 'long', 'currency', 'percent', 'date', 'datetime']);
const NUMERIC_TYPES = new Set(['double', 'int', 'long', 'currency', 'percent']);
/** Slack channel ids (public C…, private G…); a `#name` is refused: names change, ids do not. */
const CHANNEL_ID = /^[CG][A-Z0-9]{8,}$/;

export interface SignalRuleContext {
  /** Objects an active Salesforce source imports (the detectors read the mirror and follow CDC). */
  sourcedObjects: ReadonlySet<string>;
  /** Actions loaded this time (active, checked): what `Enrol_Action__c` may name. */
  actionsById: ReadonlyMap<string, LoadedAction>;
  describe(object: RecordObject): Promise<ObjectDescribe | undefined>;
  /** Slugs taken by the Webhook rules already accepted in this load (a slug names one rule). */
  takenSlugs: Map<string, string>;
}

export interface SignalRuleVerdict {
  problem?: string;
  rule?: LoadedSignalRule;
}

/**
 * Checks one `Audience_Signal_Rule__c` at config load: the type watches the rule's object, `Settings__c` is JSON
 * its type's schema accepts (the admin sees the path of the bad field), a threshold's field exists and compares,
 * a webhook slug is not taken, the channel is an id, the Enrol action is loaded and acts on the same object.
 */
export async function checkSignalRule(
  row: Record<string, unknown> & { Id: string },
  context: SignalRuleContext,
): Promise<SignalRuleVerdict> {
  const parsed = recordSchema(AUDIENCE_SIGNAL_RULE).safeParse(row);
  if (!parsed.success) return { problem: `invalid record: ${parsed.error.issues[0]?.message ?? ''}` };
  const record = parsed.data as unknown as Record<string, unknown> & { Id: string };
  if (!record.Active__c) return {};
  const type = record.Type__c as SignalType;
  const object = (record.Object__c ?? undefined) as RecordObject | undefined;
  if (!object && type !== 'Webhook') return { problem: `Object__c is required for ${type} rules` };
  if (object && !OBJECTS_BY_TYPE[type].includes(object)) {
    return { problem: `${type} rules watch ${OBJECTS_BY_TYPE[type].join(' or ')}, not ${object}` };
  }
  if (object && !context.sourcedObjects.has(object)) {
    return { problem: `no active Salesforce source imports ${object}; add or activate one` };
  }

  const rawSettings = typeof record.Settings__c === 'string' ? record.Settings__c.trim() : '';
  let json: unknown;
  try {
    json = rawSettings === '' ? {} : JSON.parse(rawSettings);
  } catch (error) {
    return { problem: `Settings__c is not JSON: ${(error as Error).message}` };
  }
  const settings = SIGNAL_SETTINGS_SCHEMAS[type].safeParse(json);
  if (!settings.success) return { problem: settingsProblem(settings.error) };

  if (type === 'Field_Threshold' && object) {
    const problem = await thresholdProblem(settings.data as SignalSettings<'Field_Threshold'>, object, context);
    if (problem) return { problem };
  }
  if (type === 'Webhook') {
    const slug = (settings.data as SignalSettings<'Webhook'>).slug;
    const holder = context.takenSlugs.get(slug);
    if (holder) return { problem: `Settings__c.slug: "${slug}" is already used by rule ${holder}` };
    context.takenSlugs.set(slug, record.Id);
  }

  const channel = typeof record.Slack_Channel__c === 'string' ? record.Slack_Channel__c.trim() : '';
  if (channel !== '' && !CHANNEL_ID.test(channel)) {
    return { problem: `Slack_Channel__c must be a channel id such as C0123456789, not "${channel.slice(0, 40)}"` };
  }
  const enrolId = typeof record.Enrol_Action__c === 'string' ? record.Enrol_Action__c : undefined;
  if (enrolId) {
    const action = context.actionsById.get(enrolId);
    if (!action) return { problem: 'Enrol_Action__c: that action is not active or has a problem; see its record' };
    if (object && action.object !== object) {
      return { problem: `Enrol_Action__c acts on ${action.object} records; this rule watches ${object}` };
    }
  }
  return {
    rule: {
      id: record.Id,
      name: String(record.Name ?? record.Id),
      type,
      object,
      settings: settings.data,
      slackChannel: channel === '' ? undefined : channel,
      notifyOwner: Boolean(record.Notify_Owner__c),
      enrolActionId: enrolId,
    } as LoadedSignalRule,
  };
}

async function thresholdProblem(
  settings: SignalSettings<'Field_Threshold'>,
  object: RecordObject,
  context: SignalRuleContext,
): Promise<string | undefined> {
  const describe = await context.describe(object);
  const field = describe?.field(settings.field);
  if (!field) return `Settings__c.field: ${object} has no field ${settings.field} the integration user can read`;
  if (settings.op === 'eq') return undefined;
  if (!ORDERED_TYPES.has(field.type)) {
    return `Settings__c.op: ${settings.op} needs a number or date field; ${field.name} is ${field.type} (use eq)`;
  }
  const numeric = NUMERIC_TYPES.has(field.type);
  if (numeric && typeof settings.value !== 'number') return `Settings__c.value: ${field.name} is a number field`;
  if (!numeric && (typeof settings.value !== 'string' || Number.isNaN(Date.parse(settings.value)))) {
    return `Settings__c.value: ${field.name} is a ${field.type} field; give an ISO date`;
  }
  return undefined;
}
