import type { ObjectSpec } from './field-spec';

/** Commands a person (through the LWC and Apex) or a trigger sends the server. Validated here and in Apex. */
export const AUDIENCE_COMMANDS = [
  'ENRICH_RECORD',
  'RUN_ENRICHMENT',
  'RUN_IMPORT',
  'EVALUATE_AUDIENCE',
  'DRY_RUN_EXPORT',
  'RELOAD_CONFIG',
] as const;

export const AUDIENCE_COMMAND_EVENT = {
  Command__c: { kind: 'text', required: true, maxLength: 40 },
  Record_Id__c: { kind: 'text', maxLength: 18 },
  Target_Id__c: { kind: 'text', maxLength: 18 },
  Requested_By__c: { kind: 'text', maxLength: 18 },
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
  Audience_Status__e: AUDIENCE_STATUS_EVENT,
} as const;
