import type { WhereClause } from 'soql-parser-js';
import { isApiName } from './api-name';

/** `<field> = true|false`. */
export function booleanEquals(field: string, value: boolean): WhereClause {
  assertName(field);
  return { left: { field, operator: '=', value: String(value), literalType: 'BOOLEAN' } } as WhereClause;
}

/** `<field> = '<API name>'`: the value must itself have the shape of an API name, so it needs no escaping. */
export function apiNameEquals(field: string, value: string): WhereClause {
  assertName(field);
  if (!isApiName(value)) throw new RangeError(`"${value.slice(0, 40)}" is not an API name`);
  return { left: { field, operator: '=', value: `'${value}'`, literalType: 'STRING' } } as WhereClause;
}

/** Both clauses. */
export function and(left: WhereClause, right: WhereClause): WhereClause {
  return { left: left.left, operator: 'AND', right } as WhereClause;
}

function assertName(field: string): void {
  if (!isApiName(field)) throw new RangeError(`"${field}" is not a field API name`);
}
