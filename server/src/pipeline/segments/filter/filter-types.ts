/** The segment filter language of DESIGN.md §7, as parsed by `parseFilter`. */

export const FILTER_OPS = [
  'eq',
  'ne',
  'gt',
  'gte',
  'lt',
  'lte',
  'in',
  'not_in',
  'contains',
  'starts_with',
  'is_blank',
  'is_not_blank',
  'changed_within_days',
] as const;

export type FilterOp = (typeof FILTER_OPS)[number];

export type FilterScalar = string | number | boolean;

export interface EqualityCondition {
  field: string;
  op: 'eq' | 'ne';
  /** Never `''`: the parser turns a blank string into null, as SOQL does. */
  value: FilterScalar | null;
}

export interface RangeCondition {
  field: string;
  op: 'gt' | 'gte' | 'lt' | 'lte';
  /** A number, or an ISO date (`2024-01-31`) or datetime (`2024-01-31T10:00:00Z`, offsets allowed). */
  value: number | string;
}

export interface SetCondition {
  field: string;
  op: 'in' | 'not_in';
  /** Non-empty; all strings or all numbers; no blanks. */
  value: string[] | number[];
}

export interface TextCondition {
  field: string;
  op: 'contains' | 'starts_with';
  /** Non-empty; matched literally (`%` and `_` are not wildcards). */
  value: string;
}

export interface BlankCondition {
  field: string;
  op: 'is_blank' | 'is_not_blank';
}

export interface RecencyCondition {
  field: string;
  op: 'changed_within_days';
  /** Whole days, as SOQL's LAST_N_DAYS:n. */
  value: number;
}

export type FilterCondition =
  EqualityCondition | RangeCondition | SetCondition | TextCondition | BlankCondition | RecencyCondition;

export interface AllNode {
  all: Filter[];
}

export interface AnyNode {
  any: Filter[];
}

export interface NotNode {
  not: Filter;
}

export type Filter = AllNode | AnyNode | NotNode | FilterCondition;

export function isAllNode(node: Filter): node is AllNode {
  return 'all' in node;
}

export function isAnyNode(node: Filter): node is AnyNode {
  return 'any' in node;
}

export function isNotNode(node: Filter): node is NotNode {
  return 'not' in node;
}

export function isCondition(node: Filter): node is FilterCondition {
  return 'field' in node;
}

/** The filter that matches every record (`{"all": []}`), e.g. for a blank Inclusion_Filter__c. */
export function matchAllFilter(): Filter {
  return { all: [] };
}
