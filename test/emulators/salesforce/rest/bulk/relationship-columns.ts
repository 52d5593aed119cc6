/**
 * Relationship columns in Bulk ingest (`ReportsTo.Email`, `Account.External_Id__c`): the relationship name of a
 * lookup, then an idLookup or external-id field of its parent. Each value is resolved to the parent's id; no match
 * (or several) fails the row as Salesforce does.
 */
import { RecordErrors, recordError } from '../../errors';
import type { Org } from '../../org/org';
import type { FieldSpec, ObjectSpec } from '../../schema/field-builders';
import { findByExternalId } from '../records';

export interface RelationshipColumn {
  lookup: FieldSpec;
  parent: ObjectSpec;
  key: FieldSpec;
}

/** The idLookup fields a parent is matched by (as describe's `idLookup`). */
function isIdLookup(f: FieldSpec): boolean {
  return f.type === 'id' || f.externalId || f.name === 'Email' || f.name === 'Username';
}

/** `Rel.Field` resolved against `obj`; undefined when the column is not a usable relationship column. */
export function relationshipColumn(org: Org, obj: ObjectSpec, column: string): RelationshipColumn | undefined {
  const [rel, keyName, ...rest] = column.split('.');
  if (!rel || !keyName || rest.length) return undefined;
  const lookup = obj.fields.find(
    (f) => f.type === 'reference' && f.relationshipName?.toLowerCase() === rel.toLowerCase(),
  );
  const parent = lookup?.referenceTo.length === 1 ? org.catalog.getObject(lookup.referenceTo[0]!) : undefined;
  const key = parent?.getField(keyName);
  return lookup && parent && key && isIdLookup(key) ? { lookup, parent, key } : undefined;
}

/** The parent id for `value`; throws RecordErrors (the row fails) when none or several match. */
export function resolveRelationship(org: Org, col: RelationshipColumn, value: string): string {
  const ids = col.key.type === 'id' ? [value] : findByExternalId(org, col.parent, col.key.name, value);
  if (ids.length === 1) return ids[0]!;
  const problem = ids.length === 0 ? 'not found' : 'matches multiple records';
  throw new RecordErrors([
    recordError(
      'INVALID_FIELD',
      `Foreign key external ID: ${value} ${problem} for field ${col.key.name} in entity ${col.parent.name}`,
      [],
    ),
  ]);
}
