import type { ObjectSpec } from './field-spec';

/** Objects a source, audience or field map may name. CDC covers exactly these through Audience_Loop__chn. */
export const RECORD_OBJECTS = ['Contact', 'Lead', 'Account'] as const;
export const WRITE_RULES = ['Always', 'Never', 'Fill_Blank', 'Tracked'] as const;
/** Preview: evaluated and reported by a dry run, never written until RUN_EXPORT makes the map Live. */
export const FIELD_MAP_MODES = ['Live', 'Preview'] as const;
export const CONFIG_STATUS = ['OK', 'Error'] as const;

/** Every config object carries these; the server fills them when it loads the record. */
const statusFields = {
  Status__c: { kind: 'picklist', values: CONFIG_STATUS, writes: true },
  Status_Message__c: { kind: 'text', writes: true, maxLength: 255 },
} as const satisfies ObjectSpec;

export const AUDIENCE_SOURCE = {
  Name: { kind: 'text' },
  Type__c: { kind: 'picklist', values: ['Salesforce', 'CSV', 'Postgres', 'Snowflake'], required: true },
  Object__c: { kind: 'picklist', values: RECORD_OBJECTS, required: true },
  Inclusion_Filter__c: { kind: 'long_text' },
  Active__c: { kind: 'checkbox' },
  Last_Full_Sync_At__c: { kind: 'datetime', writes: true },
  ...statusFields,
} as const satisfies ObjectSpec;

export const AUDIENCE = {
  Name: { kind: 'text' },
  Object__c: { kind: 'picklist', values: RECORD_OBJECTS, required: true },
  Filter__c: { kind: 'long_text' },
  Active__c: { kind: 'checkbox' },
  Member_Count__c: { kind: 'number', writes: true },
  Last_Evaluated_At__c: { kind: 'datetime', writes: true },
  ...statusFields,
} as const satisfies ObjectSpec;

export const AUDIENCE_FIELD_MAP = {
  Name: { kind: 'text' },
  Object__c: { kind: 'picklist', values: RECORD_OBJECTS, required: true },
  Field__c: { kind: 'text', required: true },
  Attribute__c: { kind: 'text' },
  Write_Rule__c: { kind: 'picklist', values: WRITE_RULES, required: true },
  Import__c: { kind: 'checkbox' },
  // Written by RUN_EXPORT (Preview → Live); blank reads as Live, the field's default.
  Mode__c: { kind: 'picklist', values: FIELD_MAP_MODES, writes: true },
  Active__c: { kind: 'checkbox' },
  ...statusFields,
} as const satisfies ObjectSpec;

export const AUDIENCE_ENRICHMENT = {
  Name: { kind: 'text' },
  Object__c: { kind: 'picklist', values: RECORD_OBJECTS, required: true },
  Audience__c: { kind: 'lookup', referenceTo: 'Audience__c' },
  Attributes__c: { kind: 'text' },
  Providers__c: { kind: 'text' },
  Schedule__c: { kind: 'text' },
  Time_Zone__c: { kind: 'text' },
  Run_On_Entry__c: { kind: 'checkbox' },
  Max_Credits_Per_Run__c: { kind: 'number' },
  Monthly_Credit_Budget__c: { kind: 'number' },
  // ESTIMATE_RUN writes the run's expected credits here, for the setup tab to show before Run now.
  Estimated_Credits__c: { kind: 'number', writes: true },
  Active__c: { kind: 'checkbox' },
  ...statusFields,
} as const satisfies ObjectSpec;

export const SIGNAL_TYPES = ['Job_Change', 'Funding_Round', 'Hiring_Surge', 'Field_Threshold', 'Webhook'] as const;

export const AUDIENCE_SIGNAL_RULE = {
  Name: { kind: 'text' },
  Type__c: { kind: 'picklist', values: SIGNAL_TYPES, required: true },
  // Optional for Webhook rules (the object comes from the record); the rule check requires it for the others.
  Object__c: { kind: 'picklist', values: RECORD_OBJECTS },
  Settings__c: { kind: 'long_text' },
  Slack_Channel__c: { kind: 'text' },
  Notify_Owner__c: { kind: 'checkbox' },
  Enrol_Action__c: { kind: 'lookup', referenceTo: 'Audience_Action__c' },
  Active__c: { kind: 'checkbox' },
  ...statusFields,
} as const satisfies ObjectSpec;

export const AUDIENCE_ACTION = {
  Name: { kind: 'text' },
  Audience__c: { kind: 'lookup', referenceTo: 'Audience__c', required: true },
  Type__c: {
    kind: 'picklist',
    values: ['Campaign', 'Task', 'Outreach_Sequence', 'Salesloft_Cadence', 'Slack_Message', 'Webhook', 'Ad_Audience'],
    required: true,
  },
  Target__c: { kind: 'text' },
  Settings__c: { kind: 'long_text' },
  On_Exit__c: { kind: 'picklist', values: ['Nothing', 'Remove'] },
  Active__c: { kind: 'checkbox' },
  ...statusFields,
} as const satisfies ObjectSpec;

/** The config objects by API name: what the server reads at start and on RELOAD_CONFIG. */
export const CONFIG_OBJECTS = {
  Audience_Source__c: AUDIENCE_SOURCE,
  Audience__c: AUDIENCE,
  Audience_Field_Map__c: AUDIENCE_FIELD_MAP,
  Audience_Enrichment__c: AUDIENCE_ENRICHMENT,
  Audience_Signal_Rule__c: AUDIENCE_SIGNAL_RULE,
  Audience_Action__c: AUDIENCE_ACTION,
} as const;
