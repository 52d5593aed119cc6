import { parseFilterFieldName, type ParentRelationship } from './filter-field-name';

/** Salesforce describe field types (`DescribeSObjectResult.fields[].type`). */
export type SalesforceFieldType =
  | 'id'
  | 'reference'
  | 'string'
  | 'textarea'
  | 'email'
  | 'phone'
  | 'url'
  | 'picklist'
  | 'multipicklist'
  | 'combobox'
  | 'encryptedstring'
  | 'boolean'
  | 'int'
  | 'long'
  | 'double'
  | 'currency'
  | 'percent'
  | 'date'
  | 'datetime'
  | 'time'
  | 'address'
  | 'location'
  | 'base64'
  | 'anyType';

/** The part of a describe field a filter cares about. */
export interface FilterFieldDescribe {
  name: string;
  type: SalesforceFieldType | (string & {});
  /** Describe's `filterable`; long text areas and compound fields are false. Absent means filterable. */
  filterable?: boolean;
}

/** The fields of the filter's object, plus the fields behind `Account.` where the object has that parent. */
export interface FilterFieldCatalog {
  fields: readonly FilterFieldDescribe[];
  parentFields?: (relationship: ParentRelationship) => readonly FilterFieldDescribe[] | undefined;
}

/** How a filter value is compared and written as a SOQL literal. */
export type FilterValueKind = 'text' | 'number' | 'boolean' | 'date' | 'datetime' | 'multipicklist' | 'other';

/** Resolves a filter field (`Title`, `Account.Industry`) to its describe type, case-insensitively. */
export type FieldTypeLookup = (field: string) => string | undefined;

const KIND_BY_TYPE: Record<string, FilterValueKind> = {
  id: 'text',
  reference: 'text',
  string: 'text',
  textarea: 'text',
  email: 'text',
  phone: 'text',
  url: 'text',
  picklist: 'text',
  combobox: 'text',
  encryptedstring: 'text',
  boolean: 'boolean',
  int: 'number',
  long: 'number',
  double: 'number',
  currency: 'number',
  percent: 'number',
  date: 'date',
  datetime: 'datetime',
  multipicklist: 'multipicklist',
};

export function valueKindOfType(type: string): FilterValueKind {
  return KIND_BY_TYPE[type.toLowerCase()] ?? 'other';
}

/** Finds a field's describe entry by filter field name, case-insensitively. */
export function findFilterField(catalog: FilterFieldCatalog, field: string): FilterFieldDescribe | undefined {
  const parsed = parseFilterFieldName(field);
  if (!parsed) return undefined;
  const fields = parsed.relationship ? catalog.parentFields?.(parsed.relationship) : catalog.fields;
  const wanted = parsed.name.toLowerCase();
  return fields?.find((candidate) => candidate.name.toLowerCase() === wanted);
}

/** A `FieldTypeLookup` over a catalog, for `evaluateFilter` and `compileFilterToWhere`. */
export function createFieldTypeLookup(catalog: FilterFieldCatalog): FieldTypeLookup {
  const cache = new Map<string, string | undefined>();
  return (field) => {
    const key = field.toLowerCase();
    if (!cache.has(key)) cache.set(key, findFilterField(catalog, field)?.type);
    return cache.get(key);
  };
}
