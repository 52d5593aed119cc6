/**
 * External-id relationship references in a record body, as Salesforce accepts them on create, update and upsert
 * (REST, sObject Collections, Composite): `"Audience_Member__r": {"Key__c": "…"}` sets the lookup
 * `Audience_Member__c` to the record whose external id `Key__c` has that value. The errors are the platform's:
 * `INVALID_FIELD` "Foreign key external ID: … not found for field … in entity …" when no record has the value, the
 * same code when the field is not an external id or both the id and the reference are given, and
 * `DUPLICATE_EXTERNAL_ID` when several records have it.
 */
import { recordError, type RecordError } from '../errors';
import type { Org } from '../org/org';
import type { Row } from '../org/store';
import type { FieldSpec, ObjectSpec } from '../schema/field-builders';

/** The lookup field whose relationship name is `key` (`Audience_Member__r` → `Audience_Member__c`), if any. */
export function referenceFieldFor(obj: ObjectSpec, key: string): FieldSpec | undefined {
  const name = key.toLowerCase();
  return obj.fields.find((f) => f.type === 'reference' && f.relationshipName?.toLowerCase() === name);
}

interface ValueIndex {
  size: number;
  ids: Map<unknown, string[]>;
}
/** Value → ids per table and field; rebuilt when the table's size changed, verified against the live row on use. */
const indexes = new WeakMap<Map<string, Row>, Map<string, ValueIndex>>();

const norm = (v: unknown): unknown => (typeof v === 'string' ? v.toLowerCase() : v);

function liveMatches(table: Map<string, Row>, field: string, value: unknown): string[] {
  let byField = indexes.get(table);
  if (!byField) indexes.set(table, (byField = new Map()));
  let idx = byField.get(field);
  if (!idx || idx.size !== table.size) {
    idx = { size: table.size, ids: new Map() };
    for (const row of table.values()) {
      const v = row[field];
      if (v === undefined || v === null) continue;
      const list = idx.ids.get(norm(v));
      if (list) list.push(row.Id as string);
      else idx.ids.set(norm(v), [row.Id as string]);
    }
    byField.set(field, idx);
  }
  const want = norm(value);
  const live = (id: string) => {
    const row = table.get(id);
    return row !== undefined && row.IsDeleted !== true && norm(row[field]) === want;
  };
  const found = (idx.ids.get(want) ?? []).filter(live);
  if (found.length > 0) return found;
  // An edit that changed the value without changing the table's size: a scan makes the miss certain.
  const scanned = [...table.values()].filter((row) => live(row.Id as string)).map((row) => row.Id as string);
  if (scanned.length > 0) byField.delete(field);
  return scanned;
}

/**
 * Resolves `raw` (the nested object under the relationship name) to the parent's id; pushes a per-record error and
 * returns undefined when it cannot.
 */
export function resolveExternalIdReference(
  org: Org,
  lookup: FieldSpec,
  relationship: string,
  raw: unknown,
  errors: RecordError[],
): string | null | undefined {
  if (raw === null) return null;
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    errors.push(
      recordError('INVALID_TYPE_ON_FIELD_IN_RECORD', `${relationship}: value not of required type: ${String(raw)}`, [
        lookup.name,
      ]),
    );
    return undefined;
  }
  const { attributes, ...keys } = raw as Record<string, unknown>;
  const typeName = (attributes as { type?: unknown } | undefined)?.type;
  const parentName =
    typeof typeName === 'string' ? typeName : lookup.referenceTo.length === 1 ? lookup.referenceTo[0] : undefined;
  const parent = parentName ? org.catalog.getObject(parentName) : undefined;
  if (!parent || !lookup.referenceTo.some((r) => r.toLowerCase() === parent.name.toLowerCase())) {
    errors.push(recordError('INVALID_FIELD', `${relationship}: Must send a concrete entity type.`, [lookup.name]));
    return undefined;
  }
  const entries = Object.entries(keys);
  if (entries.length !== 1) {
    errors.push(
      recordError(
        'INVALID_FIELD',
        `${relationship}: a foreign key reference must name exactly one external ID field of ${parent.name}`,
        [lookup.name],
      ),
    );
    return undefined;
  }
  const [fieldName, value] = entries[0]!;
  const key = parent.getField(fieldName);
  if (!key || !key.externalId) {
    errors.push(
      recordError(
        'INVALID_FIELD',
        `Field name provided, ${fieldName} is not an External ID or indexed field for ${parent.name}`,
        [lookup.name],
      ),
    );
    return undefined;
  }
  if (value === null || value === undefined || value === '') return null;
  const matches = liveMatches(org.store.table(parent), key.name, value);
  if (matches.length === 0) {
    errors.push(
      recordError(
        'INVALID_FIELD',
        `Foreign key external ID: ${String(value)} not found for field ${key.name} in entity ${parent.name}`,
        [],
      ),
    );
    return undefined;
  }
  if (matches.length > 1) {
    errors.push(
      recordError(
        'DUPLICATE_EXTERNAL_ID',
        `${key.label}: more than one record found for external id field: ${matches.join(', ')}`,
        [lookup.name],
      ),
    );
    return undefined;
  }
  return matches[0];
}
