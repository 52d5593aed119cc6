import fc from 'fast-check';
import type { Filter, FilterCondition } from '../../../../src/pipeline/segments/filter/filter-types';
import type { FilterFieldDescribe } from '../../../../src/pipeline/segments/filter/filter-field-types';

/**
 * fast-check generators for segment filters and mirror records over a small typed field set. Filters are
 * valid for their fields (they pass `parseFilter` and `validateFilterFields`), and values come from small
 * pools shared with the records, so conditions often match: the property tests holding `evaluateFilter`
 * and the compiled SOQL to the same answers (here and against the emulator) get both outcomes.
 */

export type ArbitraryFieldType = 'string' | 'picklist' | 'email' | 'double' | 'int' | 'boolean' | 'date' | 'datetime';

export interface ArbitraryField extends FilterFieldDescribe {
  type: ArbitraryFieldType;
}

/** A Contact-like field set covering every value kind. */
export const SAMPLE_FILTER_FIELDS: readonly ArbitraryField[] = [
  { name: 'Title', type: 'string' },
  { name: 'Seniority__c', type: 'picklist' },
  { name: 'Email', type: 'email' },
  { name: 'Contact_Score__c', type: 'double' },
  { name: 'NumberOfEmployees', type: 'int' },
  { name: 'HasOptedOutOfEmail', type: 'boolean' },
  { name: 'Birthdate', type: 'date' },
  { name: 'LastModifiedDate', type: 'datetime' },
];

export interface FilterArbitraryOptions {
  /** Nesting levels below the root (default 3). */
  maxDepth?: number;
  /** Allow `{"all": []}` / `{"any": []}` (default true). */
  allowEmptyGroups?: boolean;
  /** Centre of the generated dates (default 2024-03-15T12:00:00Z); records use the same. */
  around?: Date;
}

const DAY_MS = 86_400_000;
const DEFAULT_AROUND = new Date('2024-03-15T12:00:00Z');

/** Text that stresses escaping and case folding: quotes, backslashes, LIKE wildcards, an injection. */
export const TEXT_POOL = [
  'VP',
  'vp sales',
  'VP Sales',
  "O'Brien",
  '50%_off',
  '50x off',
  'a\\b',
  "x' OR Name != '",
  'Ünïcödé',
  'director',
] as const;

const textArb = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...TEXT_POOL) },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 12, unit: 'grapheme-ascii' }) },
);
const nonBlankTextArb = textArb.filter((text) => text.trim() !== '');
const intArb = fc.integer({ min: -3, max: 12 });
const doubleArb = fc.oneof(intArb, fc.constantFrom(0.5, 2.25, -1.75, 10.5));

function dayArb(around: Date): fc.Arbitrary<string> {
  return fc
    .integer({ min: -40, max: 5 })
    .map((offset) =>
      new Date(Math.floor(around.getTime() / DAY_MS) * DAY_MS + offset * DAY_MS).toISOString().slice(0, 10),
    );
}

function dateTimeArb(around: Date): fc.Arbitrary<string> {
  return fc
    .integer({ min: -40 * 24, max: 5 * 24 })
    .chain((hours) =>
      fc
        .constantFrom(0, 59 * 60 + 59)
        .map((seconds) => new Date(around.getTime() + hours * 3_600_000 + seconds * 1000)),
    )
    .map((date) => `${date.toISOString().slice(0, 19)}Z`);
}

function conditionArb(field: ArbitraryField, around: Date): fc.Arbitrary<FilterCondition> {
  const name = field.name;
  const blank = fc.constantFrom<FilterCondition>({ field: name, op: 'is_blank' }, { field: name, op: 'is_not_blank' });
  const eqNull = fc
    .constantFrom('eq' as const, 'ne' as const)
    .map((op): FilterCondition => ({ field: name, op, value: null }));
  const range = fc.constantFrom('gt' as const, 'gte' as const, 'lt' as const, 'lte' as const);
  const equality = fc.constantFrom('eq' as const, 'ne' as const);
  const membership = fc.constantFrom('in' as const, 'not_in' as const);
  switch (field.type) {
    case 'string':
    case 'picklist':
    case 'email':
      return fc.oneof(
        blank,
        eqNull,
        fc.record({ field: fc.constant(name), op: equality, value: textArb }),
        fc.record({
          field: fc.constant(name),
          op: membership,
          value: fc.array(nonBlankTextArb, { minLength: 1, maxLength: 3 }),
        }),
        fc.record({
          field: fc.constant(name),
          op: fc.constantFrom('contains' as const, 'starts_with' as const),
          value: nonBlankTextArb,
        }),
      ) as fc.Arbitrary<FilterCondition>;
    case 'int':
    case 'double': {
      const numberArb = field.type === 'int' ? intArb : doubleArb;
      return fc.oneof(
        blank,
        eqNull,
        fc.record({ field: fc.constant(name), op: equality, value: numberArb }),
        fc.record({ field: fc.constant(name), op: range, value: numberArb }),
        fc.record({
          field: fc.constant(name),
          op: membership,
          value: fc.array(numberArb, { minLength: 1, maxLength: 3 }),
        }),
      ) as fc.Arbitrary<FilterCondition>;
    }
    case 'boolean':
      return fc.oneof(
        blank,
        fc.record({ field: fc.constant(name), op: equality, value: fc.boolean() }),
      ) as fc.Arbitrary<FilterCondition>;
    case 'date':
    case 'datetime': {
      // Date values against a datetime field exercise the by-day rule; datetimes against a date field too.
      const valueArb = fc.oneof(dayArb(around), dateTimeArb(around));
      return fc.oneof(
        blank,
        eqNull,
        fc.record({ field: fc.constant(name), op: equality, value: valueArb }),
        fc.record({ field: fc.constant(name), op: range, value: valueArb }),
        fc.record({
          field: fc.constant(name),
          op: membership,
          value: fc.array(valueArb, { minLength: 1, maxLength: 3 }),
        }),
        fc.record({
          field: fc.constant(name),
          op: fc.constant('changed_within_days' as const),
          value: fc.integer({ min: 1, max: 45 }),
        }),
      ) as fc.Arbitrary<FilterCondition>;
    }
  }
}

/** Valid filters over `fields` (which must be non-empty). */
export function filterArbitrary(
  fields: readonly ArbitraryField[] = SAMPLE_FILTER_FIELDS,
  options: FilterArbitraryOptions = {},
): fc.Arbitrary<Filter> {
  const around = options.around ?? DEFAULT_AROUND;
  const minChildren = options.allowEmptyGroups === false ? 1 : 0;
  const leaf = fc.constantFrom(...fields).chain((field) => conditionArb(field, around)) as fc.Arbitrary<Filter>;
  const { node } = fc.letrec<{ node: Filter }>((tie) => ({
    node: fc.oneof(
      { maxDepth: options.maxDepth ?? 3, depthIdentifier: 'filter' },
      { weight: 3, arbitrary: leaf },
      fc.array(tie('node'), { minLength: minChildren, maxLength: 3 }).map((all): Filter => ({ all })),
      fc.array(tie('node'), { minLength: minChildren, maxLength: 3 }).map((any): Filter => ({ any })),
      tie('node').map((not): Filter => ({ not })),
    ),
  }));
  return node;
}

function recordValueArb(field: ArbitraryField, around: Date): fc.Arbitrary<unknown> {
  switch (field.type) {
    case 'string':
    case 'picklist':
    case 'email':
      return fc.oneof(
        fc.constant(null),
        fc.constant(''),
        textArb,
        textArb.map((text) => text.toUpperCase()),
      );
    case 'int':
      return fc.oneof(fc.constant(null), intArb);
    case 'double':
      return fc.oneof(fc.constant(null), doubleArb);
    case 'boolean':
      return fc.boolean();
    case 'date':
      return fc.oneof(fc.constant(null), dayArb(around));
    case 'datetime':
      // Salesforce's REST form, as the mirror stores it.
      return fc.oneof(
        fc.constant(null),
        dateTimeArb(around).map((text) => `${text.slice(0, 19)}.000+0000`),
      );
  }
}

/** Mirror-shaped records (flat, Salesforce value forms) over `fields`. */
export function recordArbitrary(
  fields: readonly ArbitraryField[] = SAMPLE_FILTER_FIELDS,
  options: Pick<FilterArbitraryOptions, 'around'> = {},
): fc.Arbitrary<Record<string, unknown>> {
  const around = options.around ?? DEFAULT_AROUND;
  return fc.record(Object.fromEntries(fields.map((field) => [field.name, recordValueArb(field, around)])));
}
