import { describe, expect, it } from 'vitest';
import type { AttributeKey } from '../../../src/domain/attributes';
import type { WriteRule } from '../../../src/domain/field-map';
import type { FieldValue } from '../../../src/domain/mirror-record';
import { planRecordWrite } from '../../../src/pipeline/export/write-planner';
import { buildAttribute, buildInput, buildMap, buildRecord, CONTACT_WRITABILITY } from './support/plan-fixtures';

/** Plans one mapped field with one attribute value over one current value. */
function planOne(field: string, current: FieldValue, value: string | number, rule: WriteRule = 'Always') {
  const key: AttributeKey = 'person.title';
  return planRecordWrite(
    buildInput({
      record: buildRecord({ [field]: current }),
      attributes: [buildAttribute(key, value)],
      fieldMaps: [buildMap(field, key, rule)],
    }),
  );
}

describe('planRecordWrite: what describe allows', () => {
  it('when the field is not updateable, then it is skipped as not_updateable', () => {
    const plan = planOne('CreatedById', null, '005000000000001AAA');
    expect(plan.updates).toEqual({});
    expect(plan.skips).toEqual([{ field: 'CreatedById', attribute: 'person.title', reason: 'not_updateable' }]);
  });

  it('when describe does not list the field, then it is skipped as not_updateable with the likely cause', () => {
    const plan = planOne('Secret__c', null, 'x');
    expect(plan.skips[0]).toMatchObject({ reason: 'not_updateable', detail: expect.stringMatching(/not in describe/) });
  });

  it('when a restricted picklist does not hold the value, then it is skipped as restricted_picklist', () => {
    const plan = planOne('Seniority__c', null, 'Chief');
    expect(plan.updates).toEqual({});
    expect(plan.skips[0]).toMatchObject({ reason: 'restricted_picklist', detail: expect.stringContaining('Chief') });
  });

  it('when a restricted picklist holds the value, then it is written', () => {
    expect(planOne('Seniority__c', null, 'VP').updates).toEqual({ Seniority__c: 'VP' });
  });

  it('when a picklist is not restricted, then any value is written', () => {
    const plan = planRecordWrite(
      buildInput({
        record: buildRecord({ Seniority__c: null }),
        attributes: [buildAttribute('person.seniority', 'Chief')],
        fieldMaps: [buildMap('Seniority__c', 'person.seniority', 'Always')],
        writability: {
          ...CONTACT_WRITABILITY,
          Seniority__c: { updateable: true, type: 'picklist', picklistValues: ['VP'] },
        },
      }),
    );
    expect(plan.updates).toEqual({ Seniority__c: 'Chief' });
  });

  it('when the value is longer than the field, then it is skipped as too_long', () => {
    const plan = planOne('Department', null, 'x'.repeat(81));
    expect(plan.updates).toEqual({});
    expect(plan.skips[0]).toMatchObject({ reason: 'too_long', detail: '81 characters, the field holds 80' });
  });

  it('when the value fills the field exactly, then it is written', () => {
    expect(planOne('Department', null, 'x'.repeat(80)).updates).toEqual({ Department: 'x'.repeat(80) });
  });

  it('when the value does not fit the field type, then it is skipped as invalid_value', () => {
    expect(planOne('Contact_Score__c', null, 'n/a').skips[0]).toMatchObject({ reason: 'invalid_value' });
    expect(planOne('NumberOfEmployees', null, 41.5).skips[0]).toMatchObject({ reason: 'invalid_value' });
    expect(planOne('Job_Change_Detected_At__c', null, 'last week').skips[0]).toMatchObject({ reason: 'invalid_value' });
    expect(planOne('HasOptedOutOfEmail', false, 'maybe').skips[0]).toMatchObject({ reason: 'invalid_value' });
  });
});

describe('planRecordWrite: type-aware comparison', () => {
  it.each([
    ['a number field holds "12" and the value is 12', 'Contact_Score__c', '12', 12],
    ['a number field holds 12 and the value is "12"', 'Contact_Score__c', 12, '12'],
    ['a number field holds 12.5 and the value is "12.50"', 'Contact_Score__c', 12.5, '12.50'],
    ['a scale-2 field holds 12.35 and the value is 12.3456', 'Contact_Score__c', 12.35, 12.3456],
    [
      'a datetime field holds REST format and the value is the same instant in Z',
      'Job_Change_Detected_At__c',
      '2024-01-02T03:04:05.000+0000',
      '2024-01-02T03:04:05Z',
    ],
    [
      'a datetime field holds REST format and the value is the same instant at +01:00',
      'Job_Change_Detected_At__c',
      '2024-01-02T03:04:05.000+0000',
      '2024-01-02T04:04:05+01:00',
    ],
    [
      'a date field holds a date and the value is a midnight datetime',
      'Birthdate',
      '2024-01-02',
      '2024-01-02T00:00:00.000Z',
    ],
    ['a text field has trailing whitespace', 'Title', 'VP Sales  ', 'VP Sales'],
    ['a checkbox holds true and the value is 1', 'HasOptedOutOfEmail', true, 1],
    ['a checkbox holds false and the value is "false"', 'HasOptedOutOfEmail', false, 'false'],
  ] as const)('when %s, then nothing is written (unchanged)', (_name, field, current, value) => {
    const plan = planOne(field, current, value);
    expect(plan.updates).toEqual({});
    expect(plan.skips[0]?.reason).toBe('unchanged');
  });

  it.each([
    [
      'a datetime one second later',
      'Job_Change_Detected_At__c',
      '2024-01-02T03:04:05.000+0000',
      '2024-01-02T03:04:06Z',
      '2024-01-02T03:04:06.000Z',
    ],
    ['a date given as a datetime', 'Birthdate', '2023-05-06', '2024-01-02T10:00:00Z', '2024-01-02'],
    ['a number given as text', 'Contact_Score__c', 7, ' 12.5 ', 12.5],
    ['a number rounded to the field scale', 'Contact_Score__c', null, 1.239, 1.24],
    [
      'an email differing only in the local part case',
      'Email',
      'Jane.Doe@acme.com',
      'jane.doe@acme.com',
      'jane.doe@acme.com',
    ],
    [
      'a URL differing only in case',
      'LinkedIn_URL__c',
      'https://www.linkedin.com/in/JaneDoe',
      'https://www.linkedin.com/in/janedoe',
      'https://www.linkedin.com/in/janedoe',
    ],
    ['text with surrounding whitespace', 'Title', 'CTO', '  VP Sales ', 'VP Sales'],
    ['a checkbox turned on', 'HasOptedOutOfEmail', false, 'true', true],
  ] as const)('when the value is %s, then the normalised value is written', (_name, field, current, value, written) => {
    const plan = planOne(field, current, value);
    expect(plan.updates).toEqual({ [field]: written });
    expect(plan.changes).toEqual([
      { field, attribute: 'person.title', rule: 'Always', before: current, after: written },
    ]);
  });
});

describe('planRecordWrite: what gets planned at all', () => {
  it('when the attribute produced nothing, then the field is skipped as no_value', () => {
    const plan = planRecordWrite(
      buildInput({ record: buildRecord({ Title: null }), fieldMaps: [buildMap('Title', 'person.title', 'Always')] }),
    );
    expect(plan.skips).toEqual([{ field: 'Title', attribute: 'person.title', reason: 'no_value' }]);
  });

  it('when the attribute value is blank, then the field is skipped as no_value', () => {
    expect(planOne('Title', 'CTO', '   ').skips[0]?.reason).toBe('no_value');
  });

  it('when the mirror does not hold the field, then it is skipped as not_mirrored instead of guessing', () => {
    const plan = planRecordWrite(
      buildInput({
        record: buildRecord({}),
        attributes: [buildAttribute('person.title', 'CTO')],
        fieldMaps: [buildMap('Title', 'person.title', 'Fill_Blank')],
      }),
    );
    expect(plan.updates).toEqual({});
    expect(plan.skips[0]?.reason).toBe('not_mirrored');
  });

  it('when a map is read-only or for another object, then it is neither written nor counted', () => {
    const plan = planRecordWrite(
      buildInput({
        record: buildRecord({ Title: null, Industry: null }),
        attributes: [buildAttribute('person.title', 'CTO')],
        fieldMaps: [buildMap('Industry', undefined, 'Always'), buildMap('Title', 'person.title', 'Always', 'Lead')],
      }),
    );
    expect(plan.updates).toEqual({});
    expect(plan.skips).toEqual([]);
  });

  it('when two maps write the same field, then the first wins and the second is reported', () => {
    const plan = planRecordWrite(
      buildInput({
        record: buildRecord({ Title: null }),
        attributes: [buildAttribute('person.title', 'CTO'), buildAttribute('person.department', 'Engineering')],
        fieldMaps: [buildMap('Title', 'person.title', 'Always'), buildMap('Title', 'person.department', 'Always')],
      }),
    );
    expect(plan.updates).toEqual({ Title: 'CTO' });
    expect(plan.skips).toEqual([
      expect.objectContaining({ field: 'Title', attribute: 'person.department', reason: 'rule' }),
    ]);
  });

  it('when a map targets the loop bookkeeping fields, then it is refused as rule', () => {
    const plan = planRecordWrite(
      buildInput({
        record: buildRecord({ Audience_Provenance__c: null }),
        attributes: [buildAttribute('person.title', 'CTO')],
        fieldMaps: [buildMap('Audience_Provenance__c', 'person.title', 'Always')],
      }),
    );
    expect(plan.updates).toEqual({});
    expect(plan.skips[0]?.reason).toBe('rule');
  });

  it('when several values exist for one attribute, then the most confident one is written', () => {
    const plan = planRecordWrite(
      buildInput({
        record: buildRecord({ Title: null }),
        attributes: [
          buildAttribute('person.title', 'Engineer', { confidence: 0.5 }),
          buildAttribute('person.title', 'CTO', { confidence: 0.95, provider: 'apollo' }),
          buildAttribute('person.title', 'Intern', { confidence: 0.7 }),
        ],
        fieldMaps: [buildMap('Title', 'person.title', 'Always')],
      }),
    );
    expect(plan.updates).toEqual({ Title: 'CTO' });
  });
});
