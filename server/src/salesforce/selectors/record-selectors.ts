import type { WhereClause } from 'soql-parser-js';
import { idsWhere, selectQuery } from './select-query';

/** What a record query selects: the object, its fields and the parent paths (`Account.Website`). */
export interface RecordFields {
  object: string;
  fields: readonly string[];
  parentFields?: readonly string[];
}

/** The records the WHERE clause (an inclusion filter, compiled and escaped) selects, with the given fields. */
export function recordsQuery(select: RecordFields, where?: WhereClause): string {
  return selectQuery({ object: select.object, fields: [...select.fields, ...(select.parentFields ?? [])], where });
}

/** The given records (≤ 200 ids per query keeps the SOQL short), with the given fields. */
export function recordsByIdQuery(select: RecordFields, ids: readonly string[]): string {
  return selectQuery({
    object: select.object,
    fields: [...new Set(['Id', ...select.fields, ...(select.parentFields ?? [])])],
    where: idsWhere(ids),
  });
}
