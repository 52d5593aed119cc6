import type { SourceConfig } from '../../config/loop-config';

/** What a query needs of a source: its object and inclusion filter (one source, or an object's sources OR-ed). */
export type QueriedSource = Pick<SourceConfig, 'object' | 'filter'>;
import { recordsQuery } from '../../salesforce/selectors/record-selectors';
import { compileFilterToWhere, type Filter, type FieldTypeLookup } from '../segments/filter';
import type { MirrorFieldSet } from './mirror-fields';

/** The SOQL that reads a source's records with exactly the mirrored fields (its filter compiled, values escaped). */
export function sourceQuery(
  source: QueriedSource,
  fields: MirrorFieldSet,
  fieldType: FieldTypeLookup,
  extra?: Filter,
): string {
  const filter: Filter = extra ? { all: [source.filter, extra] } : source.filter;
  return recordsQuery(
    { object: source.object, fields: fields.fields, parentFields: fields.parentFields },
    compileFilterToWhere(filter, { fieldType }),
  );
}
