import { describe, expect, it } from 'vitest';
import type { WriteRule } from '../../../src/domain/field-map';
import type { FieldValue } from '../../../src/domain/mirror-record';
import { planRecordWrite } from '../../../src/pipeline/export/write-planner';
import type { LedgerEntries, SkipReason } from '../../../src/pipeline/export/write-plan';
import { buildAttribute, buildInput, buildMap, buildRecord } from './support/plan-fixtures';

const OURS = 'VP of Sales';
const PERSON = 'Head of Revenue';
const NEW = 'Chief Revenue Officer';

interface Situation {
  name: string;
  current: FieldValue;
  ledger?: LedgerEntries;
  provenanceValue?: FieldValue;
  attribute: string;
}

const situations: Record<string, Situation> = {
  blank: { name: 'the field is blank', current: null, attribute: NEW },
  whitespace: { name: 'the field holds only whitespace', current: '   ', attribute: NEW },
  same: { name: 'the field already holds the new value', current: NEW, attribute: NEW },
  different: { name: 'the field holds a value we never wrote', current: PERSON, attribute: NEW },
  ours: {
    name: 'the field still holds the value we last wrote',
    current: OURS,
    ledger: { Title: { value: OURS, writtenAt: '2026-11-01T00:00:00.000Z' } },
    attribute: NEW,
  },
  personAfterUs: {
    name: 'a person changed the field after our write',
    current: PERSON,
    ledger: { Title: { value: OURS, writtenAt: '2026-11-01T00:00:00.000Z' } },
    attribute: NEW,
  },
  ledgerLost: {
    name: 'the ledger is lost but provenance says the value is ours',
    current: OURS,
    provenanceValue: OURS,
    attribute: NEW,
  },
  ledgerLostPersonAfterUs: {
    name: 'the ledger is lost and provenance shows a person changed it after us',
    current: PERSON,
    provenanceValue: OURS,
    attribute: NEW,
  },
};

type Outcome = 'write' | SkipReason;

const expected: Record<WriteRule, Record<keyof typeof situations, Outcome>> = {
  Always: {
    blank: 'write',
    whitespace: 'write',
    same: 'unchanged',
    different: 'write',
    ours: 'write',
    personAfterUs: 'write',
    ledgerLost: 'write',
    ledgerLostPersonAfterUs: 'write',
  },
  Never: {
    blank: 'rule',
    whitespace: 'rule',
    same: 'rule',
    different: 'rule',
    ours: 'rule',
    personAfterUs: 'rule',
    ledgerLost: 'rule',
    ledgerLostPersonAfterUs: 'rule',
  },
  Fill_Blank: {
    blank: 'write',
    whitespace: 'write',
    same: 'unchanged',
    different: 'rule',
    ours: 'rule',
    personAfterUs: 'rule',
    ledgerLost: 'rule',
    ledgerLostPersonAfterUs: 'rule',
  },
  Tracked: {
    blank: 'write',
    whitespace: 'write',
    same: 'unchanged',
    different: 'not_ours',
    ours: 'write',
    personAfterUs: 'not_ours',
    ledgerLost: 'write',
    ledgerLostPersonAfterUs: 'not_ours',
  },
};

const cases = (Object.keys(expected) as WriteRule[]).flatMap((rule) =>
  Object.entries(expected[rule]).map(([key, outcome]) => ({ rule, situation: situations[key] as Situation, outcome })),
);

function planFor(rule: WriteRule, situation: Situation) {
  const fields: Record<string, FieldValue> = { Title: situation.current };
  if (situation.provenanceValue !== undefined) {
    fields.Audience_Provenance__c = JSON.stringify({
      Title: { value: situation.provenanceValue, provider: 'pdl', rule, writtenAt: '2026-11-01T00:00:00.000Z' },
    });
  }
  return planRecordWrite(
    buildInput({
      record: buildRecord(fields),
      attributes: [buildAttribute('person.title', situation.attribute)],
      fieldMaps: [buildMap('Title', 'person.title', rule)],
      ledger: situation.ledger ?? {},
    }),
  );
}

describe('planRecordWrite: write rules', () => {
  it.each(cases)(
    'when the rule is $rule and $situation.name, then the outcome is $outcome',
    ({ rule, situation, outcome }) => {
      const plan = planFor(rule, situation);
      if (outcome === 'write') {
        expect(plan.updates).toEqual({ Title: NEW });
        expect(plan.skips).toEqual([]);
        expect(plan.provenance).toBeDefined();
        expect(plan.lastEnrichedAt).toBeDefined();
      } else {
        expect(plan.updates).toEqual({});
        expect(plan.skips).toHaveLength(1);
        expect(plan.skips[0]).toMatchObject({ field: 'Title', attribute: 'person.title', reason: outcome });
        expect(plan.provenance).toBeUndefined();
        expect(plan.lastEnrichedAt).toBeUndefined();
      }
    },
  );

  it('when the ledger and provenance disagree, then the ledger decides', () => {
    const fields = {
      Title: OURS,
      Audience_Provenance__c: JSON.stringify({
        Title: { value: 'Something older', writtenAt: '2026-10-01T00:00:00Z' },
      }),
    };
    const plan = planRecordWrite(
      buildInput({
        record: buildRecord(fields),
        attributes: [buildAttribute('person.title', NEW)],
        fieldMaps: [buildMap('Title', 'person.title', 'Tracked')],
        ledger: { Title: { value: OURS, writtenAt: '2026-11-01T00:00:00.000Z' } },
      }),
    );
    expect(plan.updates).toEqual({ Title: NEW });
  });

  it('when Tracked compares with the value we wrote, then the comparison is type-aware', () => {
    const plan = planRecordWrite(
      buildInput({
        record: buildRecord({ Contact_Score__c: 12 }),
        attributes: [buildAttribute('company.employee_count', 40)],
        fieldMaps: [buildMap('Contact_Score__c', 'company.employee_count', 'Tracked')],
        ledger: { Contact_Score__c: { value: '12.00', writtenAt: '2026-11-01T00:00:00.000Z' } },
      }),
    );
    expect(plan.updates).toEqual({ Contact_Score__c: 40 });
  });

  it('when the provenance JSON is unreadable, then a non-blank Tracked value is left alone as not ours', () => {
    const plan = planRecordWrite(
      buildInput({
        record: buildRecord({ Title: OURS, Audience_Provenance__c: '{"Title": {"value": ' }),
        attributes: [buildAttribute('person.title', NEW)],
        fieldMaps: [buildMap('Title', 'person.title', 'Tracked')],
      }),
    );
    expect(plan.updates).toEqual({});
    expect(plan.skips[0]?.reason).toBe('not_ours');
  });

  it('when a person edited after us, then the skip detail says so and names where our value came from', () => {
    const plan = planFor('Tracked', situations.personAfterUs as Situation);
    expect(plan.skips[0]?.detail).toMatch(/after our write.*ledger/);
  });
});
