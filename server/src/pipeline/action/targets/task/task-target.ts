import { z } from 'zod';
import type { FieldValue, RecordObject } from '../../../../domain/mirror-record';
import type { OrgClient } from '../../../../salesforce/org-client';
import { tasksByActionKeyQuery, usersQuery } from '../../../../salesforce/selectors/action-selectors';
import type { CollectionsClient } from '../../../../salesforce/writers/collections-client';
import {
  applicationKey,
  type ActionApplication,
  type ActionConfig,
  type ActionResult,
  type ActionTarget,
} from '../../action-target';
import { isPassingError } from '../salesforce-error';
import { activityDate } from './activity-date';
import { fillTemplate, templateFields } from './task-template';

/** Steps per cadence; also how many step keys an exit looks for. */
const MAX_STEPS = 20;

const userId = z.string().regex(/^005[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/, 'must be a User id (005…)');

export const taskSettingsSchema = z.strictObject({
  steps: z
    .array(
      z.strictObject({
        dayOffset: z.number().int().min(0).max(365),
        subject: z.string().trim().min(1).max(255),
        type: z.enum(['Call', 'Email', 'Meeting', 'Other']).optional(),
        priority: z.enum(['High', 'Normal', 'Low']).optional(),
        description: z.string().max(32_000).optional(),
      }),
    )
    .min(1)
    .max(MAX_STEPS),
  assignTo: z.union([z.literal('owner'), userId]).default('owner'),
  fallbackOwner: userId.optional(),
});
export type TaskSettings = z.infer<typeof taskSettingsSchema>;

const QUEUE_PREFIX = '00G';
const USER_CACHE_MS = 5 * 60_000;
/** The org's answer when a Task is assigned to a user deactivated since we cached them as active. */
const INACTIVE_OWNER = 'INACTIVE_OWNER_OR_USER';

interface Owner {
  id: string;
  timeZone: string;
}

/** The Task key of one step: the application key and the step's index. */
export function stepKey(applicationKeyValue: string, index: number): string {
  return `${applicationKeyValue}-${index}`;
}

/**
 * `Task` cadence: an entry creates one Task per step (`{Field}` placeholders filled from the record, `Type`,
 * `WhoId`, the owner, `ActivityDate` in the owner's time zone; never a `WhatId`, so Leads work too). Each Task
 * carries `Audience_Action_Key__c = <key>-<step>` and is looked up by it before insert, so a retry never doubles
 * it. An exit with Remove **closes** our open Tasks (`Status = Completed`; deleting would lose a rep's notes);
 * a Task without our key is never touched. Email steps skip records without an email or opted out of email,
 * Call steps records marked Do Not Call.
 */
export class TaskTarget implements ActionTarget<TaskSettings> {
  readonly type = 'Task' as const;
  readonly settingsSchema = taskSettingsSchema as z.ZodType<TaskSettings>;
  readonly objects = ['Contact', 'Lead'] as const;
  private readonly users = new Map<string, { at: number; active: boolean; timeZone: string }>();

  constructor(
    private readonly org: OrgClient,
    private readonly client: CollectionsClient,
    private readonly now: () => number = Date.now,
  ) {}

  requiredFields(action: ActionConfig<TaskSettings>, object: RecordObject): string[] {
    const fields = new Set(['OwnerId', 'Email', 'HasOptedOutOfEmail', 'DoNotCall']);
    for (const step of action.settings.steps) {
      for (const f of templateFields(`${step.subject} ${step.description ?? ''}`)) {
        if (!f.startsWith('Account.') || object === 'Contact') fields.add(f);
      }
    }
    return [...fields];
  }

  async validateTarget(action: ActionConfig<TaskSettings>): Promise<string | undefined> {
    const named = [action.settings.assignTo, action.settings.fallbackOwner].filter(
      (id): id is string => !!id && id !== 'owner',
    );
    if (named.length === 0) return undefined;
    const users = await this.lookUsers(named);
    const bad = named.find((id) => !users.get(id)?.active);
    return bad ? `Settings__c: user ${bad} does not exist or is inactive` : undefined;
  }

  async apply(application: ActionApplication<TaskSettings>, ownerRechecked = false): Promise<ActionResult> {
    const { action, record } = application;
    const owner = await this.owner(action.settings, record.fields);
    if ('skip' in owner) return { status: 'Skipped', reason: 'owner_unavailable', message: owner.skip };

    const steps = action.settings.steps.map((step, index) => ({ step, index, skip: stepSkip(step, record.fields) }));
    const wanted = steps.filter((s) => s.skip === undefined);
    if (wanted.length === 0) {
      const reasons = [...new Set(steps.map((s) => s.skip))].join('; ');
      return { status: 'Skipped', reason: 'not_reachable', message: reasons };
    }
    const keys = wanted.map((s) => stepKey(application.key, s.index));
    const existing = await this.tasksByKey(keys);
    const missing = wanted.filter((s) => !existing.has(stepKey(application.key, s.index)));
    const rows = missing.map(({ step, index }) => ({
      object: 'Task',
      fields: {
        Subject: fillTemplate(step.subject, record.fields).slice(0, 255) || step.subject,
        ...(step.description && { Description: fillTemplate(step.description, record.fields) }),
        ...(step.type && { Type: step.type }),
        ...(step.priority && { Priority: step.priority }),
        WhoId: record.id,
        OwnerId: owner.id,
        ActivityDate: activityDate(application.occurredAt, step.dayOffset, owner.timeZone),
        Status: 'Not Started',
        Audience_Action_Key__c: stepKey(application.key, index),
      },
    }));
    const outcomes = rows.length > 0 ? await this.client.save('create', rows) : [];
    const refused = outcomes.find((o) => !o.ok);
    if (refused && !refused.ok && refused.code === INACTIVE_OWNER && !ownerRechecked) {
      // The owner was deactivated within the cache's lifetime: ask the org again, so the fallback (or skip) applies.
      this.users.delete(owner.id);
      return this.apply(application, true);
    }
    if (refused && !refused.ok) {
      // Tasks created in this call are found by their keys on the next attempt.
      return {
        status: 'Failed',
        code: refused.code,
        message: refused.message,
        retryable: !refused.final || isPassingError(refused.code),
      };
    }
    const skipped = steps.filter((s) => s.skip !== undefined).map((s) => `step ${s.index + 1}: ${s.skip}`);
    return {
      status: 'Succeeded',
      externalId: [...existing.values(), ...outcomes.map((o) => o.id)].join(',').slice(0, 255),
      message: `${wanted.length} task${wanted.length === 1 ? '' : 's'}${skipped.length > 0 ? `; skipped ${skipped.join('; ')}` : ''}`,
    };
  }

  async remove(application: ActionApplication<TaskSettings>): Promise<ActionResult> {
    const applyKey = applicationKey(application.action.id, application.episodeKey, 'apply');
    const keys = Array.from({ length: MAX_STEPS }, (_, i) => stepKey(applyKey, i));
    const rows = await this.org.query<{ Id: string; IsClosed: boolean }>(tasksByActionKeyQuery(keys));
    const open = rows.filter((r) => !r.IsClosed);
    if (open.length === 0) return { status: 'Succeeded', message: 'no open tasks of ours' };
    const outcomes = await this.client.save(
      'update',
      open.map((r) => ({ object: 'Task', id: r.Id, fields: { Status: 'Completed' } })),
    );
    const refused = outcomes.find((o) => !o.ok);
    if (refused && !refused.ok) {
      return { status: 'Failed', code: refused.code, message: refused.message, retryable: !refused.final };
    }
    return { status: 'Succeeded', message: `closed ${open.length} open tasks` };
  }

  private async tasksByKey(keys: string[]): Promise<Map<string, string>> {
    const rows = await this.org.query<{ Id: string; Audience_Action_Key__c: string }>(tasksByActionKeyQuery(keys));
    return new Map(rows.map((r) => [r.Audience_Action_Key__c, r.Id]));
  }

  /** The Task owner: the record's owner or the named user; a queue or an inactive user falls back, or skips. */
  private async owner(settings: TaskSettings, fields: Record<string, FieldValue>): Promise<Owner | { skip: string }> {
    const first = settings.assignTo === 'owner' ? String(fields.OwnerId ?? '') : settings.assignTo;
    const candidates = [first, settings.fallbackOwner].filter((id): id is string => !!id);
    const users = await this.lookUsers(candidates.filter((id) => !id.startsWith(QUEUE_PREFIX)));
    for (const id of candidates) {
      const user = users.get(id);
      if (user?.active) return { id, timeZone: user.timeZone };
    }
    const why = first.startsWith(QUEUE_PREFIX) ? 'owned by a queue' : first ? 'its owner is inactive' : 'no owner';
    return { skip: `${why} and no active fallbackOwner is set` };
  }

  private async lookUsers(ids: string[]): Promise<Map<string, { active: boolean; timeZone: string }>> {
    const now = this.now();
    const stale = [...new Set(ids)].filter((id) => (this.users.get(id)?.at ?? -Infinity) < now - USER_CACHE_MS);
    if (stale.length > 0) {
      const rows = await this.org.query<{ Id: string; IsActive: boolean; TimeZoneSidKey: string | null }>(
        usersQuery(stale),
      );
      for (const id of stale) this.users.delete(id);
      for (const row of rows) {
        this.users.set(row.Id, { at: now, active: row.IsActive === true, timeZone: row.TimeZoneSidKey ?? 'GMT' });
      }
    }
    return this.users;
  }
}

/** Why one step does not fit the record (no email, opted out, do not call); undefined when it does. */
function stepSkip(step: TaskSettings['steps'][number], fields: Record<string, FieldValue>): string | undefined {
  if (step.type === 'Email') {
    if (!fields.Email) return 'no email';
    if (fields.HasOptedOutOfEmail === true) return 'opted out of email (HasOptedOutOfEmail)';
  }
  if (step.type === 'Call' && fields.DoNotCall === true) return 'do not call (DoNotCall)';
  return undefined;
}
