import { describe, expect, it } from 'vitest';
import { FilterError } from '../../../../src/pipeline/segments/filter/filter-error';
import type { FilterFieldCatalog } from '../../../../src/pipeline/segments/filter/filter-field-types';
import { parseFilter } from '../../../../src/pipeline/segments/filter/filter-schema';
import { validateFilterFields } from '../../../../src/pipeline/segments/filter/validate-filter-fields';

const contact: FilterFieldCatalog = {
  fields: [
    { name: 'Id', type: 'id' },
    { name: 'AccountId', type: 'reference' },
    { name: 'Title', type: 'string' },
    { name: 'Email', type: 'email' },
    { name: 'Seniority__c', type: 'picklist' },
    { name: 'Interests__c', type: 'multipicklist' },
    { name: 'Description', type: 'textarea', filterable: false },
    { name: 'MailingAddress', type: 'address', filterable: false },
    { name: 'HasOptedOutOfEmail', type: 'boolean' },
    { name: 'Contact_Score__c', type: 'double' },
    { name: 'Birthdate', type: 'date' },
    { name: 'LastModifiedDate', type: 'datetime' },
  ],
  parentFields: (relationship) => (relationship === 'Account' ? [{ name: 'Industry', type: 'picklist' }] : undefined),
};

function problem(filter: unknown, catalog: FilterFieldCatalog = contact): FilterError {
  try {
    validateFilterFields(parseFilter(filter), catalog);
  } catch (error) {
    if (error instanceof FilterError) return error;
    throw error;
  }
  throw new Error('expected validateFilterFields to throw');
}

describe('validateFilterFields', () => {
  it('when every field exists and fits its op, then the filter comes back with describe spellings', () => {
    const filter = parseFilter({
      all: [
        { field: 'title', op: 'contains', value: 'vp' },
        { field: 'account.industry', op: 'in', value: ['Tech'] },
        { field: 'Contact_Score__c', op: 'gte', value: 10 },
        { field: 'Birthdate', op: 'lt', value: '2000-01-01' },
        { field: 'LastModifiedDate', op: 'changed_within_days', value: 7 },
        { not: { field: 'HasOptedOutOfEmail', op: 'eq', value: true } },
        { field: 'Interests__c', op: 'is_not_blank' },
        { field: 'Seniority__c', op: 'eq', value: null },
      ],
    });
    const result = validateFilterFields(filter, contact) as { all: unknown[] };
    expect(result.all[0]).toEqual({ field: 'Title', op: 'contains', value: 'vp' });
    expect(result.all[1]).toEqual({ field: 'Account.Industry', op: 'in', value: ['Tech'] });
    expect(result.all[5]).toEqual({ not: { field: 'HasOptedOutOfEmail', op: 'eq', value: true } });
    expect(result.all).toHaveLength(8);
  });

  it('when a field is not on the object or its parent, then FILTER_UNKNOWN_FIELD with the path', () => {
    const error = problem({
      all: [
        { field: 'Title', op: 'is_blank' },
        { field: 'Nope__c', op: 'is_blank' },
      ],
    });
    expect(error.code).toBe('FILTER_UNKNOWN_FIELD');
    expect(error.message).toBe('all[1].field: no field Nope__c');
    expect(problem({ field: 'Account.Nope', op: 'is_blank' }).message).toBe('field: no field Account.Nope on Account');
    const lead: FilterFieldCatalog = { fields: contact.fields };
    expect(problem({ field: 'Account.Industry', op: 'is_blank' }, lead).code).toBe('FILTER_UNKNOWN_FIELD');
  });

  it('when a field cannot be filtered in SOQL, then FILTER_NOT_FILTERABLE', () => {
    expect(problem({ field: 'Description', op: 'contains', value: 'x' }).code).toBe('FILTER_NOT_FILTERABLE');
    expect(problem({ field: 'MailingAddress', op: 'is_blank' }).message).toBe(
      'field: MailingAddress (address) cannot be filtered on',
    );
  });

  it('when the op does not suit the field type, then FILTER_TYPE_MISMATCH on the op', () => {
    const cases: [unknown, string][] = [
      [
        { field: 'HasOptedOutOfEmail', op: 'gt', value: 1 },
        'op: gt does not apply to HasOptedOutOfEmail, a checkbox field',
      ],
      [
        { field: 'Title', op: 'changed_within_days', value: 3 },
        'op: changed_within_days does not apply to Title, a text field',
      ],
      [
        { field: 'Contact_Score__c', op: 'contains', value: '5' },
        'op: contains does not apply to Contact_Score__c, a number field',
      ],
      [
        { field: 'AccountId', op: 'starts_with', value: '001' },
        'op: starts_with does not apply to AccountId, a text field',
      ],
      [
        { field: 'Interests__c', op: 'eq', value: 'a' },
        'op: eq does not apply to Interests__c, a multi-select picklist field',
      ],
    ];
    for (const [filter, message] of cases) {
      const error = problem(filter);
      expect(error.code).toBe('FILTER_TYPE_MISMATCH');
      expect(error.message.startsWith(message), error.message).toBe(true);
    }
  });

  it('when the value does not suit the field type, then FILTER_TYPE_MISMATCH on the value', () => {
    expect(problem({ field: 'Contact_Score__c', op: 'eq', value: 'ten' }).message).toBe(
      'value: Contact_Score__c is a number field; eq needs a number',
    );
    expect(problem({ field: 'Title', op: 'in', value: [1, 2] }).message).toBe(
      'value: Title is a text field; in needs values that are each a string',
    );
    expect(problem({ field: 'Birthdate', op: 'gt', value: 5 }).message).toBe(
      'value: Birthdate is a date field; gt needs an ISO date (2024-01-31)',
    );
    expect(problem({ field: 'HasOptedOutOfEmail', op: 'eq', value: 'yes' }).code).toBe('FILTER_TYPE_MISMATCH');
    expect(problem({ field: 'LastModifiedDate', op: 'eq', value: 'yesterday' }).code).toBe('FILTER_TYPE_MISMATCH');
  });
});
