import type { OrderByClause, Query, WhereClause } from 'soql-parser-js';
import { isApiName, isFieldPath, isRecordId } from './api-name';
import { composeQuery, getField } from './soql';

export interface QueryOrder {
  field: string;
  order?: 'ASC' | 'DESC';
  nulls?: 'FIRST' | 'LAST';
}

export interface SelectSpec {
  object: string;
  /** Fields to select; relationship paths (`Account.Website`) allowed. */
  fields: readonly string[];
  /** A WHERE clause already composed from escaped values (the filter compiler, `idsWhere`). */
  where?: WhereClause;
  orderBy?: QueryOrder | readonly QueryOrder[];
  limit?: number;
}

/**
 * A whole SOQL query, composed by soql-parser-js. Names are checked by shape before they go in; values only ever
 * arrive inside a WHERE clause built from escaped literals, never pasted.
 */
export function selectQuery(spec: SelectSpec): string {
  if (!isApiName(spec.object)) throw new RangeError(`selectQuery: "${spec.object}" is not an object API name`);
  if (spec.fields.length === 0) throw new RangeError('selectQuery: no fields to select');
  for (const field of spec.fields) assertFieldPath(field);
  const query: Query = { sObject: spec.object, fields: spec.fields.map((field) => getField(field)) };
  if (spec.where) query.where = spec.where;
  if (spec.orderBy) {
    const orders: readonly QueryOrder[] = Array.isArray(spec.orderBy)
      ? (spec.orderBy as readonly QueryOrder[])
      : [spec.orderBy as QueryOrder];
    query.orderBy = orders.map((order): OrderByClause => {
      assertFieldPath(order.field);
      return {
        field: order.field,
        ...(order.order && { order: order.order }),
        ...(order.nulls && { nulls: order.nulls }),
      };
    });
  }
  if (spec.limit !== undefined) {
    if (!Number.isSafeInteger(spec.limit) || spec.limit < 1) throw new RangeError('selectQuery: limit must be ≥ 1');
    query.limit = spec.limit;
  }
  return composeQuery(query);
}

/** `SELECT COUNT() FROM <object> [WHERE …]`. */
export function countQuery(object: string, where?: WhereClause): string {
  if (!isApiName(object)) throw new RangeError(`countQuery: "${object}" is not an object API name`);
  const query: Query = {
    sObject: object,
    fields: [{ type: 'FieldFunctionExpression', functionName: 'COUNT', parameters: [], rawValue: 'COUNT()' }],
  };
  if (where) query.where = where;
  return composeQuery(query);
}

/**
 * `Id IN ('…', …)`. Every id is checked to be a record id first (letters and digits only, so it needs no
 * escaping); anything else is refused rather than sent.
 */
export function idsWhere(ids: readonly string[]): WhereClause {
  if (ids.length === 0) throw new RangeError('idsWhere: no ids');
  const bad = ids.find((id) => !isRecordId(id));
  if (bad !== undefined) throw new RangeError(`idsWhere: "${bad.slice(0, 40)}" is not a Salesforce record id`);
  return {
    left: { field: 'Id', operator: 'IN', value: ids.map((id) => `'${id}'`), literalType: 'STRING' },
  } as WhereClause;
}

function assertFieldPath(field: string): void {
  if (!isFieldPath(field)) throw new RangeError(`selectQuery: "${field}" is not a field path`);
}
