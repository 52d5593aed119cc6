import { z } from 'zod';
import type { ActionRowCheck, ActionVerdict } from '../../config/action-check';
import type { AudienceConfig } from '../../config/loop-config';
import { AUDIENCE_ACTION, recordSchema } from '../../domain/records';
import type { ActionRegistry } from './action-registry';
import type { ActionConfig, ActionType } from './action-target';

/** Settings every action understands, whatever its type. */
const commonSettingsSchema = z.object({
  backfill: z.boolean().optional(),
  removeOnSourceChange: z.boolean().optional(),
});

/** `Settings__c.steps.0.subject: Invalid input…` — the path of the bad field, as the admin wrote it. */
export function settingsProblem(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue && issue.path.length > 0 ? `.${issue.path.map(String).join('.')}` : '';
  return `Settings__c${path}: ${issue?.message ?? 'invalid'}`;
}

/**
 * Checks an `Audience_Action__c` at config load: the type has a target in this process, the target acts on the
 * audience's object, `Settings__c` is JSON its schema accepts, and `Target__c` exists (the target's own check).
 */
export class ActionConfigCheck implements ActionRowCheck {
  constructor(private readonly registry: ActionRegistry) {}

  async check(
    row: Record<string, unknown> & { Id: string },
    audience: AudienceConfig | undefined,
  ): Promise<ActionVerdict> {
    const parsed = recordSchema(AUDIENCE_ACTION).safeParse(row);
    if (!parsed.success) return { problem: `invalid record: ${parsed.error.issues[0]?.message ?? ''}` };
    const record = parsed.data as unknown as Record<string, unknown> & { Id: string };
    if (!record.Active__c) return {};
    if (!audience) return { problem: 'its audience is not active or has a problem; see the audience record' };
    const type = record.Type__c as ActionType;
    const target = this.registry.get(type);
    if (!target) return { problem: `${type} actions are not set up on the server (its environment variables)` };
    if (!target.objects.includes(audience.object)) {
      return { problem: `${type} actions cannot act on ${audience.object} audiences` };
    }
    const rawSettings = typeof record.Settings__c === 'string' ? record.Settings__c.trim() : '';
    let json: unknown;
    try {
      json = rawSettings === '' ? {} : JSON.parse(rawSettings);
    } catch (error) {
      return { problem: `Settings__c is not JSON: ${(error as Error).message}` };
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      return { problem: 'Settings__c must be a JSON object' };
    }
    const common = commonSettingsSchema.safeParse(json);
    if (!common.success) return { problem: settingsProblem(common.error) };
    const { backfill, removeOnSourceChange, ...own } = json as Record<string, unknown>;
    const settings = target.settingsSchema.safeParse(own);
    if (!settings.success) return { problem: settingsProblem(settings.error) };
    const action: ActionConfig = {
      id: record.Id,
      name: String(record.Name ?? record.Id),
      type,
      audienceId: audience.id,
      target: typeof record.Target__c === 'string' ? record.Target__c.trim() : '',
      onExit: record.On_Exit__c === 'Remove' ? 'Remove' : 'Nothing',
      settings: settings.data,
    };
    let problem: string | undefined;
    try {
      problem = await target.validateTarget?.(action);
    } catch (error) {
      problem = `Target__c could not be checked: ${(error as Error).message}`;
    }
    if (problem) return { problem };
    return {
      action: {
        ...action,
        object: audience.object,
        mirrorFields: target.requiredFields(action, audience.object),
        backfill: backfill === true,
        removeOnSourceChange: removeOnSourceChange === true,
      },
    };
  }
}
