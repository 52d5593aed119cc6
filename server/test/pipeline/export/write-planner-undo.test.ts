import { describe, expect, it } from 'vitest';
import { planRecordWrite } from '../../../src/pipeline/export/write-planner';
import { buildAttribute, buildInput, buildMap, buildRecord, NOW } from './support/plan-fixtures';

const REP = '005000000000002AAA';
const UNDONE_AT = '2026-11-27T09:00:00.000Z';

/** Provenance of Title as our write left it, optionally with a rep's undo marks (as the record card's Apex adds). */
function provenance(undo: boolean, rule = 'Fill_Blank'): string {
  return JSON.stringify({
    Title: {
      value: 'CTO',
      provider: 'pdl',
      confidence: 0.9,
      cost: 1,
      fetchedAt: '2026-11-01T00:00:00.000Z',
      rule,
      writtenAt: '2026-11-01T00:00:01.000Z',
      previous: null,
      ...(undo ? { undoneBy: REP, undoneAt: UNDONE_AT } : {}),
    },
  });
}

describe('planRecordWrite: previous values and a rep undo', () => {
  it('when a value is written, then its provenance keeps the value the field held before', () => {
    const plan = planRecordWrite(
      buildInput({
        record: buildRecord({ Title: 'Founder', Audience_Provenance__c: null }),
        attributes: [buildAttribute('person.title', 'CTO')],
        fieldMaps: [buildMap('Title', 'person.title', 'Always')],
      }),
    );
    expect(JSON.parse(plan.provenance ?? '').Title).toMatchObject({ value: 'CTO', previous: 'Founder' });
  });

  it('when the field was blank, then previous is null', () => {
    const plan = planRecordWrite(
      buildInput({
        record: buildRecord({ Title: '', Audience_Provenance__c: null }),
        attributes: [buildAttribute('person.title', 'CTO')],
        fieldMaps: [buildMap('Title', 'person.title', 'Fill_Blank')],
      }),
    );
    expect(JSON.parse(plan.provenance ?? '').Title).toMatchObject({ previous: null });
  });

  it.each(['Fill_Blank', 'Tracked'] as const)(
    'when a rep undid a %s field back to blank, then it is skipped as not_ours and the undo is handed to the ledger',
    (rule) => {
      const plan = planRecordWrite(
        buildInput({
          record: buildRecord({ Title: null, Audience_Provenance__c: provenance(true, rule) }),
          attributes: [buildAttribute('person.title', 'CTO')],
          fieldMaps: [buildMap('Title', 'person.title', rule)],
        }),
      );
      expect(plan.updates).toEqual({});
      expect(plan.provenance).toBeUndefined();
      expect(plan.skips).toEqual([
        { field: 'Title', attribute: 'person.title', reason: 'not_ours', detail: `undone by ${REP} at ${UNDONE_AT}` },
      ]);
      expect(plan.undos).toEqual([
        { field: 'Title', value: 'CTO', writtenAt: '2026-11-01T00:00:01.000Z', undoneBy: REP, undoneAt: UNDONE_AT },
      ]);
    },
  );

  it('when the ledger already holds the undo, then it is not handed over again, and the field stays skipped', () => {
    const plan = planRecordWrite(
      buildInput({
        record: buildRecord({ Title: null, Audience_Provenance__c: provenance(true) }),
        attributes: [buildAttribute('person.title', 'CTO')],
        fieldMaps: [buildMap('Title', 'person.title', 'Fill_Blank')],
        ledger: { Title: { value: 'CTO', writtenAt: '2026-11-01T00:00:01.000Z', undoneBy: REP, undoneAt: UNDONE_AT } },
      }),
    );
    expect(plan.undos).toBeUndefined();
    expect(plan.skips.map((s) => s.reason)).toEqual(['not_ours']);
  });

  it('when the provenance entry is gone but the ledger holds the undo, then the field is still not ours', () => {
    const plan = planRecordWrite(
      buildInput({
        record: buildRecord({ Title: null, Audience_Provenance__c: null }),
        attributes: [buildAttribute('person.title', 'CTO')],
        fieldMaps: [buildMap('Title', 'person.title', 'Fill_Blank')],
        ledger: { Title: { value: 'CTO', writtenAt: '2026-11-01T00:00:01.000Z', undoneBy: REP, undoneAt: UNDONE_AT } },
      }),
    );
    expect(plan.updates).toEqual({});
    expect(plan.skips[0]).toMatchObject({ reason: 'not_ours' });
  });

  it('when another field is written, then the undone entry and its marks stay in the new provenance', () => {
    const plan = planRecordWrite(
      buildInput({
        record: buildRecord({ Title: null, Department: null, Audience_Provenance__c: provenance(true) }),
        attributes: [buildAttribute('person.title', 'CTO'), buildAttribute('person.department', 'IT')],
        fieldMaps: [
          buildMap('Title', 'person.title', 'Fill_Blank'),
          buildMap('Department', 'person.department', 'Fill_Blank'),
        ],
        now: NOW,
      }),
    );
    expect(plan.updates).toEqual({ Department: 'IT' });
    expect(JSON.parse(plan.provenance ?? '').Title).toMatchObject({ undoneBy: REP, undoneAt: UNDONE_AT });
  });

  it('when an entry has no undo mark (or a blank one), then the rules apply as before', () => {
    const blankMark = JSON.stringify({ Title: { ...JSON.parse(provenance(false)).Title, undoneBy: ' ' } });
    for (const raw of [provenance(false), blankMark]) {
      const plan = planRecordWrite(
        buildInput({
          record: buildRecord({ Title: null, Audience_Provenance__c: raw }),
          attributes: [buildAttribute('person.title', 'CTO')],
          fieldMaps: [buildMap('Title', 'person.title', 'Fill_Blank')],
        }),
      );
      expect(plan.updates).toEqual({ Title: 'CTO' });
      expect(plan.undos).toBeUndefined();
    }
  });
});
