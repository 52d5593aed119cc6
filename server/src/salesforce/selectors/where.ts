import type { WhereClause } from 'soql-parser-js';
import { isApiName, isRecordId } from './api-name';

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

/** `<field> = '<record id>'`: the value must have the shape of a record id (letters and digits only). */
export function idEquals(field: string, id: string): WhereClause {
  assertName(field);
  if (!isRecordId(id)) throw new RangeError(`"${id.slice(0, 40)}" is not a Salesforce record id`);
  return { left: { field, operator: '=', value: `'${id}'`, literalType: 'STRING' } } as WhereClause;
}

/** `<field> IN ('…', …)` over record ids (each checked to be one). */
export function idIn(field: string, ids: readonly string[]): WhereClause {
  assertName(field);
  if (ids.length === 0) throw new RangeError('idIn: no ids');
  const bad = ids.find((id) => !isRecordId(id));
  if (bad !== undefined) throw new RangeError(`"${bad.slice(0, 40)}" is not a Salesforce record id`);
  return {
    left: { field, operator: 'IN', value: ids.map((id) => `'${id}'`), literalType: 'STRING' },
  } as WhereClause;
}

/** `<field> IN ('…', …)` over text values, each escaped as a SOQL string literal (backslash and quote). */
export function textIn(field: string, values: readonly string[]): WhereClause {
  assertName(field);
  if (values.length === 0) throw new RangeError('textIn: no values');
  return {
    left: { field, operator: 'IN', value: values.map(quoteText), literalType: 'STRING' },
  } as WhereClause;
}

function quoteText(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** `<field> LIKE '%<value>%'`: the value escaped as a SOQL string literal, and its own `%` and `_` made literal. */
export function textContains(field: string, value: string): WhereClause {
  assertName(field);
  if (value === '') throw new RangeError('textContains: empty value');
  const literal = value
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/[%_]/g, (c) => `\\${c}`);
  return { left: { field, operator: 'LIKE', value: `'%${literal}%'`, literalType: 'STRING' } } as WhereClause;
}
