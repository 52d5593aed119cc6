import { z } from 'zod';
import { FilterError, type FilterErrorCode } from './filter-error';
import { formatFilterFieldName, parseFilterFieldName } from './filter-field-name';
import { parseFilterTemporal } from './filter-temporal';
import { FILTER_OPS, type Filter, type FilterCondition, type FilterOp } from './filter-types';

/** Limits that keep a filter cheap to evaluate per record and its SOQL well under the query length limit. */
export const FILTER_LIMITS = {
  maxJsonChars: 65_536,
  /** Nesting levels, counting the root node as 1. */
  maxDepth: 10,
  /** Nodes of any kind. */
  maxNodes: 200,
  maxInValues: 500,
  maxStringChars: 1_000,
  maxDays: 3_650,
  /** Beyond this JS numbers lose integer precision and SOQL literals would need exponents. */
  maxAbsNumber: 1e15,
} as const;

interface RawNode {
  all?: RawNode[] | undefined;
  any?: RawNode[] | undefined;
  not?: RawNode | undefined;
  field?: string | undefined;
  op?: FilterOp | undefined;
  value?: unknown;
}

type IssueParams = { filterCode: FilterErrorCode };

const rawNodeSchema: z.ZodType<RawNode> = z.lazy(() =>
  z
    .strictObject({
      all: z.array(rawNodeSchema).optional(),
      any: z.array(rawNodeSchema).optional(),
      not: rawNodeSchema.optional(),
      field: z.string().optional(),
      op: z.enum(FILTER_OPS).optional(),
      value: z.unknown().optional(),
    })
    .superRefine((node, ctx) => {
      const problem = checkNode(node);
      if (problem) {
        ctx.addIssue({
          code: 'custom',
          message: problem.message,
          path: problem.path,
          params: { filterCode: problem.code } satisfies IssueParams,
        });
      }
    }),
);

/**
 * The recursive zod schema of a filter (DESIGN.md §7): validates and normalises to `Filter`. Use
 * `parseFilter` on untrusted input: it also enforces the depth and size limits before zod recurses.
 */
export const filterSchema: z.ZodType<Filter, unknown> = rawNodeSchema.transform(toFilter);

/**
 * Parses a filter from its JSON text (as stored in Filter__c / Inclusion_Filter__c) or from an already
 * parsed value. Throws a `FilterError` whose message names the path, e.g.
 * `all[1].value: gt needs a number or an ISO date/datetime`.
 */
export function parseFilter(json: string | unknown): Filter {
  let value: unknown = json;
  if (typeof json === 'string') {
    if (json.length > FILTER_LIMITS.maxJsonChars) {
      throw new FilterError('FILTER_INVALID', 'filter', `is longer than ${FILTER_LIMITS.maxJsonChars} characters`);
    }
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new FilterError('FILTER_INVALID_JSON', 'filter', `is not valid JSON (${(error as Error).message})`);
    }
  }
  checkSize(value);
  const result = filterSchema.safeParse(value);
  if (result.success) return result.data;
  const issue = firstIssue(result.error.issues);
  throw new FilterError(codeOf(issue), formatPath(issue.path), messageOf(issue));
}

interface Problem {
  code: FilterErrorCode;
  path: (string | number)[];
  message: string;
}

const FORM_HINT = 'a node is {"all": [...]}, {"any": [...]}, {"not": node} or {"field", "op", "value"}';

function checkNode(node: RawNode): Problem | undefined {
  const forms = (['all', 'any', 'not', 'field'] as const).filter((key) => node[key] !== undefined);
  if (forms.length !== 1) {
    const message = forms.length === 0 ? `empty node: ${FORM_HINT}` : `node mixes ${forms.join(' and ')}: ${FORM_HINT}`;
    return { code: 'FILTER_INVALID', path: [], message };
  }
  if (forms[0] !== 'field') {
    const stray = (['op', 'value'] as const).find((key) => key in node);
    return stray
      ? { code: 'FILTER_INVALID', path: [stray], message: `${stray} belongs in a condition only` }
      : undefined;
  }
  return checkCondition(node);
}

function checkCondition(node: RawNode): Problem | undefined {
  const field = node.field ?? '';
  if (!parseFilterFieldName(field)) {
    return {
      code: 'FILTER_UNKNOWN_FIELD',
      path: ['field'],
      message: `"${clip(field)}" is not a field API name or Account.<Field>`,
    };
  }
  if (node.op === undefined) return { code: 'FILTER_INVALID', path: ['op'], message: `a condition needs an op` };
  const message = checkValue(node.op, node.value, 'value' in node);
  return message ? { code: 'FILTER_TYPE_MISMATCH', path: ['value'], message } : undefined;
}

/** Why `value` does not suit `op`, or undefined when it does. */
function checkValue(op: FilterOp, value: unknown, present: boolean): string | undefined {
  switch (op) {
    case 'eq':
    case 'ne':
      if (!present) return `${op} needs a value (null for blank)`;
      if (value === null || typeof value === 'boolean') return undefined;
      if (typeof value === 'number') return checkNumber(op, value);
      if (typeof value === 'string') return checkString(op, value, true);
      return `${op} needs a string, number, boolean or null`;
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (typeof value === 'number') return checkNumber(op, value);
      if (typeof value === 'string' && parseFilterTemporal(value)) return undefined;
      return `${op} needs a number or an ISO date/datetime (2024-01-31, 2024-01-31T10:00:00Z)`;
    case 'in':
    case 'not_in':
      return checkList(op, value);
    case 'contains':
    case 'starts_with':
      if (typeof value !== 'string' || value === '') return `${op} needs a non-empty string`;
      return checkString(op, value, false);
    case 'is_blank':
    case 'is_not_blank':
      return value === undefined || value === null ? undefined : `${op} takes no value`;
    case 'changed_within_days':
      return typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= FILTER_LIMITS.maxDays
        ? undefined
        : `${op} needs a whole number of days from 1 to ${FILTER_LIMITS.maxDays}`;
  }
}

function checkNumber(op: FilterOp, value: number): string | undefined {
  return Number.isFinite(value) && Math.abs(value) <= FILTER_LIMITS.maxAbsNumber
    ? undefined
    : `${op} needs a finite number within ±${FILTER_LIMITS.maxAbsNumber}`;
}

function checkString(op: FilterOp, value: string, blankAllowed: boolean): string | undefined {
  if (!blankAllowed && value.trim() === '') return `${op} needs a non-blank string`;
  if (value.length > FILTER_LIMITS.maxStringChars) return `${op} value is longer than ${FILTER_LIMITS.maxStringChars}`;
  // Control characters have no business in a CRM filter and would need SOQL escapes we do not emit.
  if (/[\u0000-\u001f\u007f]/.test(value)) return `${op} value contains a control character`;
  return undefined;
}

function checkList(op: FilterOp, value: unknown): string | undefined {
  const shape = `${op} needs a non-empty array of strings or of numbers`;
  if (!Array.isArray(value) || value.length === 0) return shape;
  if (value.length > FILTER_LIMITS.maxInValues) return `${op} takes at most ${FILTER_LIMITS.maxInValues} values`;
  const allStrings = value.every((item) => typeof item === 'string');
  const allNumbers = value.every((item) => typeof item === 'number');
  if (!allStrings && !allNumbers) return shape;
  // A blank in the list would mean "or null", which SOQL's IN does not say: is_blank says it.
  if (allStrings && value.some((item: string) => item.trim() === ''))
    return `${op} values must not be blank (use is_blank)`;
  for (const item of value as (string | number)[]) {
    const problem = typeof item === 'number' ? checkNumber(op, item) : checkString(op, item, true);
    if (problem) return problem;
  }
  return undefined;
}

/** Depth and size before zod walks it, so a hostile filter cannot blow the stack or the budget. */
function checkSize(root: unknown): void {
  let nodes = 0;
  const stack: { value: unknown; depth: number; path: (string | number)[] }[] = [{ value: root, depth: 1, path: [] }];
  while (stack.length > 0) {
    const { value, depth, path } = stack.pop()!;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    nodes += 1;
    if (nodes > FILTER_LIMITS.maxNodes) {
      throw new FilterError('FILTER_INVALID', 'filter', `has more than ${FILTER_LIMITS.maxNodes} nodes`);
    }
    if (depth > FILTER_LIMITS.maxDepth) {
      throw new FilterError('FILTER_INVALID', formatPath(path), `nests deeper than ${FILTER_LIMITS.maxDepth} levels`);
    }
    const node = value as Record<string, unknown>;
    for (const key of ['all', 'any'] as const) {
      const children = node[key];
      if (Array.isArray(children)) {
        children.forEach((child, index) => stack.push({ value: child, depth: depth + 1, path: [...path, key, index] }));
      }
    }
    if ('not' in node) stack.push({ value: node.not, depth: depth + 1, path: [...path, 'not'] });
  }
}

function toFilter(node: RawNode): Filter {
  if (node.all) return { all: node.all.map(toFilter) };
  if (node.any) return { any: node.any.map(toFilter) };
  if (node.not) return { not: toFilter(node.not) };
  return toCondition(node);
}

function toCondition(node: RawNode): FilterCondition {
  const field = formatFilterFieldName(parseFilterFieldName(node.field ?? '')!);
  const op = node.op!;
  const value = node.value;
  switch (op) {
    case 'eq':
    case 'ne':
      // SOQL treats a blank string as null.
      return { field, op, value: value === '' ? null : (value as string | number | boolean | null) };
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      return { field, op, value: value as number | string };
    case 'in':
    case 'not_in':
      return { field, op, value: [...(value as string[] | number[])] as string[] | number[] };
    case 'contains':
    case 'starts_with':
      return { field, op, value: value as string };
    case 'is_blank':
    case 'is_not_blank':
      return { field, op };
    case 'changed_within_days':
      return { field, op, value: value as number };
  }
}

function firstIssue(issues: z.core.$ZodIssue[]): z.core.$ZodIssue {
  // The shallowest issue is the one an admin can act on first; ties keep document order.
  return issues.reduce((best, issue) => (issue.path.length < best.path.length ? issue : best), issues[0]!);
}

function codeOf(issue: z.core.$ZodIssue): FilterErrorCode {
  if (issue.code === 'custom') {
    const params = issue.params as Partial<IssueParams> | undefined;
    if (params?.filterCode) return params.filterCode;
  }
  return 'FILTER_INVALID';
}

function messageOf(issue: z.core.$ZodIssue): string {
  const last = issue.path[issue.path.length - 1];
  switch (issue.code) {
    case 'custom':
      return issue.message;
    case 'unrecognized_keys':
      return `unknown key ${issue.keys.map((key) => `"${clip(key)}"`).join(', ')}: ${FORM_HINT}`;
    case 'invalid_value':
      return `unknown op; use one of ${FILTER_OPS.join(', ')}`;
    case 'invalid_type':
      if (last === 'all' || last === 'any') return `${last} needs an array of nodes`;
      if (last === 'field') return 'field needs a string';
      if (last === 'op') return 'op needs a string';
      return `a node must be an object: ${FORM_HINT}`;
    default:
      return issue.message;
  }
}

/** `['all', 1, 'value']` → `all[1].value`; the root is `filter`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else text += text === '' ? String(part) : `.${String(part)}`;
  }
  return text === '' ? 'filter' : text;
}

function clip(text: string): string {
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}
