import type { ObjectSpec } from './field-spec';

/** The custom fields the server writes onto the records themselves (standard fields are mapped, not copied). */
export const SENIORITY = ['C-Level', 'VP', 'Director', 'Manager', 'Senior', 'Entry'] as const;
export const EMAIL_STATUS = [
  'invalid',
  'disposable',
  'role',
  'personal',
  'valid_format',
  'verified',
  'risky',
  'undeliverable',
] as const;
export const PHONE_TYPE = ['mobile', 'fixed_line', 'fixed_line_or_mobile', 'toll_free', 'voip', 'other'] as const;

const personFields = {
  Seniority__c: { kind: 'picklist', values: SENIORITY, writes: true },
  Email_Status__c: { kind: 'picklist', values: EMAIL_STATUS, writes: true },
  Phone_Type__c: { kind: 'picklist', values: PHONE_TYPE, writes: true },
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

export const RECORD_FIELDS = { Contact: CONTACT_FIELDS, Lead: LEAD_FIELDS, Account: ACCOUNT_FIELDS } as const;
