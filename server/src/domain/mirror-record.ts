import type { RECORD_OBJECTS } from './records/config-objects';

export type RecordObject = (typeof RECORD_OBJECTS)[number];

/** A field value as REST returns it: dates and datetimes are strings, numbers are numbers. */
export type FieldValue = string | number | boolean | null;

/**
 * What the server keeps of one imported Salesforce record (DESIGN §5): mapped fields, filtered fields, provider
 * inputs, parent `Account.<Field>` values and the system fields, by API name.
 */
export interface MirrorRecord {
  id: string;
  object: RecordObject;
  fields: Record<string, FieldValue>;
}
