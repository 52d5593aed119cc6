import type { AttributeKey, AttributeValue } from '../../../../src/domain/attributes';
import type { FieldMap, WriteRule } from '../../../../src/domain/field-map';
import type { FieldValue, MirrorRecord, RecordObject } from '../../../../src/domain/mirror-record';
import type { RecordWriteInput } from '../../../../src/pipeline/export/write-planner';
import type { FieldWritabilityView } from '../../../../src/pipeline/export/write-plan';

export const NOW = new Date('2026-11-28T12:00:00.000Z');
export const RECORD_ID = '003000000000001AAA';

export function buildRecord(fields: Record<string, FieldValue>, object: RecordObject = 'Contact'): MirrorRecord {
  return { id: RECORD_ID, object, fields };
}

export function buildAttribute(key: AttributeKey, value: string | number, overrides: Partial<AttributeValue> = {}) {
  const attribute: AttributeValue = {
    key,
    value,
    provider: 'pdl',
    confidence: 0.9,
    fetchedAt: '2026-11-28T11:00:00.000Z',
    ...overrides,
  };
  return attribute;
}

let mapCounter = 0;
export function buildMap(
  field: string,
  attribute: AttributeKey | undefined,
  rule: WriteRule,
  object: RecordObject = 'Contact',
) {
  mapCounter += 1;
  const map: FieldMap = { id: `a03${String(mapCounter).padStart(15, '0')}`, object, field, rule, importable: false };
  if (attribute !== undefined) map.attribute = attribute;
  return map;
}

/** Describe of the Contact fields the tests use, as the integration user sees them. */
export const CONTACT_WRITABILITY: FieldWritabilityView = {
  Title: { updateable: true, type: 'string', length: 128 },
  Department: { updateable: true, type: 'string', length: 80 },
  Email: { updateable: true, type: 'email', length: 80 },
  LinkedIn_URL__c: { updateable: true, type: 'url', length: 255 },
  Seniority__c: {
    updateable: true,
    type: 'picklist',
    length: 255,
    picklistValues: ['C-Level', 'VP', 'Director', 'Manager', 'Senior', 'Entry'],
    restrictedPicklist: true,
  },
  Email_Status__c: {
    updateable: true,
    type: 'picklist',
    length: 255,
    picklistValues: ['invalid', 'valid_format', 'verified'],
    restrictedPicklist: true,
  },
  Contact_Score__c: { updateable: true, type: 'double', length: 0, scale: 2 },
  NumberOfEmployees: { updateable: true, type: 'int', length: 0, scale: 0 },
  Job_Change_Detected_At__c: { updateable: true, type: 'datetime', length: 0 },
  Birthdate: { updateable: true, type: 'date', length: 0 },
  HasOptedOutOfEmail: { updateable: true, type: 'boolean', length: 0 },
  Industry: { updateable: true, type: 'string', length: 40 },
  CreatedById: { updateable: false, type: 'reference', length: 18 },
  Audience_Provenance__c: { updateable: true, type: 'textarea', length: 131072 },
  Audience_Last_Enriched_At__c: { updateable: true, type: 'datetime', length: 0 },
};

export function buildInput(overrides: Partial<RecordWriteInput> & Pick<RecordWriteInput, 'record'>): RecordWriteInput {
  return {
    attributes: [],
    fieldMaps: [],
    ledger: {},
    writability: CONTACT_WRITABILITY,
    now: NOW,
    ...overrides,
  };
}
