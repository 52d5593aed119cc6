import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { WhereClause } from 'soql-parser-js';
import { buildQuery } from '../../../../src/pipeline/segments/filter/compile-filter-to-soql';
import { evaluateFilter } from '../../../../src/pipeline/segments/filter/evaluate-filter';
import { createFieldTypeLookup } from '../../../../src/pipeline/segments/filter/filter-field-types';
import { fieldsOfFilter } from '../../../../src/pipeline/segments/filter/filter-fields';
import { parseFilter } from '../../../../src/pipeline/segments/filter/filter-schema';
import { validateFilterFields } from '../../../../src/pipeline/segments/filter/validate-filter-fields';
import { composeQuery, parseQuery } from '../../../../src/salesforce/selectors/soql';
import { SAMPLE_FILTER_FIELDS, filterArbitrary, recordArbitrary } from './filter-arbitrary';

const catalog = { fields: SAMPLE_FILTER_FIELDS };
const fieldType = createFieldTypeLookup(catalog);
const NOW = new Date('2024-03-15T12:00:00Z');

function whereFields(where: WhereClause | undefined): string[] {
  const names = new Set<string>();
  for (let node: WhereClause | undefined = where; node; node = 'right' in node ? node.right : undefined) {
    const left = node.left as { field?: string } | null;
    if (left?.field) names.add(left.field.toLowerCase());
  }
  return [...names].sort();
}

/** soql-parser-js upper-cases null/true/false when it re-composes: compare with literals' text kept. */
function normaliseKeywords(soql: string): string {
  return soql
    .split(/('(?:\\.|[^'\\])*')/)
    .map((part, index) =>
      index % 2 === 1 ? part : part.replace(/\b(null|true|false)\b/gi, (word) => word.toUpperCase()),
    )
    .join('');
}

describe('filter properties', () => {
  it('when a generated filter goes through JSON, parseFilter and validateFilterFields, then it is unchanged', () => {
    fc.assert(
      fc.property(filterArbitrary(), (filter) => {
        const parsed = parseFilter(JSON.stringify(filter));
        expect(validateFilterFields(parsed, catalog)).toEqual(parsed);
      }),
      { numRuns: 300 },
    );
  });

  it('when a filter is compiled, then soql-parser-js parses the query back with the same fields and text', () => {
    fc.assert(
      fc.property(filterArbitrary(SAMPLE_FILTER_FIELDS, { allowEmptyGroups: false }), (filter) => {
        const soql = buildQuery({ object: 'Contact', fields: ['Id'], filter, fieldType });
        const parsed = parseQuery(soql);
        expect(whereFields(parsed.where)).toEqual(
          fieldsOfFilter(filter)
            .map((name) => name.toLowerCase())
            .sort(),
        );
        expect(normaliseKeywords(composeQuery(parsed))).toBe(normaliseKeywords(soql));
      }),
      { numRuns: 300 },
    );
  });

  it('when groups may be empty, then the compiled query still parses and names only filter fields or Id', () => {
    fc.assert(
      fc.property(filterArbitrary(), (filter) => {
        const parsed = parseQuery(buildQuery({ object: 'Contact', fields: ['Id'], filter, fieldType }));
        const allowed = new Set([...fieldsOfFilter(filter).map((name) => name.toLowerCase()), 'id']);
        for (const name of whereFields(parsed.where)) expect(allowed.has(name)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('when a filter is negated or split by any/not, then the evaluator behaves as two-valued logic', () => {
    fc.assert(
      fc.property(filterArbitrary(), recordArbitrary(), (filter, record) => {
        const value = evaluateFilter(filter, record, NOW, { fieldType });
        expect(evaluateFilter({ not: { not: filter } }, record, NOW, { fieldType })).toBe(value);
        expect(evaluateFilter({ not: filter }, record, NOW, { fieldType })).toBe(!value);
        expect(evaluateFilter({ any: [filter, { not: filter }] }, record, NOW, { fieldType })).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
