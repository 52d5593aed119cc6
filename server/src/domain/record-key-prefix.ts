import type { RecordObject } from './mirror-record';

/** The standard key prefixes of the objects the loop follows (the first three characters of every id). */
const OBJECT_BY_KEY_PREFIX: Readonly<Record<string, RecordObject>> = {
  '003': 'Contact',
  '00Q': 'Lead',
  '001': 'Account',
};

/** The object a record id belongs to, or undefined when it is not a Contact, Lead or Account. */
export function objectOfRecordId(id: string): RecordObject | undefined {
  return OBJECT_BY_KEY_PREFIX[id.slice(0, 3)];
}
