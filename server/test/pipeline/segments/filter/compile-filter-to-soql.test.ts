import { describe, expect, it } from 'vitest';
import { buildQuery, compileFilterToWhere } from '../../../../src/pipeline/segments/filter/compile-filter-to-soql';
import { createFieldTypeLookup } from '../../../../src/pipeline/segments/filter/filter-field-types';
import { parseFilter } from '../../../../src/pipeline/segments/filter/filter-schema';
import { parseQuery } from '../../../../src/salesforce/selectors/soql';

const fieldType = createFieldTypeLookup({
  fields: [
    { name: 'Title', type: 'string' },
    { name: 'Contact_Score__c', type: 'double' },
    { name: 'HasOptedOutOfEmail', type: 'boolean' },
    { name: 'Birthdate', type: 'date' },
    { name: 'CreatedDate', type: 'datetime' },
    { name: 'LastModifiedDate', type: 'datetime' },
  ],
  parentFields: () => [{ name: 'Industry', type: 'picklist' }],
});

function soql(filter: unknown): string {
  return buildQuery({ object: 'Contact', fields: ['Id'], filter: parseFilter(filter), fieldType });
}

function where(filter: unknown): string {
  return soql(filter).replace(/^SELECT Id FROM Contact WHERE /, '');
}

describe('compileFilterToWhere / buildQuery', () => {
  it('when the filter matches everything, then there is no WHERE clause', () => {
    expect(compileFilterToWhere(parseFilter({ all: [] }))).toBeUndefined();
    expect(soql({ all: [] })).toBe('SELECT Id FROM Contact');
    expect(soql({ not: { any: [] } })).toBe('SELECT Id FROM Contact');
    expect(soql({ any: [{ all: [] }, { field: 'Title', op: 'is_blank' }] })).toBe('SELECT Id FROM Contact');
  });

  it('when the filter matches nothing, then the WHERE clause is Id = null', () => {
    expect(where({ any: [] })).toBe('Id = null');
    expect(where({ all: [{ field: 'Title', op: 'is_blank' }, { any: [] }] })).toBe('Id = null');
    expect(where({ not: { all: [] } })).toBe('Id = null');
  });

  it('when each op compiles, then the SOQL is the documented form', () => {
    const cases: [unknown, string][] = [
      [{ field: 'Title', op: 'eq', value: 'VP' }, "Title = 'VP'"],
      [{ field: 'Title', op: 'ne', value: 'VP' }, "Title != 'VP'"],
      [{ field: 'Title', op: 'eq', value: null }, 'Title = null'],
      [{ field: 'Title', op: 'ne', value: '' }, 'Title != null'],
      [{ field: 'Title', op: 'is_blank' }, 'Title = null'],
      [{ field: 'Title', op: 'is_not_blank' }, 'Title != null'],
      [{ field: 'Contact_Score__c', op: 'gt', value: 5 }, 'Contact_Score__c > 5'],
      [{ field: 'Contact_Score__c', op: 'gte', value: -2.5 }, 'Contact_Score__c >= -2.5'],
      [{ field: 'Contact_Score__c', op: 'lt', value: 0.0000001 }, 'Contact_Score__c < 0.0000001'],
      [{ field: 'Contact_Score__c', op: 'lte', value: 1e15 }, 'Contact_Score__c <= 1000000000000000'],
      [{ field: 'Contact_Score__c', op: 'in', value: [1, 2.5] }, 'Contact_Score__c IN (1, 2.5)'],
      [{ field: 'Title', op: 'in', value: ['VP', 'CEO'] }, "Title IN ('VP', 'CEO')"],
      [{ field: 'Title', op: 'not_in', value: ['VP'] }, "Title NOT IN ('VP')"],
      [{ field: 'Title', op: 'contains', value: 'sales' }, "Title LIKE '%sales%'"],
      [{ field: 'Title', op: 'starts_with', value: 'VP' }, "Title LIKE 'VP%'"],
      [{ field: 'HasOptedOutOfEmail', op: 'eq', value: false }, 'HasOptedOutOfEmail = false'],
      [{ field: 'Birthdate', op: 'gt', value: '2024-01-31' }, 'Birthdate > 2024-01-31'],
      [{ field: 'Birthdate', op: 'eq', value: '2024-01-31T23:00:00-02:00' }, 'Birthdate = 2024-02-01'],
      [{ field: 'Birthdate', op: 'in', value: ['2024-01-31', '2024-02-01'] }, 'Birthdate IN (2024-01-31, 2024-02-01)'],
      [{ field: 'CreatedDate', op: 'gt', value: '2024-01-31T10:00:00+02:00' }, 'CreatedDate > 2024-01-31T08:00:00Z'],
      [{ field: 'CreatedDate', op: 'changed_within_days', value: 7 }, 'CreatedDate = LAST_N_DAYS:7'],
      [{ field: 'Account.Industry', op: 'eq', value: 'Tech' }, "Account.Industry = 'Tech'"],
    ];
    for (const [filter, expected] of cases) expect(where(filter), JSON.stringify(filter)).toBe(expected);
  });

  it('when a date meets a datetime field, then it becomes the UTC-day range the evaluator uses', () => {
    const day = { start: '2024-01-31T00:00:00Z', end: '2024-02-01T00:00:00Z' };
    expect(where({ field: 'CreatedDate', op: 'eq', value: '2024-01-31' })).toBe(
      `CreatedDate >= ${day.start} AND CreatedDate < ${day.end}`,
    );
    expect(where({ field: 'CreatedDate', op: 'ne', value: '2024-01-31' })).toBe(
      `CreatedDate < ${day.start} OR CreatedDate >= ${day.end} OR CreatedDate = null`,
    );
    expect(where({ field: 'CreatedDate', op: 'gt', value: '2024-01-31' })).toBe(`CreatedDate >= ${day.end}`);
    expect(where({ field: 'CreatedDate', op: 'gte', value: '2024-01-31' })).toBe(`CreatedDate >= ${day.start}`);
    expect(where({ field: 'CreatedDate', op: 'lt', value: '2024-01-31' })).toBe(`CreatedDate < ${day.start}`);
    expect(where({ field: 'CreatedDate', op: 'lte', value: '2024-01-31' })).toBe(`CreatedDate < ${day.end}`);
    expect(where({ field: 'CreatedDate', op: 'in', value: ['2024-01-31', '2024-02-02T10:00:00Z'] })).toBe(
      `(CreatedDate >= ${day.start} AND CreatedDate < ${day.end}) OR CreatedDate = 2024-02-02T10:00:00Z`,
    );
  });

  it('when nodes nest, then groups are parenthesised and NOT wraps its operand', () => {
    expect(
      where({
        all: [
          { field: 'Title', op: 'contains', value: 'vp' },
          { any: [{ field: 'Contact_Score__c', op: 'gte', value: 50 }, { not: { field: 'Title', op: 'is_blank' } }] },
          {
            not: {
              all: [
                { field: 'Birthdate', op: 'is_blank' },
                { field: 'HasOptedOutOfEmail', op: 'eq', value: true },
              ],
            },
          },
        ],
      }),
    ).toBe(
      "Title LIKE '%vp%' AND (Contact_Score__c >= 50 OR NOT (Title = null)) AND NOT (Birthdate = null AND HasOptedOutOfEmail = true)",
    );
    // Double negation cancels: soql-parser-js cannot read NOT (NOT (NOT (…))) back correctly.
    expect(where({ not: { not: { field: 'Title', op: 'eq', value: 'a' } } })).toBe("Title = 'a'");
    expect(where({ not: { not: { not: { field: 'Title', op: 'eq', value: 'a' } } } })).toBe("NOT (Title = 'a')");
    expect(
      where({ any: [{ not: { field: 'Title', op: 'eq', value: 'a' } }, { field: 'Title', op: 'eq', value: 'b' }] }),
    ).toBe("NOT (Title = 'a') OR Title = 'b'");
  });

  it('when values carry quotes, backslashes, % or _, then they are escaped and stay literals', () => {
    expect(where({ field: 'Title', op: 'eq', value: "x' OR Name != '" })).toBe("Title = 'x\\' OR Name != \\''");
    expect(where({ field: 'Title', op: 'eq', value: 'a\\' })).toBe("Title = 'a\\\\'");
    expect(where({ field: 'Title', op: 'eq', value: "'" })).toBe("Title = '\\''");
    expect(where({ field: 'Title', op: 'eq', value: '50%_off' })).toBe("Title = '50%_off'");
    expect(where({ field: 'Title', op: 'contains', value: "50%_off\\'" })).toBe("Title LIKE '%50\\%\\_off\\\\\\'%'");
    expect(where({ field: 'Title', op: 'in', value: ["O'Brien", ''.padEnd(1, '\\')] })).toBe(
      "Title IN ('O\\'Brien', '\\\\')",
    );
  });

  it('when an injection attempt is compiled, then the parsed query has exactly one condition with it as the value', () => {
    const attack = "x' OR Name != '";
    const parsed = parseQuery(soql({ field: 'Title', op: 'eq', value: attack }));
    expect(parsed.where).toEqual({
      left: { field: 'Title', operator: '=', literalType: 'STRING', value: "'x\\' OR Name != \\''" },
    });
  });

  it('when buildQuery gets fields, order and limit, then they are composed', () => {
    expect(
      buildQuery({
        object: 'Contact',
        fields: ['Id', 'Title', 'Account.Website'],
        filter: parseFilter({ field: 'Title', op: 'is_not_blank' }),
        orderBy: [{ field: 'Id', order: 'ASC' }],
        limit: 200,
      }),
    ).toBe('SELECT Id, Title, Account.Website FROM Contact WHERE Title != null ORDER BY Id ASC LIMIT 200');
  });

  it('when buildQuery is given a bad object, field or limit, then it refuses', () => {
    expect(() => buildQuery({ object: 'Contact; DELETE', fields: ['Id'] })).toThrow(RangeError);
    expect(() => buildQuery({ object: 'Contact', fields: ['Id, (SELECT Id FROM Cases)'] })).toThrow(RangeError);
    expect(() => buildQuery({ object: 'Contact', fields: [] })).toThrow(RangeError);
    expect(() => buildQuery({ object: 'Contact', fields: ['Id'], limit: 0 })).toThrow(RangeError);
  });

  it('when no field types are given, then strings are text and range values keep their literal form', () => {
    const filter = parseFilter({
      all: [
        { field: 'CreatedDate', op: 'gt', value: '2024-01-31' },
        { field: 'X__c', op: 'eq', value: '2024-01-31' },
        { field: 'Y__c', op: 'eq', value: 3 },
      ],
    });
    expect(buildQuery({ object: 'Lead', fields: ['Id'], filter })).toBe(
      "SELECT Id FROM Lead WHERE CreatedDate > 2024-01-31 AND X__c = '2024-01-31' AND Y__c = 3",
    );
  });
});
