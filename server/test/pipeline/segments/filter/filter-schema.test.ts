import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../src/lib/errors';
import { FilterError, type FilterErrorCode } from '../../../../src/pipeline/segments/filter/filter-error';
import { FILTER_LIMITS, parseFilter } from '../../../../src/pipeline/segments/filter/filter-schema';

function errorOf(input: unknown): FilterError {
  try {
    parseFilter(input);
  } catch (error) {
    if (error instanceof FilterError) return error;
    throw error;
  }
  throw new Error('expected parseFilter to throw');
}

function expectError(input: unknown, code: FilterErrorCode, message: string): void {
  const error = errorOf(input);
  expect(error.code).toBe(code);
  expect(error.message).toBe(message);
}

function nested(depth: number): unknown {
  let node: unknown = { field: 'Title', op: 'is_blank' };
  for (let level = 1; level < depth; level += 1) node = { not: node };
  return node;
}

describe('parseFilter', () => {
  it('when every op is used with a fitting value, then the filter parses unchanged', () => {
    const filter = {
      all: [
        { field: 'Title', op: 'eq', value: 'VP' },
        { field: 'Title', op: 'ne', value: null },
        { field: 'Contact_Score__c', op: 'gt', value: 5 },
        { field: 'CreatedDate', op: 'gte', value: '2024-01-31T10:00:00+02:00' },
        { field: 'Last_Funding_Date__c', op: 'lt', value: '2024-01-31' },
        { field: 'Contact_Score__c', op: 'lte', value: -1.5 },
        { field: 'Seniority__c', op: 'in', value: ['VP', 'Director'] },
        { field: 'NumberOfEmployees', op: 'not_in', value: [1, 2] },
        {
          any: [
            { field: 'Email', op: 'contains', value: '@acme' },
            { not: { field: 'Name', op: 'starts_with', value: 'A' } },
          ],
        },
        { field: 'Phone', op: 'is_blank' },
        { field: 'Email', op: 'is_not_blank' },
        { field: 'LastModifiedDate', op: 'changed_within_days', value: 30 },
        { field: 'HasOptedOutOfEmail', op: 'eq', value: false },
      ],
    };
    expect(parseFilter(JSON.stringify(filter))).toEqual(filter);
  });

  it('when a value is a blank string in eq/ne, then it becomes null as in SOQL', () => {
    expect(parseFilter({ field: 'Title', op: 'eq', value: '' })).toEqual({ field: 'Title', op: 'eq', value: null });
    expect(parseFilter({ field: 'Title', op: 'ne', value: '' })).toEqual({ field: 'Title', op: 'ne', value: null });
  });

  it('when the parent is spelled in another case or is_blank carries null, then both are normalised', () => {
    expect(parseFilter({ field: 'account.Industry', op: 'is_blank', value: null })).toEqual({
      field: 'Account.Industry',
      op: 'is_blank',
    });
  });

  it('when the match-all filter is given, then it parses', () => {
    expect(parseFilter('{"all": []}')).toEqual({ all: [] });
    expect(parseFilter({ any: [] })).toEqual({ any: [] });
  });

  it('when the text is not JSON, then FILTER_INVALID_JSON', () => {
    const error = errorOf('{"all": [');
    expect(error.code).toBe('FILTER_INVALID_JSON');
    expect(error.message).toMatch(/^filter: is not valid JSON/);
  });

  it('when a node mixes forms or is empty, then FILTER_INVALID names the node', () => {
    expectError(
      {
        all: [
          { field: 'Title', op: 'is_blank' },
          { all: [], field: 'Title' },
        ],
      },
      'FILTER_INVALID',
      'all[1]: node mixes all and field: a node is {"all": [...]}, {"any": [...]}, {"not": node} or {"field", "op", "value"}',
    );
    expect(errorOf({ any: [{}] }).message).toMatch(/^any\[0\]: empty node/);
  });

  it('when a node has an unknown key, an unknown op or a missing op, then FILTER_INVALID', () => {
    expect(errorOf({ al: [] }).message).toMatch(/^filter: unknown key "al"/);
    expectError(
      { not: { field: 'Title', op: 'equals', value: 'x' } },
      'FILTER_INVALID',
      'not.op: unknown op; use one of eq, ne, gt, gte, lt, lte, in, not_in, contains, starts_with, is_blank, is_not_blank, changed_within_days',
    );
    expectError({ field: 'Title', value: 'x' }, 'FILTER_INVALID', 'op: a condition needs an op');
    expectError({ all: { field: 'Title' } }, 'FILTER_INVALID', 'all: all needs an array of nodes');
    expect(errorOf([1]).code).toBe('FILTER_INVALID');
    expect(errorOf({ all: [], op: 'eq' }).message).toBe('op: op belongs in a condition only');
  });

  it('when a field name is not an API name or reaches past one parent, then FILTER_UNKNOWN_FIELD', () => {
    expectError(
      { all: [{ field: 'Owner.Name', op: 'is_blank' }] },
      'FILTER_UNKNOWN_FIELD',
      'all[0].field: "Owner.Name" is not a field API name or Account.<Field>',
    );
    expect(errorOf({ field: 'Account.Parent.Name', op: 'is_blank' }).code).toBe('FILTER_UNKNOWN_FIELD');
    expect(errorOf({ field: "Name' OR Id != '", op: 'is_blank' }).code).toBe('FILTER_UNKNOWN_FIELD');
  });

  it('when a value does not suit its op, then FILTER_TYPE_MISMATCH names the path', () => {
    expectError(
      {
        all: [
          { field: 'Title', op: 'is_blank' },
          { field: 'Contact_Score__c', op: 'gt', value: 'ten' },
        ],
      },
      'FILTER_TYPE_MISMATCH',
      'all[1].value: gt needs a number or an ISO date/datetime (2024-01-31, 2024-01-31T10:00:00Z)',
    );
    const cases: [unknown, string][] = [
      [{ field: 'A', op: 'gt', value: '2024-02-30' }, 'value: gt needs a number or an ISO date/datetime'],
      [{ field: 'A', op: 'eq' }, 'value: eq needs a value (null for blank)'],
      [{ field: 'A', op: 'eq', value: [1] }, 'value: eq needs a string, number, boolean or null'],
      [{ field: 'A', op: 'in', value: [] }, 'value: in needs a non-empty array of strings or of numbers'],
      [{ field: 'A', op: 'in', value: ['a', 1] }, 'value: in needs a non-empty array of strings or of numbers'],
      [{ field: 'A', op: 'not_in', value: ['a', ''] }, 'value: not_in values must not be blank (use is_blank)'],
      [{ field: 'A', op: 'contains', value: '' }, 'value: contains needs a non-empty string'],
      [{ field: 'A', op: 'starts_with', value: 5 }, 'value: starts_with needs a non-empty string'],
      [{ field: 'A', op: 'is_blank', value: 'x' }, 'value: is_blank takes no value'],
      [{ field: 'A', op: 'changed_within_days', value: 1.5 }, 'value: changed_within_days needs a whole number'],
      [{ field: 'A', op: 'eq', value: 'a\u0000b' }, 'value: eq value contains a control character'],
      [{ field: 'A', op: 'eq', value: 1e300 }, 'value: eq needs a finite number'],
    ];
    for (const [input, message] of cases) {
      const error = errorOf(input);
      expect(error.code, message).toBe('FILTER_TYPE_MISMATCH');
      expect(error.message.startsWith(message), error.message).toBe(true);
    }
  });

  it('when the filter nests too deep or has too many nodes, then FILTER_INVALID before zod walks it', () => {
    expect(() => parseFilter(nested(FILTER_LIMITS.maxDepth))).not.toThrow();
    const deep = errorOf(nested(FILTER_LIMITS.maxDepth + 1));
    expect(deep.code).toBe('FILTER_INVALID');
    expect(deep.message).toBe(`${'not.'.repeat(FILTER_LIMITS.maxDepth).slice(0, -1)}: nests deeper than 10 levels`);
    const wide = { any: Array.from({ length: FILTER_LIMITS.maxNodes }, () => ({ field: 'Title', op: 'is_blank' })) };
    expectError(wide, 'FILTER_INVALID', 'filter: has more than 200 nodes');
    // Far deeper than any stack: rejected by the iterative pre-check, not a RangeError.
    expect(errorOf(nested(100_000)).code).toBe('FILTER_INVALID');
  });

  it('when a filter is rejected, then the error is a non-retryable AppError with its path and detail', () => {
    const error = errorOf({ all: [{ field: 'Title', op: 'gt', value: true }] });
    expect(error).toBeInstanceOf(AppError);
    expect(error.name).toBe('FilterError');
    expect(error.retryable).toBe(false);
    expect(error.path).toBe('all[0].value');
    expect(error.detail).toMatch(/^gt needs a number/);
  });

  it('when the message would be long, then it still fits Status_Message__c (255)', () => {
    const field = `A${'b'.repeat(200)}`;
    const error = errorOf({ all: [{ all: [{ field: `${field}.${field}`, op: 'is_blank' }] }] });
    expect(error.message.length).toBeLessThanOrEqual(255);
  });
});
