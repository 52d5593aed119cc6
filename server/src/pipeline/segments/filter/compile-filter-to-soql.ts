import type { WhereClause } from 'soql-parser-js';
import { FilterError } from './filter-error';
import { valueKindOfType, type FieldTypeLookup, type FilterValueKind } from './filter-field-types';
import { formatDateTimeLiteral, formatDay, parseFilterTemporal } from './filter-temporal';
import { isAllNode, isAnyNode, isNotNode, type Filter, type FilterCondition, type FilterScalar } from './filter-types';
import { selectQuery, type QueryOrder } from '../../../salesforce/selectors/select-query';

export type { QueryOrder };
import { formatSoqlNumber, quoteSoqlLike, quoteSoqlString } from './soql-literals';
import { buildWhereClause, type SoqlCondition, type WhereExpr } from './where-builder';

export interface CompileFilterOptions {
  /**
   * Field types from describe (see `createFieldTypeLookup`). Needed for date and datetime fields: SOQL
   * takes unquoted date literals there, and a date compared with a datetime field becomes a UTC-day
   * range. Without it, strings in eq/ne/in/not_in are quoted text and gt…lte values are written as given.
   */
  fieldType?: FieldTypeLookup;
}

/**
 * The SOQL WHERE clause (soql-parser-js structure) that selects exactly the records `evaluateFilter`
 * matches, or undefined when the filter matches every record. Constant parts are folded first
 * (`{"all": []}` is true, `{"any": []}` false); a filter that matches nothing compiles to `Id = null`,
 * which no record satisfies, and a double `not` cancels out. Values are escaped here, never pasted: see
 * soql-literals.
 */
export function compileFilterToWhere(filter: Filter, options: CompileFilterOptions = {}): WhereClause | undefined {
  const expr = toExpr(filter, options);
  if (expr === true) return undefined;
  if (expr === false) return buildWhereClause(condition('Id', '=', 'null', 'NULL'));
  return buildWhereClause(expr);
}

export interface BuildQueryInput extends CompileFilterOptions {
  /** API name of the object, e.g. `Contact`. */
  object: string;
  /** Fields to select; relationship paths (`Account.Website`) allowed. */
  fields: readonly string[];
  /** Omitted or matching everything: no WHERE clause. */
  filter?: Filter;
  orderBy?: QueryOrder | readonly QueryOrder[];
  limit?: number;
}

/** A whole SOQL query selecting what the filter matches, composed by soql-parser-js (see `selectQuery`). */
export function buildQuery(input: BuildQueryInput): string {
  const where = input.filter ? compileFilterToWhere(input.filter, input) : undefined;
  return selectQuery({ object: input.object, fields: input.fields, where, orderBy: input.orderBy, limit: input.limit });
}

function toExpr(node: Filter, options: CompileFilterOptions): WhereExpr | boolean {
  if (isAllNode(node) || isAnyNode(node)) {
    const conjunction = isAllNode(node);
    const children = (conjunction ? node.all : node.any).map((child) => toExpr(child, options));
    // AND: one false decides, trues drop out; OR the other way round.
    if (children.includes(!conjunction)) return !conjunction;
    const items = children.filter((child): child is WhereExpr => typeof child !== 'boolean');
    if (items.length === 0) return conjunction;
    if (items.length === 1) return items[0]!;
    return { kind: conjunction ? 'and' : 'or', items };
  }
  if (isNotNode(node)) {
    const inner = toExpr(node.not, options);
    if (typeof inner === 'boolean') return !inner;
    // NOT (NOT x) is x in two-valued logic; spelled out, soql-parser-js 5.0.2 (the emulator's parser)
    // drops a NOT from three nested ones, so the compiler never emits NOT directly inside NOT.
    return inner.kind === 'not' ? inner.item : { kind: 'not', item: inner };
  }
  const declared = options.fieldType?.(node.field);
  return conditionExpr(node, declared ? valueKindOfType(declared) : undefined);
}

function conditionExpr(cond: FilterCondition, kind: FilterValueKind | undefined): WhereExpr {
  const field = cond.field;
  switch (cond.op) {
    case 'is_blank':
      return condition(field, '=', 'null', 'NULL');
    case 'is_not_blank':
      return condition(field, '!=', 'null', 'NULL');
    case 'contains':
    case 'starts_with':
      return condition(field, 'LIKE', quoteSoqlLike(cond.value, cond.op), 'STRING');
    case 'changed_within_days':
      return {
        kind: 'condition',
        condition: {
          field,
          operator: '=',
          value: `LAST_N_DAYS:${cond.value}`,
          literalType: 'DATE_N_LITERAL',
          dateLiteralVariable: cond.value,
        },
      };
    case 'eq':
    case 'ne':
      if (cond.value === null) return condition(field, cond.op === 'eq' ? '=' : '!=', 'null', 'NULL');
      return comparison(cond, cond.op, cond.value, kind);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return comparison(cond, cond.op, cond.value, kind);
    case 'in':
    case 'not_in':
      return membership(cond, cond.op, cond.value, kind);
  }
}

const OPERATOR = { eq: '=', ne: '!=', gt: '>', gte: '>=', lt: '<', lte: '<=' } as const;

type ComparisonOp = keyof typeof OPERATOR;

function comparison(cond: FilterCondition, op: ComparisonOp, value: FilterScalar, kind: FilterValueKind | undefined) {
  const dayRange = dateOnDateTimeField(value, kind);
  if (dayRange) return dayRangeExpr(cond.field, op, dayRange);
  const { text, literalType } = literal(cond, value, kind, op);
  return condition(cond.field, OPERATOR[op], text, literalType);
}

function membership(
  cond: FilterCondition,
  op: 'in' | 'not_in',
  values: readonly FilterScalar[],
  kind: FilterValueKind | undefined,
): WhereExpr {
  if (values.some((value) => dateOnDateTimeField(value, kind))) {
    // A date in the list stands for a whole UTC day of a datetime field: spell out each value.
    const items = values.map((value) => comparison(cond, op === 'in' ? 'eq' : 'ne', value, kind));
    return items.length === 1 ? items[0]! : { kind: op === 'in' ? 'or' : 'and', items };
  }
  const literals = values.map((value) => literal(cond, value, kind, 'eq'));
  return {
    kind: 'condition',
    condition: {
      field: cond.field,
      operator: op === 'in' ? 'IN' : 'NOT IN',
      value: literals.map((item) => item.text),
      literalType: literals.map((item) => item.literalType),
    },
  };
}

/** The UTC day a date value names, when it is compared with a datetime field. */
function dateOnDateTimeField(value: FilterScalar, kind: FilterValueKind | undefined): number | undefined {
  if (kind !== 'datetime' || typeof value !== 'string') return undefined;
  const temporal = parseFilterTemporal(value);
  return temporal?.kind === 'date' ? temporal.day : undefined;
}

/** A datetime field against one UTC day [start, end): the same answers `evaluateFilter` gives. */
function dayRangeExpr(field: string, op: ComparisonOp, day: number): WhereExpr {
  const start = formatDateTimeLiteral(day * 86_400_000);
  const end = formatDateTimeLiteral((day + 1) * 86_400_000);
  switch (op) {
    case 'eq':
      return {
        kind: 'and',
        items: [condition(field, '>=', start, 'DATETIME'), condition(field, '<', end, 'DATETIME')],
      };
    case 'ne':
      // ne matches blanks, as SOQL's != does; spelled out rather than left to NOT.
      return {
        kind: 'or',
        items: [
          condition(field, '<', start, 'DATETIME'),
          condition(field, '>=', end, 'DATETIME'),
          condition(field, '=', 'null', 'NULL'),
        ],
      };
    case 'gt':
      return condition(field, '>=', end, 'DATETIME');
    case 'gte':
      return condition(field, '>=', start, 'DATETIME');
    case 'lt':
      return condition(field, '<', start, 'DATETIME');
    case 'lte':
      return condition(field, '<', end, 'DATETIME');
  }
}

type Literal = { text: string; literalType: 'STRING' | 'INTEGER' | 'DECIMAL' | 'BOOLEAN' | 'DATE' | 'DATETIME' };

function literal(cond: FilterCondition, value: FilterScalar, kind: FilterValueKind | undefined, op: string): Literal {
  const mismatch = (expected: string): FilterError =>
    new FilterError('FILTER_TYPE_MISMATCH', 'filter', `${op} on ${cond.field}, a ${kind} field, needs ${expected}`);
  switch (kind) {
    case 'date':
    case 'datetime': {
      const temporal = typeof value === 'string' ? parseFilterTemporal(value) : undefined;
      if (!temporal) throw mismatch('an ISO date or datetime');
      return kind === 'date'
        ? { text: formatDay(temporal.day), literalType: 'DATE' }
        : { text: formatDateTimeLiteral(temporal.ms), literalType: 'DATETIME' };
    }
    case 'number': {
      const number = typeof value === 'number' ? value : typeof value === 'string' ? Number(value) : NaN;
      if (typeof value === 'string' && value.trim() === '') throw mismatch('a number');
      if (!Number.isFinite(number)) throw mismatch('a number');
      return numberLiteral(number);
    }
    case 'boolean':
      if (typeof value !== 'boolean') throw mismatch('true or false');
      return { text: String(value), literalType: 'BOOLEAN' };
    case undefined:
      if (typeof value === 'number') return numberLiteral(value);
      if (typeof value === 'boolean') return { text: String(value), literalType: 'BOOLEAN' };
      if (op !== 'eq' && op !== 'ne') {
        // gt…lte only take numbers and ISO dates: write the date as the literal it is.
        const temporal = parseFilterTemporal(value);
        if (temporal?.kind === 'date') return { text: formatDay(temporal.day), literalType: 'DATE' };
        if (temporal) return { text: formatDateTimeLiteral(temporal.ms), literalType: 'DATETIME' };
      }
      return { text: quoteSoqlString(value), literalType: 'STRING' };
    default:
      // Text-like fields compare as text in SOQL, whatever the JSON type of the value.
      return { text: quoteSoqlString(String(value)), literalType: 'STRING' };
  }
}

function numberLiteral(value: number): Literal {
  return { text: formatSoqlNumber(value), literalType: Number.isInteger(value) ? 'INTEGER' : 'DECIMAL' };
}

function condition(
  field: string,
  operator: SoqlCondition['operator'],
  value: string,
  literalType: Literal['literalType'] | 'NULL',
): WhereExpr {
  return { kind: 'condition', condition: { field, operator, value, literalType } };
}
