/**
 * Unique fields (`<unique>true</unique>` in force-app, e.g. `Audience_Member__c.Key__c`): a second live record with
 * the same value is refused with `DUPLICATE_VALUE`, worded as Salesforce words it
 * (`duplicate value found: Key__c duplicates value on record with id: a0B…`, `fields: []`). Text values compare
 * case-insensitively (Salesforce's default for unique text fields).
 */
import { recordError, type RecordError } from '../errors';
import type { ObjectSpec } from '../schema/field-builders';
import type { Row } from './store';

const uniqueByObject = new WeakMap<ObjectSpec, string[]>();

function uniqueFields(obj: ObjectSpec): string[] {
  let names = uniqueByObject.get(obj);
  if (!names) {
    names = obj.fields.filter((f) => f.unique && !f.calculated && f.name !== 'Id').map((f) => f.name);
    uniqueByObject.set(obj, names);
  }
  return names;
}

const norm = (v: unknown): unknown => (typeof v === 'string' ? v.toLowerCase() : v);

export function duplicateValueError(field: string, otherId: string): RecordError {
  return recordError(
    'DUPLICATE_VALUE',
    `duplicate value found: ${field} duplicates value on record with id: ${otherId}`,
    [],
  );
}

/** The first unique-field clash of `values` with another live row of `table` (ignoring `selfId`), if any. */
export function uniqueConflict(
  obj: ObjectSpec,
  table: Map<string, Row>,
  values: Row,
  selfId?: string,
): RecordError | undefined {
  const names = uniqueFields(obj);
  if (names.length === 0) return undefined;
  for (const name of names) {
    const v = values[name];
    if (v === undefined || v === null || v === '') continue;
    const want = norm(v);
    for (const row of table.values()) {
      if (row.IsDeleted === true || row.Id === selfId) continue;
      const other = row[name];
      if (other !== undefined && other !== null && norm(other) === want)
        return duplicateValueError(name, row.Id as string);
    }
  }
  return undefined;
}
