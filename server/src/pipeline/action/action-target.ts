import type { z } from 'zod';
import type { FieldValue, RecordObject } from '../../domain/mirror-record';

/** `Audience_Action__c.Type__c`. */
export const ACTION_TYPES = [
  'Campaign',
  'Task',
  'Outreach_Sequence',
  'Salesloft_Cadence',
  'Slack_Message',
  'Webhook',
  'Ad_Audience',
] as const;
export type ActionType = (typeof ACTION_TYPES)[number];

export type ActionOperation = 'apply' | 'remove';

/** One active `Audience_Action__c`, its `Settings__c` already validated by the target's schema. */
export interface ActionConfig<Settings = unknown> {
  id: string;
  name: string;
  type: ActionType;
  audienceId: string;
  /** `Target__c`: a Campaign id, a sequence/cadence id, a URL, a channel, a user list… */
  target: string;
  onExit: 'Nothing' | 'Remove';
  settings: Settings;
}

/**
 * One application of an action to one membership episode (or, for a signal's Enrol, to one record). `key` is
 * `<actionId>-<episodeKey>-<apply|remove>` (no `:`): the same on every retry of this application, new for each
 * episode. Every effect in a target carries it (or is found again through it) so a retry after a crash finds the
 * effect instead of repeating it.
 */
export interface ActionApplication<Settings = unknown> {
  key: string;
  operation: ActionOperation;
  action: ActionConfig<Settings>;
  audience: { id: string; name: string };
  /** The record as the mirror holds it, with the fields the target asked for (`requiredFields`). */
  record: { id: string; object: RecordObject; fields: Record<string, FieldValue> };
  episodeKey: string;
  /** When the entry or exit happened (ISO 8601). */
  occurredAt: string;
  /** 1 on the first try. */
  attempt: number;
  /** The external id a previous attempt of this application recorded (`Audience_Action_Log__c.External_Id__c`). */
  previousExternalId?: string;
  /**
   * When this application's log first went `Pending` (ISO 8601): an effect the integration user created after it
   * is ours (a CampaignMember answering DUPLICATE_VALUE on a retry after a crash).
   */
  pendingSince?: string;
  /** For a remove: the external id its apply recorded (the CampaignMember to delete). */
  appliedExternalId?: string;
  /** The integration user's id (effects it created are ours). */
  integrationUserId?: string;
}

/** What one attempt did. `Failed` + `retryable` is tried again (after `retryAfterMs` when the target said so). */
export type ActionResult =
  | { status: 'Succeeded'; externalId?: string; message?: string }
  | { status: 'Skipped'; reason: string; message?: string }
  /** Accepted by the target, finished later (an ad platform's job): `poll` is called until it settles. */
  | { status: 'Pending'; externalId: string; message?: string }
  | { status: 'Failed'; message: string; retryable: boolean; retryAfterMs?: number; code?: string };

/** One kind of action: a Salesforce campaign, a task cadence, a sequencer, an ad platform, a webhook, Slack. */
export interface ActionTarget<Settings = unknown> {
  readonly type: ActionType;
  /** Validates `Settings__c` (parsed JSON; `{}` when blank); its errors name the bad path. */
  readonly settingsSchema: z.ZodType<Settings>;
  /** Objects this type may act on (Campaign, Task and sequencers refuse Account audiences at config load). */
  readonly objects: readonly RecordObject[];
  /** Record fields the target needs in the mirror while this action is active (email, owner, opt-outs, …). */
  requiredFields(action: ActionConfig<Settings>, object: RecordObject): string[];
  /** Checks at config load that `Target__c` exists / is reachable; a message means `Status__c = Error`. */
  validateTarget?(action: ActionConfig<Settings>): Promise<string | undefined>;
  apply(application: ActionApplication<Settings>): Promise<ActionResult>;
  remove(application: ActionApplication<Settings>): Promise<ActionResult>;
  /** Optional batched form (ad audiences: many records in one job/call); results by application key. */
  applyMany?(applications: ActionApplication<Settings>[]): Promise<Map<string, ActionResult>>;
  removeMany?(applications: ActionApplication<Settings>[]): Promise<Map<string, ActionResult>>;
  /** For `Pending` results: asks the target whether the work behind `externalId` finished. */
  poll?(externalId: string, action: ActionConfig<Settings>): Promise<ActionResult>;
}

/** The application key, `<actionId>-<episodeKey>-<apply|remove>`. */
export function applicationKey(actionId: string, episodeKey: string, operation: ActionOperation): string {
  return `${actionId}-${episodeKey}-${operation}`;
}
