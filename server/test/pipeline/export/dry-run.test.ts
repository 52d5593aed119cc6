import { describe, expect, it } from 'vitest';
import { buildDryRunReport, formatDryRunReport } from '../../../src/pipeline/export/dry-run';
import { planRecordWrite } from '../../../src/pipeline/export/write-planner';
import { buildAttribute, buildInput, buildMap, buildRecord } from './support/plan-fixtures';
import { buildPlan, skip } from './support/plan-builders';

function change(field: string, before: string | null, after: string) {
  return { field, attribute: 'person.title' as const, rule: 'Always' as const, before, after };
}

describe('buildDryRunReport', () => {
  it('when plans are given, then each field shows would-write counts, skips by reason and samples', () => {
    const report = buildDryRunReport(
      [
        buildPlan('r1', { updates: { Title: 'CTO' }, changes: [change('Title', null, 'CTO')] }),
        buildPlan('r2', {
          updates: { Title: 'CEO' },
          changes: [change('Title', 'Boss', 'CEO')],
          skips: [skip('Department', 'not_ours')],
        }),
        buildPlan('r3', { skips: [skip('Title', 'unchanged'), skip('Department', 'not_ours')] }),
      ],
      { samplesPerField: 1 },
    );
    expect(report).toMatchObject({ records: 3, recordsToWrite: 2, fieldWrites: 2 });
    expect(report.skips).toMatchObject({ not_ours: 2, unchanged: 1 });
    expect(Object.keys(report.fields)).toEqual(['Contact.Department', 'Contact.Title']);
    expect(report.fields['Contact.Title']).toMatchObject({
      wouldWrite: 2,
      skips: expect.objectContaining({ unchanged: 1 }),
      samples: [{ recordId: 'r1', before: null, after: 'CTO' }],
    });
    expect(report.fields['Contact.Department']).toMatchObject({
      wouldWrite: 0,
      skips: expect.objectContaining({ not_ours: 2 }),
    });
  });

  it('when there are no plans, then the report is empty', () => {
    expect(buildDryRunReport([])).toMatchObject({ records: 0, recordsToWrite: 0, fieldWrites: 0, fields: {} });
  });

  it('when built from real plans, then the record is not touched', () => {
    const record = buildRecord({ Title: null });
    const before = structuredClone(record);
    const plan = planRecordWrite(
      buildInput({
        record,
        attributes: [buildAttribute('person.title', 'CTO')],
        fieldMaps: [buildMap('Title', 'person.title', 'Always')],
      }),
    );
    const report = buildDryRunReport([plan]);
    expect(report.fields['Contact.Title']?.samples).toEqual([{ recordId: record.id, before: null, after: 'CTO' }]);
    expect(record).toEqual(before);
  });

  it('when formatted, then each field reads as a line with its samples', () => {
    const report = buildDryRunReport([
      buildPlan('r1', {
        updates: { Title: 'CTO' },
        changes: [change('Title', null, 'CTO')],
        skips: [skip('Department', 'not_ours')],
      }),
    ]);
    expect(formatDryRunReport(report)).toBe(
      [
        'Dry run: 1 records, 1 would be written (1 field values)',
        '  Contact.Department: would write 0; skipped not_ours 1',
        '  Contact.Title: would write 1',
        '    r1: (blank) -> "CTO"',
      ].join('\n'),
    );
  });
});
