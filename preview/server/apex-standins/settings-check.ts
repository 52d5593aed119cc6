/**
 * What AudienceSetupSettingsCheck does in Apex, done here with the server's own schemas (the Apex mirrors them):
 * `Settings__c` of a signal rule or an action, checked for its type. A problem reads like the server's
 * (`Settings__c.<path>: <why>`); null means the server would accept the settings.
 */
import { z } from 'zod';
import { settingsProblem } from '../../../server/src/pipeline/action/action-config-check';
import type { ActionType } from '../../../server/src/pipeline/action/action-target';
import { adAudienceSettingsSchema } from '../../../server/src/pipeline/action/targets/ad-audience/ad-audience-settings';
import { campaignSettingsSchema } from '../../../server/src/pipeline/action/targets/campaign/campaign-target';
import { outreachSettingsSchema } from '../../../server/src/pipeline/action/targets/outreach/outreach-target';
import { salesloftSettingsSchema } from '../../../server/src/pipeline/action/targets/salesloft/salesloft-target';
import { slackMessageSettingsSchema } from '../../../server/src/pipeline/action/targets/slack-message/slack-message-target';
import { taskSettingsSchema } from '../../../server/src/pipeline/action/targets/task/task-target';
import { webhookSettingsSchema } from '../../../server/src/pipeline/action/targets/webhook/webhook-target';
import { SIGNAL_SETTINGS_SCHEMAS, type SignalType } from '../../../server/src/signals/signal-rule';

export const ACTION_SETTINGS_SCHEMAS: Record<ActionType, z.ZodType> = {
  Campaign: campaignSettingsSchema,
  Task: taskSettingsSchema,
  Outreach_Sequence: outreachSettingsSchema,
  Salesloft_Cadence: salesloftSettingsSchema,
  Slack_Message: slackMessageSettingsSchema,
  Webhook: webhookSettingsSchema,
  Ad_Audience: adAudienceSettingsSchema,
};

/** Settings every action understands (action-config-check.ts), taken off before the type's own schema. */
const commonSettingsSchema = z.object({
  backfill: z.boolean().optional(),
  removeOnSourceChange: z.boolean().optional(),
});

function parseObject(json: unknown): { value: Record<string, unknown> } | { problem: string } {
  const text = typeof json === 'string' ? json.trim() : '';
  if (text === '') return { value: {} };
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { problem: 'Settings__c is not a JSON object: must be a JSON object' };
    }
    return { value: parsed as Record<string, unknown> };
  } catch (error) {
    return { problem: `Settings__c is not a JSON object: ${(error as Error).message}` };
  }
}

export function signalSettingsProblem(type: unknown, json: unknown): string | null {
  const schema = SIGNAL_SETTINGS_SCHEMAS[type as SignalType] as z.ZodType | undefined;
  if (!schema) return `Type__c: unknown signal type ${String(type)}`;
  const parsed = parseObject(json);
  if ('problem' in parsed) return parsed.problem;
  const checked = schema.safeParse(parsed.value);
  return checked.success ? null : settingsProblem(checked.error);
}

export function actionSettingsProblem(type: unknown, json: unknown): string | null {
  const schema = ACTION_SETTINGS_SCHEMAS[type as ActionType] as z.ZodType | undefined;
  if (!schema) return `Type__c: unknown action type ${String(type)}`;
  const parsed = parseObject(json);
  if ('problem' in parsed) return parsed.problem;
  const common = commonSettingsSchema.safeParse(parsed.value);
  if (!common.success) return settingsProblem(common.error);
  const { backfill: _backfill, removeOnSourceChange: _remove, ...own } = parsed.value;
  const checked = schema.safeParse(own);
  return checked.success ? null : settingsProblem(checked.error);
}
