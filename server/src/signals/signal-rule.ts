import { z } from 'zod';
import type { RecordObject } from '../domain/mirror-record';
import { SIGNAL_TYPES } from '../domain/records/config-objects';

export { SIGNAL_TYPES };
export type SignalType = (typeof SIGNAL_TYPES)[number];

const confidence = z.number().min(0).max(1);

/** `Job_Change`: each Contact/Lead is asked about every `cadenceDays`, spread over that span. */
export const jobChangeSettingsSchema = z.strictObject({
  cadenceDays: z.number().int().min(1).max(90).default(7),
  /** A move is fired only when the provider's confidence reaches this. */
  minConfidence: confidence.default(0.7),
  /** Person providers to ask, in order (default: the enrichment waterfall's order for the employer). */
  providers: z.array(z.string().min(1)).optional(),
  /** Provider credits one detector run and one calendar month (UTC) may spend; a run stops visibly at either. */
  maxCreditsPerRun: z.number().min(0).optional(),
  monthlyCreditBudget: z.number().min(0).optional(),
});

/** `Hiring_Surge`: open roles on the Account's job board, counted every `cadenceHours`. */
export const hiringSurgeSettingsSchema = z.strictObject({
  cadenceHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 30)
    .default(24),
  department: z.string().trim().min(1).optional(),
  keywords: z.array(z.string().trim().min(1)).optional(),
  /** Fires when, over `windowDays`, open roles grew by at least `minAdded` and by at least `minPercent` %. */
  minAdded: z.number().int().min(0).default(5),
  minPercent: z.number().min(0).default(20),
  windowDays: z.number().int().min(1).max(365).default(30),
});

/** `Funding_Round`: the funding feed polled incrementally every `pollMinutes`, matched to Accounts by domain. */
export const fundingRoundSettingsSchema = z.strictObject({
  pollMinutes: z
    .number()
    .int()
    .min(5)
    .max(24 * 60)
    .default(60),
  minAmountUsd: z.number().min(0).optional(),
  roundTypes: z.array(z.string().trim().min(1)).optional(),
});

export const THRESHOLD_OPS = ['gt', 'gte', 'lt', 'lte', 'eq'] as const;

/** `Field_Threshold`: fires when a record's field crosses the value (was not past it, now is). */
export const fieldThresholdSettingsSchema = z.strictObject({
  field: z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'must be a field API name'),
  op: z.enum(THRESHOLD_OPS),
  value: z.union([z.number(), z.string().min(1)]),
});

/** `Webhook`: `POST /hooks/signals/<slug>` fires this rule. */
export const webhookSettingsSchema = z.strictObject({
  slug: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes'),
});

export const SIGNAL_SETTINGS_SCHEMAS = {
  Job_Change: jobChangeSettingsSchema,
  Hiring_Surge: hiringSurgeSettingsSchema,
  Funding_Round: fundingRoundSettingsSchema,
  Field_Threshold: fieldThresholdSettingsSchema,
  Webhook: webhookSettingsSchema,
} as const satisfies Record<SignalType, z.ZodType>;

export type SignalSettings<T extends SignalType> = z.infer<(typeof SIGNAL_SETTINGS_SCHEMAS)[T]>;

interface RuleBase<T extends SignalType> {
  id: string;
  name: string;
  type: T;
  /** The rule's object; a Webhook rule may leave it unset (the object then comes from the record). */
  object?: RecordObject;
  settings: SignalSettings<T>;
  /** A Slack channel id to post to, when set. */
  slackChannel?: string;
  notifyOwner: boolean;
  /** `Enrol_Action__c`: the action Slack's Enrol button applies to the record. */
  enrolActionId?: string;
}

/** An active `Audience_Signal_Rule__c` that passed its checks at config load. */
export type LoadedSignalRule = {
  [T in SignalType]: RuleBase<T>;
}[SignalType];
