import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ATTRIBUTE_KEYS, type AttributeValue } from '../../../src/domain/attributes';
import { WRITE_RULES } from '../../../src/domain/records';
import type { FieldMap } from '../../../src/domain/field-map';
import type { FieldValue } from '../../../src/domain/mirror-record';
import { isBlankFieldValue, sameFieldValue } from '../../../src/pipeline/export/field-value-compare';
import { parseProvenance, PROVENANCE_FIELD } from '../../../src/pipeline/export/provenance';
import { recordPatch } from '../../../src/pipeline/export/record-patch';
import { planRecordWrite, type RecordWriteInput } from '../../../src/pipeline/export/write-planner';
import type { FieldWritabilityView, LedgerEntries } from '../../../src/pipeline/export/write-plan';
import { buildRecord, NOW } from './support/plan-fixtures';

const WRITABILITY: FieldWritabilityView = {
  Title: { updateable: true, type: 'string', length: 24 },
  Email: { updateable: true, type: 'email', length: 80 },
  LinkedIn_URL__c: { updateable: true, type: 'url', length: 255 },
  Seniority__c: { updateable: true, type: 'picklist', picklistValues: ['VP', 'Director'], restrictedPicklist: true },
  Interests__c: { updateable: true, type: 'multipicklist', length: 4099 },
  Contact_Score__c: { updateable: true, type: 'double', scale: 2 },
  NumberOfEmployees: { updateable: true, type: 'int', scale: 0 },
  Job_Change_Detected_At__c: { updateable: true, type: 'datetime' },
  Birthdate: { updateable: true, type: 'date' },
  HasOptedOutOfEmail: { updateable: true, type: 'boolean' },
  CreatedById: { updateable: false, type: 'reference', length: 18 },
  Audience_Provenance__c: { updateable: true, type: 'textarea', length: 131072 },
  Audience_Last_Enriched_At__c: { updateable: true, type: 'datetime' },
};
const FIELDS = Object.keys(WRITABILITY).filter((field) => !field.startsWith('Audience_'));

const instant = fc.date({
  min: new Date('1990-01-01T00:00:00Z'),
  max: new Date('2040-01-01T00:00:00Z'),
  noInvalidDate: true,
});

/** Values as they show up on records, ledgers and from providers: every spelling the comparison must cope with. */
const anyValue: fc.Arbitrary<string | number> = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.string({ maxLength: 10 }).map((text) => `  ${text}  `),
  fc.constantFrom('VP', 'Director', 'Chief', 'true', 'false', '1', '0', 'a;b', 'b; a', 'x@Acme.com', 'https://a.io/X'),
  fc.integer({ min: -1_000_000, max: 1_000_000 }),
  fc.double({ min: -1e9, max: 1e9, noNaN: true }),
  fc.integer({ min: -1000, max: 1000 }).map((n) => `${n}.50`),
  instant.map((date) => date.toISOString()),
  instant.map((date) => date.toISOString().replace('Z', '+0000')),
  instant.map((date) => date.toISOString().slice(0, 10)),
);
const currentValue: fc.Arbitrary<FieldValue> = fc.oneof(
  fc.constantFrom<FieldValue>(null, '', '   ', true, false),
  anyValue,
);

const fieldSetup = fc.record({
  rule: fc.constantFrom(...WRITE_RULES),
  current: currentValue,
  attribute: fc.option(anyValue, { nil: undefined }),
  ledger: fc.option(currentValue, { nil: undefined }),
  provenance: fc.option(currentValue, { nil: undefined }),
});

const scenario = fc.dictionary(fc.constantFrom(...FIELDS), fieldSetup, { minKeys: 1 }).map((setups) => {
  const fields: Record<string, FieldValue> = {};
  const attributes: AttributeValue[] = [];
  const fieldMaps: FieldMap[] = [];
  const ledger: LedgerEntries = {};
  const provenance: Record<string, { value: FieldValue; writtenAt: string }> = {};
  Object.entries(setups).forEach(([field, setup], index) => {
    const key = ATTRIBUTE_KEYS[index % ATTRIBUTE_KEYS.length] ?? 'person.title';
    fields[field] = setup.current;
    fieldMaps.push({
      id: `map-${index}`,
      object: 'Contact',
      field,
      attribute: key,
      rule: setup.rule,
      importable: false,
    });
    if (setup.attribute !== undefined) {
      attributes.push({
        key,
        value: setup.attribute,
        provider: 'pdl',
        confidence: 0.9,
        fetchedAt: '2026-11-28T11:00:00Z',
      });
    }
    if (setup.ledger !== undefined) ledger[field] = { value: setup.ledger, writtenAt: '2026-11-01T00:00:00.000Z' };
    if (setup.provenance !== undefined)
      provenance[field] = { value: setup.provenance, writtenAt: '2026-10-01T00:00:00Z' };
  });
  if (Object.keys(provenance).length > 0) fields[PROVENANCE_FIELD] = JSON.stringify(provenance);
  const input: RecordWriteInput = {
    record: buildRecord(fields),
    attributes,
    fieldMaps,
    ledger,
    writability: WRITABILITY,
    now: NOW,
  };
  return input;
});

const LATER = new Date(NOW.getTime() + 60_000);

describe('planRecordWrite: properties', () => {
  it('when a plan is applied and planning runs again, then nothing more is planned (ledger kept)', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const first = planRecordWrite(input);
        const record = { ...input.record, fields: { ...input.record.fields, ...recordPatch(first) } };
        const ledger = { ...input.ledger };
        for (const [field, value] of Object.entries(first.updates))
          ledger[field] = { value, writtenAt: NOW.toISOString() };
        const second = planRecordWrite({ ...input, record, ledger, now: LATER });
        expect(second.updates).toEqual({});
        expect(recordPatch(second)).toEqual({});
      }),
      { numRuns: 400 },
    );
  });

  it('when a plan is applied and Redis is then lost, then planning again still plans nothing', () => {
    fc.assert(
      fc.property(scenario, (generated) => {
        // Ledger and provenance are written together, so before the loss they agree on every value.
        const ledger: LedgerEntries = {};
        for (const [field, entry] of Object.entries(parseProvenance(generated.record.fields[PROVENANCE_FIELD]))) {
          ledger[field] = { value: entry.value, writtenAt: entry.writtenAt ?? '' };
        }
        const input = { ...generated, ledger };
        const first = planRecordWrite(input);
        const record = { ...input.record, fields: { ...input.record.fields, ...recordPatch(first) } };
        const second = planRecordWrite({ ...input, record, ledger: {}, now: LATER });
        expect(second.updates).toEqual({});
      }),
      { numRuns: 400 },
    );
  });

  it('when anything is planned, then every write obeys its rule and every mapped field has exactly one outcome', () => {
    fc.assert(
      fc.property(scenario, (input) => {
        const plan = planRecordWrite(input);
        const provenance = parseProvenance(input.record.fields[PROVENANCE_FIELD]);
        for (const change of plan.changes) {
          const describe = WRITABILITY[change.field];
          expect(describe?.updateable).toBe(true);
          const current = input.record.fields[change.field];
          expect(sameFieldValue(current, change.after, describe?.type ?? '')).toBe(false);
          if (change.rule === 'Fill_Blank') expect(isBlankFieldValue(current)).toBe(true);
          if (change.rule === 'Tracked' && !isBlankFieldValue(current)) {
            const last = input.ledger[change.field]?.value ?? provenance[change.field]?.value;
            expect(sameFieldValue(current, last, describe?.type ?? '')).toBe(true);
          }
          expect(change.rule).not.toBe('Never');
        }
        const outcomes = [...plan.changes.map((change) => change.field), ...plan.skips.map((skip) => skip.field)];
        expect(outcomes.sort()).toEqual(input.fieldMaps.map((map) => map.field).sort());
        expect(plan.provenance !== undefined).toBe(plan.changes.length > 0);
      }),
      { numRuns: 400 },
    );
  });
});
