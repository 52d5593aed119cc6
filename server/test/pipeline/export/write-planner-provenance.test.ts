import { describe, expect, it } from 'vitest';
import { planRecordWrite } from '../../../src/pipeline/export/write-planner';
import { recordPatch } from '../../../src/pipeline/export/record-patch';
import { buildAttribute, buildInput, buildMap, buildRecord, CONTACT_WRITABILITY, NOW } from './support/plan-fixtures';

const existingProvenance = JSON.stringify({
  Department: {
    value: 'Sales',
    provider: 'offline',
    confidence: 0.8,
    fetchedAt: '2026-10-01T00:00:00.000Z',
    rule: 'Tracked',
    writtenAt: '2026-10-01T00:00:01.000Z',
  },
});

describe('planRecordWrite: provenance and the enriched-at stamp', () => {
  it('when a value really changes, then provenance records it and keeps the other fields entries', () => {
    const plan = planRecordWrite(
      buildInput({
        record: buildRecord({ Title: null, Audience_Provenance__c: existingProvenance }),
        attributes: [buildAttribute('person.title', 'CTO', { provider: 'apollo', confidence: 0.85, cost: 1.5 })],
        fieldMaps: [buildMap('Title', 'person.title', 'Tracked')],
      }),
    );
    expect(plan.lastEnrichedAt).toBe(NOW.toISOString());
    expect(JSON.parse(plan.provenance ?? '')).toEqual({
      Department: JSON.parse(existingProvenance).Department,
      Title: {
        value: 'CTO',
        provider: 'apollo',
        confidence: 0.85,
        cost: 1.5,
        fetchedAt: '2026-11-28T11:00:00.000Z',
        rule: 'Tracked',
        writtenAt: NOW.toISOString(),
        previous: null,
      },
    });
  });

  it('when a value carries no cost (offline, CSV), then its provenance says it cost 0', () => {
    const plan = planRecordWrite(
      buildInput({
        record: buildRecord({ Title: null, Department: null }),
        attributes: [
          buildAttribute('person.title', 'CTO', { provider: 'offline' }),
          buildAttribute('person.department', 'IT', { provider: 'pdl', cost: 0 }),
        ],
        fieldMaps: [buildMap('Title', 'person.title', 'Always'), buildMap('Department', 'person.department', 'Always')],
      }),
    );
    const provenance = JSON.parse(plan.provenance ?? '');
    expect(provenance.Title).toMatchObject({ provider: 'offline', cost: 0 });
    expect(provenance.Department).toMatchObject({ provider: 'pdl', cost: 0 });
  });

  it('when every field is unchanged, then neither provenance nor the stamp is planned', () => {
    const plan = planRecordWrite(
      buildInput({
        record: buildRecord({ Title: 'CTO', Audience_Provenance__c: existingProvenance }),
        attributes: [buildAttribute('person.title', 'CTO', { fetchedAt: '2026-11-28T11:59:00.000Z' })],
        fieldMaps: [buildMap('Title', 'person.title', 'Always')],
      }),
    );
    expect(plan.updates).toEqual({});
    expect(plan.provenance).toBeUndefined();
    expect(plan.lastEnrichedAt).toBeUndefined();
    expect(recordPatch(plan)).toEqual({});
  });

  it('when only skips result, then neither provenance nor the stamp is planned', () => {
    const plan = planRecordWrite(
      buildInput({
        record: buildRecord({ Title: 'Founder', Department: 'x' }),
        attributes: [buildAttribute('person.title', 'CTO'), buildAttribute('person.department', 'y'.repeat(99))],
        fieldMaps: [
          buildMap('Title', 'person.title', 'Fill_Blank'),
          buildMap('Department', 'person.department', 'Always'),
        ],
      }),
    );
    expect(plan.skips.map((skip) => skip.reason)).toEqual(['rule', 'too_long']);
    expect(recordPatch(plan)).toEqual({});
  });

  it('when provenance is not updateable, then values are still written and the missing provenance is reported', () => {
    const plan = planRecordWrite(
      buildInput({
        record: buildRecord({ Title: null }),
        attributes: [buildAttribute('person.title', 'CTO')],
        fieldMaps: [buildMap('Title', 'person.title', 'Always')],
        writability: { ...CONTACT_WRITABILITY, Audience_Provenance__c: { updateable: false, type: 'textarea' } },
      }),
    );
    expect(plan.updates).toEqual({ Title: 'CTO' });
    expect(plan.provenance).toBeUndefined();
    expect(plan.skips).toEqual([
      expect.objectContaining({ field: 'Audience_Provenance__c', reason: 'not_updateable' }),
    ]);
  });

  it('when a plan has changes, then its patch carries values, provenance and stamp together', () => {
    const plan = planRecordWrite(
      buildInput({
        record: buildRecord({ Title: null }),
        attributes: [buildAttribute('person.title', 'CTO')],
        fieldMaps: [buildMap('Title', 'person.title', 'Always')],
      }),
    );
    expect(Object.keys(recordPatch(plan)).sort()).toEqual([
      'Audience_Last_Enriched_At__c',
      'Audience_Provenance__c',
      'Title',
    ]);
  });
});
