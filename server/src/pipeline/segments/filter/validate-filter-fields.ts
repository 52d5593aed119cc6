import { FilterError } from './filter-error';
import { findFilterField, valueKindOfType, type FilterFieldCatalog, type FilterValueKind } from './filter-field-types';
import { parseFilterFieldName, formatFilterFieldName } from './filter-field-name';
import { formatPath } from './filter-schema';
import { parseFilterTemporal } from './filter-temporal';
import { isAllNode, isAnyNode, isNotNode, type Filter, type FilterCondition, type FilterOp } from './filter-types';

const OPS_BY_KIND: Record<FilterValueKind, readonly FilterOp[]> = {
  text: ['eq', 'ne', 'in', 'not_in', 'contains', 'starts_with', 'is_blank', 'is_not_blank'],
  number: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in', 'is_blank', 'is_not_blank'],
  boolean: ['eq', 'ne', 'is_blank', 'is_not_blank'],
  date: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in', 'is_blank', 'is_not_blank', 'changed_within_days'],
  datetime: ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'not_in', 'is_blank', 'is_not_blank', 'changed_within_days'],
  // SOQL compares multi-select picklists as sets (INCLUDES/EXCLUDES), which the language does not offer.
  multipicklist: ['is_blank', 'is_not_blank'],
  other: [],
};

// SOQL rejects LIKE on Id and lookup fields.
const NO_LIKE_TYPES = new Set(['id', 'reference']);

const KIND_LABEL: Record<FilterValueKind, string> = {
  text: 'a text',
  number: 'a number',
  boolean: 'a checkbox',
  date: 'a date',
  datetime: 'a date/time',
  multipicklist: 'a multi-select picklist',
  other: 'an unsupported',
};

/**
 * Checks a parsed filter against the describe of its object (and of Account for `Account.` fields):
 * every field exists and is filterable, every op suits the field's type, every value suits both.
 * Returns the filter with field names spelled as describe spells them; throws a `FilterError`
 * (`FILTER_UNKNOWN_FIELD`, `FILTER_NOT_FILTERABLE`, `FILTER_TYPE_MISMATCH`) at the first problem.
 */
export function validateFilterFields(filter: Filter, catalog: FilterFieldCatalog): Filter {
  const visit = (node: Filter, path: (string | number)[]): Filter => {
    if (isAllNode(node)) return { all: node.all.map((child, index) => visit(child, [...path, 'all', index])) };
    if (isAnyNode(node)) return { any: node.any.map((child, index) => visit(child, [...path, 'any', index])) };
    if (isNotNode(node)) return { not: visit(node.not, [...path, 'not']) };
    return validateCondition(node, path, catalog);
  };
  return visit(filter, []);
}

function validateCondition(cond: FilterCondition, path: (string | number)[], catalog: FilterFieldCatalog): Filter {
  const describe = findFilterField(catalog, cond.field);
  const parsed = parseFilterFieldName(cond.field);
  if (!describe || !parsed) {
    const where = parsed?.relationship ? ` on ${parsed.relationship}` : '';
    throw new FilterError('FILTER_UNKNOWN_FIELD', formatPath([...path, 'field']), `no field ${cond.field}${where}`);
  }
  const field = formatFilterFieldName({ ...parsed, name: describe.name });
  const kind = valueKindOfType(describe.type);
  if (describe.filterable === false || kind === 'other') {
    throw new FilterError(
      'FILTER_NOT_FILTERABLE',
      formatPath([...path, 'field']),
      `${field} (${describe.type}) cannot be filtered on`,
    );
  }
  const allowed = OPS_BY_KIND[kind].filter(
    (op) => !(NO_LIKE_TYPES.has(describe.type.toLowerCase()) && (op === 'contains' || op === 'starts_with')),
  );
  if (!allowed.includes(cond.op)) {
    throw new FilterError(
      'FILTER_TYPE_MISMATCH',
      formatPath([...path, 'op']),
      `${cond.op} does not apply to ${field}, ${KIND_LABEL[kind]} field (use ${allowed.join(', ')})`,
    );
  }
  const problem = valueProblem(cond, kind);
  if (problem) {
    throw new FilterError(
      'FILTER_TYPE_MISMATCH',
      formatPath([...path, 'value']),
      `${field} is ${KIND_LABEL[kind]} field; ${cond.op} ${problem}`,
    );
  }
  return { ...cond, field } as Filter;
}

/** What the value should have been, or undefined when it fits the field's kind. */
function valueProblem(cond: FilterCondition, kind: FilterValueKind): string | undefined {
  // The parser already checked these ops' values, whatever the field.
  if (!('value' in cond) || cond.op === 'changed_within_days' || cond.op === 'contains' || cond.op === 'starts_with') {
    return undefined;
  }
  const values: unknown[] = Array.isArray(cond.value) ? cond.value : [cond.value];
  const fits = (value: unknown): boolean => {
    if (value === null) return true;
    switch (kind) {
      case 'text':
        return typeof value === 'string';
      case 'number':
        return typeof value === 'number';
      case 'boolean':
        return typeof value === 'boolean';
      case 'date':
      case 'datetime':
        return typeof value === 'string' && parseFilterTemporal(value) !== undefined;
      default:
        return false;
    }
  };
  if (values.every(fits)) return undefined;
  const expected: Record<FilterValueKind, string> = {
    text: 'a string',
    number: 'a number',
    boolean: 'true or false',
    date: 'an ISO date (2024-01-31)',
    datetime: 'an ISO date or datetime (2024-01-31T10:00:00Z)',
    multipicklist: 'no value',
    other: 'no value',
  };
  return `needs ${Array.isArray(cond.value) ? 'values that are each ' : ''}${expected[kind]}`;
}
