import { describe, expect, it } from 'vitest';
import { evaluateFilter } from '../../../../src/pipeline/segments/filter/evaluate-filter';
import { createFieldTypeLookup } from '../../../../src/pipeline/segments/filter/filter-field-types';
import { parseFilter } from '../../../../src/pipeline/segments/filter/filter-schema';

const NOW = new Date('2024-03-15T12:00:00Z');

const fieldType = createFieldTypeLookup({
  fields: [
    { name: 'Title', type: 'string' },
    { name: 'Contact_Score__c', type: 'double' },
    { name: 'HasOptedOutOfEmail', type: 'boolean' },
    { name: 'Birthdate', type: 'date' },
    { name: 'CreatedDate', type: 'datetime' },
  ],
  parentFields: () => [{ name: 'Industry', type: 'picklist' }],
});

function matches(filter: unknown, record: Record<string, unknown>, typed = false): boolean {
  return evaluateFilter(parseFilter(filter), record, NOW, typed ? { fieldType } : {});
}

describe('evaluateFilter', () => {
  it('when now is passed among the options, then it is used as the clock', () => {
    const filter = parseFilter({ field: 'CreatedDate', op: 'changed_within_days', value: 1 });
    expect(evaluateFilter(filter, { CreatedDate: '2024-03-14T01:00:00Z' }, { now: NOW, fieldType })).toBe(true);
    expect(evaluateFilter(filter, { CreatedDate: '2024-03-13T01:00:00Z' }, { now: NOW })).toBe(false);
  });

  it('when the filter is {"all": []}, then every record matches; {"any": []} matches none', () => {
    expect(matches({ all: [] }, {})).toBe(true);
    expect(matches({ any: [] }, { Title: 'x' })).toBe(false);
    expect(matches({ not: { any: [] } }, {})).toBe(true);
  });

  it('when eq compares text, then case is ignored and blank/null values never equal a value', () => {
    const cond = { field: 'Title', op: 'eq', value: 'vp sales' };
    expect(matches(cond, { Title: 'VP Sales' })).toBe(true);
    expect(matches(cond, { Title: 'VP' })).toBe(false);
    expect(matches(cond, { Title: null })).toBe(false);
    expect(matches(cond, {})).toBe(false);
  });

  it('when record keys differ in case or the parent is nested, then the field is still found', () => {
    expect(matches({ field: 'Title', op: 'eq', value: 'x' }, { title: 'X' })).toBe(true);
    expect(matches({ field: 'Account.Industry', op: 'eq', value: 'tech' }, { 'account.industry': 'Tech' })).toBe(true);
    expect(matches({ field: 'Account.Industry', op: 'eq', value: 'tech' }, { Account: { Industry: 'TECH' } })).toBe(
      true,
    );
  });

  it('when eq/ne take null or a blank string, then they are is_blank / is_not_blank', () => {
    for (const blank of [null, undefined, '']) {
      expect(matches({ field: 'Title', op: 'eq', value: null }, { Title: blank })).toBe(true);
      expect(matches({ field: 'Title', op: 'eq', value: '' }, { Title: blank })).toBe(true);
      expect(matches({ field: 'Title', op: 'ne', value: null }, { Title: blank })).toBe(false);
      expect(matches({ field: 'Title', op: 'is_blank' }, { Title: blank })).toBe(true);
      expect(matches({ field: 'Title', op: 'is_not_blank' }, { Title: blank })).toBe(false);
    }
    expect(matches({ field: 'Title', op: 'ne', value: null }, { Title: 'x' })).toBe(true);
    expect(matches({ field: 'Title', op: 'is_not_blank' }, { Title: 'x' })).toBe(true);
  });

  it('when ne or not_in meet a blank value, then the record matches, as SOQL != and NOT IN return nulls', () => {
    expect(matches({ field: 'Title', op: 'ne', value: 'a' }, { Title: null })).toBe(true);
    expect(matches({ field: 'Title', op: 'ne', value: 'a' }, { Title: 'A' })).toBe(false);
    expect(matches({ field: 'Title', op: 'ne', value: 'a' }, { Title: 'b' })).toBe(true);
    expect(matches({ field: 'Title', op: 'not_in', value: ['a', 'b'] }, {})).toBe(true);
    expect(matches({ field: 'Title', op: 'not_in', value: ['a', 'b'] }, { Title: 'B' })).toBe(false);
    expect(matches({ field: 'Title', op: 'in', value: ['a', 'b'] }, { Title: 'B' })).toBe(true);
    expect(matches({ field: 'Title', op: 'in', value: ['a', 'b'] }, { Title: null })).toBe(false);
  });

  it('when numbers are compared, then numerically, and blanks never satisfy gt/gte/lt/lte', () => {
    const rec = { Contact_Score__c: 10 };
    expect(matches({ field: 'Contact_Score__c', op: 'gt', value: 9 }, rec)).toBe(true);
    expect(matches({ field: 'Contact_Score__c', op: 'gt', value: 10 }, rec)).toBe(false);
    expect(matches({ field: 'Contact_Score__c', op: 'gte', value: 10 }, rec)).toBe(true);
    expect(matches({ field: 'Contact_Score__c', op: 'lt', value: 10.5 }, rec)).toBe(true);
    expect(matches({ field: 'Contact_Score__c', op: 'lte', value: 9.99 }, rec)).toBe(false);
    expect(matches({ field: 'Contact_Score__c', op: 'eq', value: 10 }, { Contact_Score__c: '10.0' })).toBe(true);
    expect(matches({ field: 'Contact_Score__c', op: 'in', value: [1, 10] }, rec)).toBe(true);
    for (const op of ['gt', 'gte', 'lt', 'lte']) {
      expect(matches({ field: 'Contact_Score__c', op, value: 0 }, { Contact_Score__c: null })).toBe(false);
    }
    // Not gt is the complement: it does match a blank, as NOT (x > 0) does.
    expect(matches({ not: { field: 'Contact_Score__c', op: 'gt', value: 0 } }, {})).toBe(true);
  });

  it('when booleans are compared, then only the same boolean matches', () => {
    expect(matches({ field: 'HasOptedOutOfEmail', op: 'eq', value: false }, { HasOptedOutOfEmail: false })).toBe(true);
    expect(matches({ field: 'HasOptedOutOfEmail', op: 'eq', value: false }, { HasOptedOutOfEmail: true })).toBe(false);
    expect(matches({ field: 'HasOptedOutOfEmail', op: 'ne', value: true }, { HasOptedOutOfEmail: false })).toBe(true);
  });

  it('when contains/starts_with are used, then case is ignored and % and _ are literal', () => {
    expect(matches({ field: 'Title', op: 'contains', value: 'SALES' }, { Title: 'VP Sales EMEA' })).toBe(true);
    expect(matches({ field: 'Title', op: 'starts_with', value: 'vp' }, { Title: 'VP Sales' })).toBe(true);
    expect(matches({ field: 'Title', op: 'starts_with', value: 'sales' }, { Title: 'VP Sales' })).toBe(false);
    expect(matches({ field: 'Title', op: 'contains', value: '50%' }, { Title: 'save 50% now' })).toBe(true);
    expect(matches({ field: 'Title', op: 'contains', value: '5_%' }, { Title: 'save 50% now' })).toBe(false);
    expect(matches({ field: 'Title', op: 'contains', value: 'x' }, { Title: null })).toBe(false);
    expect(matches({ not: { field: 'Title', op: 'contains', value: 'x' } }, { Title: null })).toBe(true);
  });

  it('when datetimes are compared, then as instants, offsets and Salesforce +0000 form included', () => {
    const rec = { CreatedDate: '2024-01-31T10:00:00.000+0000' };
    expect(matches({ field: 'CreatedDate', op: 'gt', value: '2024-01-31T09:59:59Z' }, rec)).toBe(true);
    expect(matches({ field: 'CreatedDate', op: 'gt', value: '2024-01-31T11:00:00+01:00' }, rec)).toBe(false);
    expect(matches({ field: 'CreatedDate', op: 'gte', value: '2024-01-31T11:00:00+01:00' }, rec)).toBe(true);
    expect(matches({ field: 'CreatedDate', op: 'lt', value: '2024-01-31T10:00:01Z' }, rec)).toBe(true);
  });

  it('when a date value meets a datetime, then they compare by UTC day', () => {
    const rec = { CreatedDate: '2024-01-31T23:30:00Z' };
    expect(matches({ field: 'CreatedDate', op: 'eq', value: '2024-01-31' }, rec, true)).toBe(true);
    expect(matches({ field: 'CreatedDate', op: 'eq', value: '2024-01-31' }, rec)).toBe(true);
    expect(matches({ field: 'CreatedDate', op: 'gt', value: '2024-01-31' }, rec, true)).toBe(false);
    expect(matches({ field: 'CreatedDate', op: 'gte', value: '2024-01-31' }, rec, true)).toBe(true);
    expect(matches({ field: 'CreatedDate', op: 'lte', value: '2024-01-31' }, rec, true)).toBe(true);
    expect(matches({ field: 'CreatedDate', op: 'lt', value: '2024-02-01' }, rec, true)).toBe(true);
    expect(matches({ field: 'CreatedDate', op: 'ne', value: '2024-01-31' }, rec, true)).toBe(false);
    expect(matches({ field: 'CreatedDate', op: 'ne', value: '2024-01-31' }, {}, true)).toBe(true);
    expect(matches({ field: 'CreatedDate', op: 'in', value: ['2024-01-30', '2024-01-31'] }, rec, true)).toBe(true);
    // A date field against a datetime value: the datetime's UTC day.
    expect(
      matches({ field: 'Birthdate', op: 'eq', value: '2024-01-31T23:00:00-02:00' }, { Birthdate: '2024-02-01' }, true),
    ).toBe(true);
  });

  it('when the mirror holds epoch ms for a typed datetime field, then it is read as an instant', () => {
    const rec = { CreatedDate: Date.parse('2024-01-31T10:00:00Z') };
    expect(matches({ field: 'CreatedDate', op: 'eq', value: '2024-01-31' }, rec, true)).toBe(true);
  });

  it('when changed_within_days n is used, then it is LAST_N_DAYS:n: from 00:00Z n days ago through today', () => {
    const cond = { field: 'CreatedDate', op: 'changed_within_days', value: 1 };
    expect(matches(cond, { CreatedDate: '2024-03-14T00:00:00Z' })).toBe(true);
    expect(matches(cond, { CreatedDate: '2024-03-13T23:59:59Z' })).toBe(false);
    expect(matches(cond, { CreatedDate: '2024-03-15T23:59:59Z' })).toBe(true);
    expect(matches(cond, { CreatedDate: '2024-03-16T00:00:00Z' })).toBe(false);
    expect(matches(cond, { CreatedDate: null })).toBe(false);
    const dates = { field: 'Birthdate', op: 'changed_within_days', value: 30 };
    expect(matches(dates, { Birthdate: '2024-02-14' }, true)).toBe(true);
    expect(matches(dates, { Birthdate: '2024-02-13' }, true)).toBe(false);
    expect(matches(dates, { Birthdate: '2024-03-15' }, true)).toBe(true);
  });

  it('when all/any/not nest, then they combine as AND/OR/complement', () => {
    const filter = {
      all: [
        { field: 'Title', op: 'contains', value: 'vp' },
        {
          any: [
            { field: 'Contact_Score__c', op: 'gte', value: 50 },
            { field: 'Account.Industry', op: 'eq', value: 'Tech' },
          ],
        },
        { not: { field: 'HasOptedOutOfEmail', op: 'eq', value: true } },
      ],
    };
    const base = { Title: 'VP Sales', Contact_Score__c: 10, 'Account.Industry': 'tech', HasOptedOutOfEmail: false };
    expect(matches(filter, base, true)).toBe(true);
    expect(matches(filter, { ...base, 'Account.Industry': 'Retail' }, true)).toBe(false);
    expect(matches(filter, { ...base, 'Account.Industry': 'Retail', Contact_Score__c: 50 }, true)).toBe(true);
    expect(matches(filter, { ...base, HasOptedOutOfEmail: true }, true)).toBe(false);
  });
});
