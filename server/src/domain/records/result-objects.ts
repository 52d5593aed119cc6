import type { ObjectSpec } from './field-spec';
import { SIGNAL_TYPES } from './config-objects';

export const AUDIENCE_MEMBER = {
  Audience__c: { kind: 'lookup', referenceTo: 'Audience__c', writes: true, required: true },
  Record_Id__c: { kind: 'text', writes: true, maxLength: 18 },
  Contact__c: { kind: 'lookup', referenceTo: 'Contact', writes: true },
  Lead__c: { kind: 'lookup', referenceTo: 'Lead', writes: true },
  Account__c: { kind: 'lookup', referenceTo: 'Account', writes: true },
  Entered_At__c: { kind: 'datetime', writes: true },
  Exited_At__c: { kind: 'datetime', writes: true },
  Is_Active__c: { kind: 'checkbox', writes: true },
  Key__c: { kind: 'text', writes: true },
} as const satisfies ObjectSpec;

export const SIGNAL_STATUS = ['New', 'Notified', 'Dismissed', 'Actioned'] as const;

export const AUDIENCE_SIGNAL = {
  Audience_Signal_Rule__c: { kind: 'lookup', referenceTo: 'Audience_Signal_Rule__c', writes: true },
  Type__c: { kind: 'picklist', values: SIGNAL_TYPES, writes: true },
  Record_Id__c: { kind: 'text', writes: true, maxLength: 18 },
  Contact__c: { kind: 'lookup', referenceTo: 'Contact', writes: true },
  Lead__c: { kind: 'lookup', referenceTo: 'Lead', writes: true },
  Account__c: { kind: 'lookup', referenceTo: 'Account', writes: true },
  Fired_At__c: { kind: 'datetime', writes: true },
  Summary__c: { kind: 'text', writes: true, maxLength: 255 },
  Evidence__c: { kind: 'long_text', writes: true },
  Confidence__c: { kind: 'percent', writes: true },
  Status__c: { kind: 'picklist', values: SIGNAL_STATUS, writes: true },
  Notification_Message__c: { kind: 'text', writes: true, maxLength: 255 },
  Key__c: { kind: 'text', writes: true },
} as const satisfies ObjectSpec;

/** The server's heartbeat for the setup tab (one record per deployment, upserted by Key__c). */
export const AUDIENCE_HEALTH = {
  Key__c: { kind: 'text', writes: true, maxLength: 80 },
  Reported_At__c: { kind: 'datetime', writes: true },
  Loop_Running__c: { kind: 'checkbox', writes: true },
  Stream_State__c: { kind: 'text', writes: true, maxLength: 40 },
  Last_Change_Event_At__c: { kind: 'datetime', writes: true },
  Api_Budget_Used__c: { kind: 'percent', writes: true },
  Channel_Members__c: { kind: 'long_text', writes: true },
  Providers__c: { kind: 'long_text', writes: true },
  Slack_Connected__c: { kind: 'checkbox', writes: true },
  Checks__c: { kind: 'long_text', writes: true },
  Failed_Checks__c: { kind: 'number', writes: true },
} as const satisfies ObjectSpec;

export const RUN_TYPES = [
  'Import',
  'Enrichment',
  'Export',
  'Dry_Run',
  'Reconciliation',
  'Signal',
  'Action',
  'Prospect_Search',
] as const;
export const RUN_STATUS = [
  'Queued',
  'Running',
  'Paused',
  'Succeeded',
  'Partially_Succeeded',
  'Failed',
  'Cancelled',
] as const;

export const AUDIENCE_RUN = {
  Type__c: { kind: 'picklist', values: RUN_TYPES, writes: true },
  Status__c: { kind: 'picklist', values: RUN_STATUS, writes: true },
  Status_Message__c: { kind: 'text', writes: true, maxLength: 255 },
  Audience_Source__c: { kind: 'lookup', referenceTo: 'Audience_Source__c', writes: true },
  Audience_Enrichment__c: { kind: 'lookup', referenceTo: 'Audience_Enrichment__c', writes: true },
  Audience__c: { kind: 'lookup', referenceTo: 'Audience__c', writes: true },
  Audience_Signal_Rule__c: { kind: 'lookup', referenceTo: 'Audience_Signal_Rule__c', writes: true },
  Total__c: { kind: 'number', writes: true },
  Processed__c: { kind: 'number', writes: true },
  Succeeded__c: { kind: 'number', writes: true },
  Failed__c: { kind: 'number', writes: true },
  Skipped__c: { kind: 'number', writes: true },
  Credits_Used__c: { kind: 'number', writes: true },
  Credits_By_Provider__c: { kind: 'long_text', writes: true },
  Skips_By_Reason__c: { kind: 'long_text', writes: true },
  Started_At__c: { kind: 'datetime', writes: true },
  Finished_At__c: { kind: 'datetime', writes: true },
  Error_Summary__c: { kind: 'long_text', writes: true },
} as const satisfies ObjectSpec;

export const ACTION_LOG_STATUS = ['Pending', 'Succeeded', 'Failed', 'Skipped'] as const;
export const ACTION_LOG_OPERATIONS = ['Apply', 'Remove'] as const;

/** One application of an action (DESIGN §4), upserted by `Key__c` on every attempt. */
export const AUDIENCE_ACTION_LOG = {
  Audience_Action__c: { kind: 'lookup', referenceTo: 'Audience_Action__c', writes: true },
  Audience_Member__c: { kind: 'lookup', referenceTo: 'Audience_Member__c', writes: true },
  Audience_Signal__c: { kind: 'lookup', referenceTo: 'Audience_Signal__c', writes: true },
  Record_Id__c: { kind: 'text', writes: true, maxLength: 18 },
  Operation__c: { kind: 'picklist', values: ACTION_LOG_OPERATIONS, writes: true },
  Status__c: { kind: 'picklist', values: ACTION_LOG_STATUS, writes: true },
  External_Id__c: { kind: 'text', writes: true, maxLength: 255 },
  Message__c: { kind: 'text', writes: true, maxLength: 255 },
  Attempts__c: { kind: 'number', writes: true },
  Key__c: { kind: 'text', writes: true },
} as const satisfies ObjectSpec;

export const RESULT_OBJECTS = {
  Audience_Member__c: AUDIENCE_MEMBER,
  Audience_Action_Log__c: AUDIENCE_ACTION_LOG,
  Audience_Signal__c: AUDIENCE_SIGNAL,
  Audience_Run__c: AUDIENCE_RUN,
  Audience_Health__c: AUDIENCE_HEALTH,
} as const;
