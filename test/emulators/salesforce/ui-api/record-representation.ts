import { createHash } from 'node:crypto';
import { formatIsoDateTime } from '../org/clock';
import type { Org } from '../org/org';
import type { Row } from '../org/store';
import type { ObjectSpec } from '../schema/field-builders';
import { fieldValue, type FieldValue } from './field-value';
import { resolvePath } from './field-paths';

/** Record types are not modelled: every record has the master record type, as in an org without any. */
export const MASTER_RECORD_TYPE_ID = '012000000000000AAA';

export interface RecordRepresentation {
  apiName: string;
  childRelationships: Record<string, unknown>;
  eTag: string;
  fields: Record<string, FieldValue>;
  id: string;
  lastModifiedById: string | null;
  lastModifiedDate: string | null;
  recordTypeId: string;
  recordTypeInfo: null;
  systemModstamp: string | null;
  weakEtag: number;
}

/**
 * The UI API Record for `row` with the given field paths (already checked with `resolvePath`, relative to
 * `obj`: `['Title']`, `['Account', 'Name']`). A lookup path renders as the relationship name whose value is the
 * related record (null when the lookup is empty) and whose display value is that record's name.
 */
export function recordRepresentation(
  org: Org,
  obj: ObjectSpec,
  row: Row,
  paths: string[][],
  userId: string,
): RecordRepresentation {
  const fields: Record<string, FieldValue> = {};
  const throughLookup = new Map<string, { lookupField: string; relationshipName: string; rest: string[][] }>();
  for (const names of paths) {
    const path = resolvePath(org, obj, names, userId);
    if (!path) continue;
    if (path.kind === 'field') {
      fields[path.field.name] = fieldValue(path.field, row);
      continue;
    }
    const relationshipName = path.lookup.relationshipName!;
    const entry = throughLookup.get(relationshipName) ?? { lookupField: path.lookup.name, relationshipName, rest: [] };
    entry.rest.push(path.rest);
    throughLookup.set(relationshipName, entry);
  }
  for (const { lookupField, relationshipName, rest } of throughLookup.values()) {
    const id = row[lookupField];
    const related = typeof id === 'string' ? org.store.find(id) : undefined;
    if (!related || related.row.IsDeleted === true) {
      fields[relationshipName] = { displayValue: null, value: null };
      continue;
    }
    const name = related.row.Name;
    fields[relationshipName] = {
      displayValue: typeof name === 'string' ? name : null,
      value: recordRepresentation(org, related.obj, related.row, rest, userId),
    };
  }
  const modstamp = typeof row.SystemModstamp === 'number' ? row.SystemModstamp : 0;
  return {
    apiName: obj.name,
    childRelationships: {},
    eTag: createHash('md5')
      .update(`${String(row.Id)}:${modstamp}:${Object.keys(fields).join(',')}`)
      .digest('hex'),
    fields,
    id: String(row.Id),
    lastModifiedById: typeof row.LastModifiedById === 'string' ? row.LastModifiedById : null,
    lastModifiedDate: typeof row.LastModifiedDate === 'number' ? formatIsoDateTime(row.LastModifiedDate) : null,
    recordTypeId: MASTER_RECORD_TYPE_ID,
    recordTypeInfo: null,
    systemModstamp: modstamp ? formatIsoDateTime(modstamp) : null,
    weakEtag: modstamp,
  };
}

/** True when `names` resolves on `obj` for `userId`, following lookups to their target objects. */
export function pathResolves(org: Org, obj: ObjectSpec, names: string[], userId: string): boolean {
  const path = resolvePath(org, obj, names, userId);
  if (!path) return false;
  if (path.kind === 'field') return true;
  return path.lookup.referenceTo.some((target) => {
    const related = org.catalog.getObject(target);
    return related !== undefined && pathResolves(org, related, path.rest, userId);
  });
}
