import type { CommittedTransaction, RecordChange, SchemaCatalog } from '../../org-contract';
import { changedFieldName, nestCompoundFields } from './compound-fields';

/** A change event before it gets channels and a replay id. */
export interface ChangeEvent {
  entityName: string;
  payload: Record<string, unknown>;
}

// CDC never carries these (record id is in the header; the rest are excluded fields).
const EXCLUDED_FIELDS = new Set(['Id', 'IsDeleted', 'SystemModstamp']);

interface Group {
  first: RecordChange;
  recordIds: string[];
}

/**
 * Turns a committed transaction into CometD change events: records changed the same way (same type, fields and
 * values) merge into one event with several `recordIds`; events are numbered in commit order.
 */
export function buildChangeEvents(tx: CommittedTransaction, schema: SchemaCatalog): ChangeEvent[] {
  const groups = new Map<string, Group>();
  for (const change of tx.changes) {
    const key = mergeKey(change);
    const group = groups.get(key);
    if (group) group.recordIds.push(change.recordId);
    else groups.set(key, { first: change, recordIds: [change.recordId] });
  }
  return [...groups.values()].map((group, index) => {
    const { first } = group;
    const object = schema.getObject(first.entityName);
    const kept = (field: string): boolean =>
      !EXCLUDED_FIELDS.has(field) && object?.getField(field)?.calculated !== true;
    const values = first.changeType === 'DELETE' ? {} : pick(first.values, kept);
    const changedFields =
      first.changeType === 'UPDATE' ? first.changedFields.filter(kept).map((f) => changedFieldName(object, f)) : [];
    return {
      entityName: first.entityName,
      payload: {
        ChangeEventHeader: {
          commitNumber: tx.commitNumber,
          commitUser: tx.commitUserId,
          sequenceNumber: index + 1,
          entityName: first.entityName,
          changeType: first.changeType,
          changedFields: [...new Set(changedFields)],
          changeOrigin: tx.changeOrigin,
          transactionKey: tx.transactionKey,
          commitTimestamp: tx.commitTimestamp,
          recordIds: group.recordIds,
        },
        ...nestCompoundFields(object, values),
      },
    };
  });
}

// Audit fields may tick between records of one DML; they do not make two changes different.
const AUDIT_FIELDS = new Set(['LastModifiedDate', 'LastModifiedById', 'SystemModstamp']);

function mergeKey(change: RecordChange): string {
  const values = Object.keys(change.values)
    .filter((k) => !AUDIT_FIELDS.has(k))
    .sort()
    .map((k) => [k, change.values[k]]);
  return JSON.stringify([change.entityName, change.changeType, [...change.changedFields].sort(), values]);
}

function pick(values: Record<string, unknown>, keep: (field: string) => boolean): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([field]) => keep(field)));
}
