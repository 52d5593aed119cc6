import { valueKindOfType, type FieldTypeLookup, type FilterValueKind } from './filter-field-types';
import { MS_PER_DAY, dayOf, parseFilterTemporal, parseRecordTemporal, type TemporalValue } from './filter-temporal';
import { isAllNode, isAnyNode, isNotNode, type Filter, type FilterCondition, type FilterScalar } from './filter-types';

export interface EvaluateFilterOptions {
  /**
   * Field types from describe. Without them the comparison follows the filter value (number, boolean,
   * ISO date) and the record value's shape; with them a date field compares by day and a number field
   * numerically even when the mirror holds text.
   */
  fieldType?: FieldTypeLookup;
}

/**
 * Whether a record matches a filter, with SOQL's semantics (so the in-process answer equals the
 * WHERE clause's answer from `compileFilterToWhere`):
 * - Logic is two-valued: every condition is true or false, `not` is the complement, `{"all": []}`
 *   matches everything, `{"any": []}` nothing.
 * - Blank is null, undefined or `''`. `eq null` = is_blank, `ne null` = is_not_blank.
 * - `ne` and `not_in` match blank values (SOQL `!=` / `NOT IN` return nulls); `eq`, `in`, `gt`…`lte`,
 *   `contains`, `starts_with` and `changed_within_days` never do.
 * - Text compares case-insensitively; `contains` / `starts_with` match the value literally.
 * - Dates and datetimes compare as instants; when either side is a date only (or the field is a date
 *   field) they compare by UTC day.
 * - `changed_within_days: n` is SOQL's `LAST_N_DAYS:n` as Salesforce documents it: from 00:00:00 UTC
 *   n days before today through the end of today (so n = 1 is yesterday and today).
 *
 * `record` is flat (`Title`, `Account.Industry`); keys are matched case-insensitively, and a nested
 * `{ Account: { Industry } }` is read too.
 */
export function evaluateFilter(
  filter: Filter,
  record: Record<string, unknown>,
  now: Date,
  options?: EvaluateFilterOptions,
): boolean;
/** The same, with `now` among the options. */
export function evaluateFilter(
  filter: Filter,
  record: Record<string, unknown>,
  options: EvaluateFilterOptions & { now: Date },
): boolean;
export function evaluateFilter(
  filter: Filter,
  record: Record<string, unknown>,
  nowOrOptions: Date | (EvaluateFilterOptions & { now: Date }),
  maybeOptions: EvaluateFilterOptions = {},
): boolean {
  const now = nowOrOptions instanceof Date ? nowOrOptions : nowOrOptions.now;
  const options = nowOrOptions instanceof Date ? maybeOptions : nowOrOptions;
  const read = recordReader(record);
  const visit = (node: Filter): boolean => {
    if (isAllNode(node)) return node.all.every(visit);
    if (isAnyNode(node)) return node.any.some(visit);
    if (isNotNode(node)) return !visit(node.not);
    return evaluateCondition(node, read(node.field), now, options.fieldType?.(node.field));
  };
  return visit(filter);
}

function evaluateCondition(cond: FilterCondition, actual: unknown, now: Date, fieldType: string | undefined): boolean {
  const declared = fieldType ? valueKindOfType(fieldType) : undefined;
  switch (cond.op) {
    case 'is_blank':
      return isBlank(actual);
    case 'is_not_blank':
      return !isBlank(actual);
    case 'eq':
      return cond.value === null ? isBlank(actual) : equals(actual, cond.value, declared);
    case 'ne':
      return cond.value === null ? !isBlank(actual) : !equals(actual, cond.value, declared);
    case 'in':
      return (cond.value as FilterScalar[]).some((value) => equals(actual, value, declared));
    case 'not_in':
      return !(cond.value as FilterScalar[]).some((value) => equals(actual, value, declared));
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte': {
      const order = compare(actual, cond.value, declared);
      if (order === undefined) return false;
      if (cond.op === 'gt') return order > 0;
      if (cond.op === 'gte') return order >= 0;
      if (cond.op === 'lt') return order < 0;
      return order <= 0;
    }
    case 'contains':
      return !isBlank(actual) && textOf(actual).toLowerCase().includes(cond.value.toLowerCase());
    case 'starts_with':
      return !isBlank(actual) && textOf(actual).toLowerCase().startsWith(cond.value.toLowerCase());
    case 'changed_within_days':
      return withinLastNDays(actual, cond.value, now, declared);
  }
}

export function isBlank(value: unknown): boolean {
  return value === null || value === undefined || value === '';
}

function equals(actual: unknown, expected: FilterScalar, declared: FilterValueKind | undefined): boolean {
  if (isBlank(actual)) return false;
  const kind = declared ?? inferKind(actual, expected);
  switch (kind) {
    case 'boolean':
      return booleanOf(actual) === booleanOf(expected) && booleanOf(expected) !== undefined;
    case 'number': {
      const left = numberOf(actual);
      const right = numberOf(expected);
      return left !== undefined && left === right;
    }
    case 'date':
    case 'datetime':
      return compare(actual, expected, declared) === 0;
    default:
      return textOf(actual).toLowerCase() === textOf(expected).toLowerCase();
  }
}

/** Sign of actual − expected, or undefined when they cannot be ordered (blank, unparseable). */
function compare(actual: unknown, expected: FilterScalar, declared: FilterValueKind | undefined): number | undefined {
  if (isBlank(actual)) return undefined;
  const temporal = typeof expected === 'string' ? parseFilterTemporal(expected) : undefined;
  if (temporal || declared === 'date' || declared === 'datetime') {
    if (!temporal) return undefined;
    const left = parseRecordTemporal(actual, declared === 'date' || declared === 'datetime');
    if (!left) return undefined;
    return compareTemporal(left, temporal, declared === 'date');
  }
  const left = numberOf(actual);
  const right = numberOf(expected);
  if (left === undefined || right === undefined) return undefined;
  return Math.sign(left - right);
}

function compareTemporal(left: TemporalValue, right: TemporalValue, dateField: boolean): number {
  // A date has no time of day: against a date, compare whole UTC days.
  if (dateField || left.kind === 'date' || right.kind === 'date') return Math.sign(left.day - right.day);
  return Math.sign(left.ms - right.ms);
}

function withinLastNDays(actual: unknown, days: number, now: Date, declared: FilterValueKind | undefined): boolean {
  if (isBlank(actual)) return false;
  const value = parseRecordTemporal(actual, declared === 'date' || declared === 'datetime');
  if (!value) return false;
  const today = dayOf(now.getTime());
  const firstDay = today - days;
  if (declared === 'date' || value.kind === 'date') return value.day >= firstDay && value.day <= today;
  return value.ms >= firstDay * MS_PER_DAY && value.ms < (today + 1) * MS_PER_DAY;
}

/** How to compare when describe is not at hand: by the filter value, and for ISO text by the record's. */
function inferKind(actual: unknown, expected: FilterScalar): FilterValueKind {
  if (typeof expected === 'boolean') return 'boolean';
  if (typeof expected === 'number') return 'number';
  if (parseFilterTemporal(expected) && parseRecordTemporal(actual, false)) return 'datetime';
  return 'text';
}

function booleanOf(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
  }
  return undefined;
}

function numberOf(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value === 'string' && value.trim() !== '') {
    const parsed = Number(value);
    return Number.isFinite(parsed) ? parsed : undefined;
  }
  return undefined;
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

/** Case-insensitive, flat-or-nested field access over one record. */
function recordReader(record: Record<string, unknown>): (field: string) => unknown {
  let lowered: Map<string, unknown> | undefined;
  const flat = (key: string, from: Record<string, unknown>): unknown => {
    if (key in from) return from[key];
    const wanted = key.toLowerCase();
    if (from === record) {
      lowered ??= new Map(Object.entries(record).map(([name, value]) => [name.toLowerCase(), value]));
      return lowered.get(wanted);
    }
    return Object.entries(from).find(([name]) => name.toLowerCase() === wanted)?.[1];
  };
  return (field) => {
    const direct = flat(field, record);
    if (direct !== undefined || !field.includes('.')) return direct;
    const [parent, child] = field.split('.') as [string, string];
    const nested = flat(parent, record);
    return nested && typeof nested === 'object' ? flat(child, nested as Record<string, unknown>) : undefined;
  };
}
