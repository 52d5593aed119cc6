import { EMAIL_STATUSES, PHONE_TYPES, SENIORITIES } from '../attributes';
import type { ObjectSpec } from './field-spec';

/**
 * The custom fields the server writes onto the records themselves (standard fields are mapped, not copied). Their
 * picklist values are the attribute values of DESIGN §8, defined once in `domain/attributes.ts`.
 */
const personFields = {
  Seniority__c: { kind: 'picklist', values: SENIORITIES, writes: true },
  Email_Status__c: { kind: 'picklist', values: EMAIL_STATUSES, writes: true },
  Phone_Type__c: { kind: 'picklist', values: PHONE_TYPES, writes: true },
  LinkedIn_URL__c: { kind: 'url', writes: true },
  Job_Change_Detected_At__c: { kind: 'datetime', writes: true },
  Previous_Company__c: { kind: 'text', writes: true },
} as const satisfies ObjectSpec;

const loopFields = {
  Audience_Provenance__c: { kind: 'long_text', writes: true },
  Audience_Last_Enriched_At__c: { kind: 'datetime', writes: true },
} as const satisfies ObjectSpec;

export const CONTACT_FIELDS = {
  ...personFields,
  ...loopFields,
  Contact_Score__c: { kind: 'number', writes: true },
} as const satisfies ObjectSpec;

export const LEAD_FIELDS = {
  ...personFields,
  ...loopFields,
  Department__c: { kind: 'text', writes: true, maxLength: 80 },
} as const satisfies ObjectSpec;

export const ACCOUNT_FIELDS = {
  ...loopFields,
  Open_Roles__c: { kind: 'number', writes: true },
  Last_Funding_Round__c: { kind: 'text', writes: true },
  Last_Funding_Amount__c: { kind: 'currency', writes: true },
  Last_Funding_Date__c: { kind: 'date', writes: true },
  Job_Board_Url__c: { kind: 'url', writes: true },
} as const satisfies ObjectSpec;

/** Custom fields on Activity (Task and Event share them): the key that marks a Task an action created. */
export const ACTIVITY_FIELDS = {
  Audience_Action_Key__c: { kind: 'text', writes: true },
} as const satisfies ObjectSpec;

export const RECORD_FIELDS = { Contact: CONTACT_FIELDS, Lead: LEAD_FIELDS, Account: ACCOUNT_FIELDS } as const;
