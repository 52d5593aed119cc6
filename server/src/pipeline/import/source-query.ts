import type { Query } from 'soql-parser-js';
import { composeQuery } from '../segments/filter/soql-parser';
import type { SourceConfig } from '../../config/loop-config';
import { buildQuery, compileFilterToWhere, type Filter, type FieldTypeLookup } from '../segments/filter';
import type { MirrorFieldSet } from './mirror-fields';

/** The SOQL that reads a source's records with exactly the mirrored fields, built by soql-parser-js. */
export function sourceQuery(
  source: SourceConfig,
  fields: MirrorFieldSet,
  fieldType: FieldTypeLookup,
  extra?: Filter,
): string {
  const filter: Filter = extra ? { all: [source.filter, extra] } : source.filter;
  return buildQuery({ object: source.object, fields: [...fields.fields, ...fields.parentFields], filter, fieldType });
}

/** `SELECT COUNT() FROM <object> WHERE <inclusion filter>`: decides REST paging or Bulk API 2.0. */
export function sourceCountQuery(source: SourceConfig, fieldType: FieldTypeLookup): string {
  const query: Query = {
    sObject: source.object,
    fields: [{ type: 'FieldFunctionExpression', functionName: 'COUNT', parameters: [], rawValue: 'COUNT()' }],
  };
  const where = compileFilterToWhere(source.filter, { fieldType });
  if (where) query.where = where;
  return composeQuery(query);
}
