import { CronExpressionParser } from 'cron-parser';
import { attributeKeySchema, type AttributeKey } from '../domain/attributes';
import type { RecordObject } from '../domain/mirror-record';
import type { ProviderId } from '../pipeline/enrich/providers/provider-contract';

/** An active, validated `Audience_Enrichment__c`: which attributes to buy, from whom, when, and for how much. */
export interface EnrichmentPlan {
  id: string;
  name: string;
  object: RecordObject;
  audienceId?: string;
  attributes: AttributeKey[];
  providers: ProviderId[];
  schedule?: string;
  timeZone: string;
  runOnEntry: boolean;
  maxCreditsPerRun?: number;
  monthlyCreditBudget?: number;
}

export interface RawPlanFields {
  Id: string;
  Name?: string | null;
  Object__c: string;
  Audience__c?: string | null;
  Attributes__c?: string | null;
  Providers__c?: string | null;
  Schedule__c?: string | null;
  Time_Zone__c?: string | null;
  Run_On_Entry__c?: boolean;
  Max_Credits_Per_Run__c?: number | null;
  Monthly_Credit_Budget__c?: number | null;
}

const PROVIDER_ID = /^(offline|hunter|pdl|apollo|http:[a-z0-9][a-z0-9_-]{0,39})$/;

function splitList(value: string | null | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * Checks a plan record; returns the plan, or every problem an admin must fix, in words that fit the record's
 * `Status_Message__c`. `knownProviders` are the ids configured on this server (a key set, or defined in the
 * providers file); naming another is an error on the plan, not a crash during a run.
 */
export function parseEnrichmentPlan(
  raw: RawPlanFields,
  knownProviders: ReadonlySet<string>,
): { plan: EnrichmentPlan } | { problems: string[] } {
  const problems: string[] = [];
  const attributes: AttributeKey[] = [];
  for (const item of splitList(raw.Attributes__c)) {
    const parsed = attributeKeySchema.safeParse(item);
    if (parsed.success) attributes.push(parsed.data);
    else problems.push(`unknown attribute ${item}`);
  }
  if (attributes.length === 0 && problems.length === 0) problems.push('Attributes__c names no attribute');

  const providers: ProviderId[] = [];
  for (const item of splitList(raw.Providers__c)) {
    if (!PROVIDER_ID.test(item))
      problems.push(`unknown provider id ${item} (use offline, hunter, pdl, apollo or http:<name>)`);
    else if (!knownProviders.has(item)) problems.push(`provider ${item} is not configured on the server`);
    else providers.push(item as ProviderId);
  }
  if (providers.length === 0 && !splitList(raw.Providers__c).length) problems.push('Providers__c names no provider');

  const timeZone = raw.Time_Zone__c?.trim() || 'UTC';
  if (!isTimeZone(timeZone)) problems.push(`unknown time zone ${timeZone} (use an IANA name such as Europe/Paris)`);

  const schedule = raw.Schedule__c?.trim() || undefined;
  if (schedule) {
    if (schedule.split(/\s+/).length !== 5) problems.push(`schedule "${schedule}" must be a 5-field cron expression`);
    else {
      try {
        CronExpressionParser.parse(schedule, { tz: isTimeZone(timeZone) ? timeZone : 'UTC' });
      } catch (error) {
        problems.push(`schedule "${schedule}" is not valid cron: ${(error as Error).message}`);
      }
    }
  }
  for (const [field, value] of [
    ['Max_Credits_Per_Run__c', raw.Max_Credits_Per_Run__c],
    ['Monthly_Credit_Budget__c', raw.Monthly_Credit_Budget__c],
  ] as const) {
    if (value !== null && value !== undefined && value < 0) problems.push(`${field} cannot be negative`);
  }
  if (schedule && !raw.Audience__c) problems.push('a scheduled plan needs an audience to run over');

  if (problems.length > 0) return { problems };
  return {
    plan: {
      id: raw.Id,
      name: raw.Name ?? raw.Id,
      object: raw.Object__c as RecordObject,
      audienceId: raw.Audience__c ?? undefined,
      attributes,
      providers,
      schedule,
      timeZone,
      runOnEntry: raw.Run_On_Entry__c === true,
      maxCreditsPerRun: raw.Max_Credits_Per_Run__c ?? undefined,
      monthlyCreditBudget: raw.Monthly_Credit_Budget__c ?? undefined,
    },
  };
}
