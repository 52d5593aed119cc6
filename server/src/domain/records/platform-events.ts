import type { ObjectSpec } from './field-spec';

/**
 * Commands the server understands. Admin commands arrive on `Audience_Command__e` (Audience_Admin and the config
 * triggers may publish it); `ENRICH_RECORD` is a rep's request and arrives on `Audience_Record_Request__e`.
 * Validated here and in Apex.
 */
export const AUDIENCE_COMMANDS = [
  'ENRICH_RECORD',
  'RUN_ENRICHMENT',
  'RUN_IMPORT',
  'EVALUATE_AUDIENCE',
  'DRY_RUN_EXPORT',
  'RUN_EXPORT',
  'ESTIMATE_RUN',
  'CANCEL_RUN',
  'RELOAD_CONFIG',
] as const;

/** What a rep may ask for one record (`Audience_Record_Request__e.Request__c`). */
export const RECORD_REQUESTS = ['ENRICH_RECORD'] as const;

/** The requester is the event's `CreatedById` (set by Salesforce), never a payload field. */
export const AUDIENCE_COMMAND_EVENT = {
  Command__c: { kind: 'text', required: true, maxLength: 40 },
  Record_Id__c: { kind: 'text', maxLength: 18 },
  Target_Id__c: { kind: 'text', maxLength: 18 },
} as const satisfies ObjectSpec;

export const AUDIENCE_RECORD_REQUEST_EVENT = {
  Request__c: { kind: 'text', required: true, maxLength: 40 },
  Record_Id__c: { kind: 'text', required: true, maxLength: 18 },
  Object__c: { kind: 'text', maxLength: 40 },
} as const satisfies ObjectSpec;

export const AUDIENCE_STATUS_EVENT = {
  Record_Id__c: { kind: 'text', writes: true, maxLength: 18 },
  Run_Id__c: { kind: 'text', writes: true, maxLength: 18 },
  Stage__c: { kind: 'text', writes: true },
  Message__c: { kind: 'text', writes: true, maxLength: 255 },
  Progress__c: { kind: 'number', writes: true },
} as const satisfies ObjectSpec;

export const PLATFORM_EVENTS = {
  Audience_Command__e: AUDIENCE_COMMAND_EVENT,
  Audience_Record_Request__e: AUDIENCE_RECORD_REQUEST_EVENT,
  Audience_Status__e: AUDIENCE_STATUS_EVENT,
} as const;
