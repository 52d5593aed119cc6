/**
 * Unique fields (`<unique>true</unique>` in force-app, e.g. `Audience_Member__c.Key__c`): a second live record with
 * the same value is refused with `DUPLICATE_VALUE`, worded as Salesforce words it
 * (`duplicate value found: Key__c duplicates value on record with id: a0B…`, `fields: []`). Text values compare
 * case-insensitively (Salesforce's default for unique text fields).
 *
 * Lookups go through a value → ids index per object and field. Entries are only ever added (on insert/update) and
 * verified against the live row on lookup, so rollbacks and later edits cannot make it answer wrongly; the index is
 * rebuilt from a scan whenever the table's size is not what the index last saw (a rollback of an insert, a seed
 * load or `clear()` that bypassed it).
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
const present = (v: unknown): boolean => v !== undefined && v !== null && v !== '';

export function duplicateValueError(field: string, otherId: string): RecordError {
  return recordError(
    'DUPLICATE_VALUE',
    `duplicate value found: ${field} duplicates value on record with id: ${otherId}`,
    [],
  );
}

interface FieldIndex {
  /** `table.size` when the index last matched the table. */
  size: number;
  ids: Map<unknown, string[]>;
}

export class UniqueIndex {
  private readonly indexes = new WeakMap<Map<string, Row>, Map<string, FieldIndex>>();

  /** The first unique-field clash of `values` with another live row of `table` (ignoring `selfId`), if any. */
  conflict(obj: ObjectSpec, table: Map<string, Row>, values: Row, selfId?: string): RecordError | undefined {
    const names = uniqueFields(obj);
    if (names.length === 0) return undefined;
    for (const name of names) {
      const v = values[name];
      if (!present(v)) continue;
      const want = norm(v);
      for (const id of this.fieldIndex(table, name).ids.get(want) ?? []) {
        if (id === selfId) continue;
        const row = table.get(id);
        if (!row || row.IsDeleted === true || !present(row[name]) || norm(row[name]) !== want) continue;
        return duplicateValueError(name, id);
      }
    }
    return undefined;
  }

  /** Records `row` (just inserted or updated in `table`) under its unique values. */
  note(obj: ObjectSpec, table: Map<string, Row>, row: Row, inserted: boolean): void {
    const names = uniqueFields(obj);
    if (names.length === 0) return;
    const byField = this.indexes.get(table);
    for (const name of names) {
      const idx = byField?.get(name);
      if (!idx) continue;
      if (idx.size !== table.size - (inserted ? 1 : 0)) {
        byField!.delete(name); // out of step: rebuilt on the next lookup
        continue;
      }
      idx.size = table.size;
      const v = row[name];
      if (present(v)) add(idx.ids, norm(v), row.Id as string);
    }
  }

  private fieldIndex(table: Map<string, Row>, name: string): FieldIndex {
    let byField = this.indexes.get(table);
    if (!byField) {
      byField = new Map();
      this.indexes.set(table, byField);
    }
    let idx = byField.get(name);
    if (!idx || idx.size !== table.size) {
      idx = { size: table.size, ids: new Map() };
      for (const row of table.values()) {
        const v = row[name];
        if (present(v)) add(idx.ids, norm(v), row.Id as string);
      }
      byField.set(name, idx);
    }
    return idx;
  }
}

function add(ids: Map<unknown, string[]>, key: unknown, id: string): void {
  const list = ids.get(key);
  if (!list) ids.set(key, [id]);
  else if (!list.includes(id)) list.push(id);
}
