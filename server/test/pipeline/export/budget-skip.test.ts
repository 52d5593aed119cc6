import { describe, expect, it } from 'vitest';
import { deferForBudget } from '../../../src/pipeline/export/budget-skip';
import { recordPatch } from '../../../src/pipeline/export/record-patch';
import { planRecordWrite } from '../../../src/pipeline/export/write-planner';
import { buildAttribute, buildInput, buildMap, buildRecord } from './support/plan-fixtures';

describe('deferForBudget', () => {
  it('when the governor holds a plan back, then nothing is sent and each change becomes a budget skip', () => {
    const plan = planRecordWrite(
      buildInput({
        record: buildRecord({ Title: null, Department: 'Sales' }),
        attributes: [buildAttribute('person.title', 'CTO'), buildAttribute('person.department', 'IT')],
        fieldMaps: [
          buildMap('Title', 'person.title', 'Always'),
          buildMap('Department', 'person.department', 'Fill_Blank'),
        ],
      }),
    );
    const deferred = deferForBudget(plan);
    expect(recordPatch(deferred)).toEqual({});
    expect(deferred.provenance).toBeUndefined();
    expect(deferred.skips.map((one) => [one.field, one.reason])).toEqual([
      ['Department', 'rule'],
      ['Title', 'budget'],
    ]);
  });
});
