import type { AttributeKey, AttributeValue } from '../../../domain/attributes';
import type { FieldMap, WriteRule } from '../../../domain/field-map';
import type { FieldValue, MirrorRecord, RecordObject } from '../../../domain/mirror-record';
import type { ObjectDescribe } from '../../../salesforce/schema/describe-cache';
import {
  PROVENANCE_FIELD,
  planRecordWrite,
  recordPatch,
  type FieldWritabilityView,
  type LedgerEntries,
  type RecordWritePlan,
} from '../../export';

export interface ImportWriteInput {
  object: RecordObject;
  /** The record as Salesforce has it now; for a create, every imported field is null. */
  record: MirrorRecord;
  /** Field API name → value from the file (validated, non-blank). */
  values: Record<string, string>;
  /** Rule per field (lower-cased name) from the active field maps. */
  rules: ReadonlyMap<string, WriteRule>;
  /** Rule for fields no active map names. */
  defaultRule: WriteRule;
  writability: FieldWritabilityView;
  ledger: LedgerEntries;
  /** Provenance's provider, e.g. `csv:contacts.csv`. */
  provider: string;
  now: Date;
}

export interface ImportWritePlan {
  plan: RecordWritePlan;
  /** What to send: the changed fields plus Audience_Provenance__c. Empty when nothing changes. */
  patch: Record<string, FieldValue>;
}

/**
 * Plans one row's write with the export step's planner (DESIGN §6), so an import keeps the same rules, no-op
 * detection, describe checks and provenance as every other write. The planner maps attributes to fields; each CSV
 * value rides as an attribute of its own (`csv.<Field>`, a key only this plan uses) under its field's rule, with
 * confidence 1 and the file as provider. The enriched-at stamp is left out: an import is not an enrichment.
 */
export function planImportWrite(input: ImportWriteInput): ImportWritePlan {
  const fetchedAt = input.now.toISOString();
  const fieldMaps: FieldMap[] = [];
  const attributes: AttributeValue[] = [];
  for (const [field, value] of Object.entries(input.values)) {
    // Not an ATTRIBUTE_KEYS member on purpose: the planner only uses the key to pair a map with its value.
    const key = `csv.${field}` as AttributeKey;
    const rule = input.rules.get(field.toLowerCase()) ?? input.defaultRule;
    fieldMaps.push({ id: `csv-${field}`, object: input.object, field, attribute: key, rule, importable: false });
    attributes.push({ key, value, provider: input.provider, confidence: 1, fetchedAt });
  }
  const plan = planRecordWrite({
    record: input.record,
    attributes,
    fieldMaps,
    ledger: input.ledger,
    writability: input.writability,
    now: input.now,
  });
  delete plan.lastEnrichedAt;
  return { plan, patch: recordPatch(plan) };
}

/** What describe lets the integration user do with each field, for updates or for creates. */
export function importWritability(
  describe: ObjectDescribe,
  fields: readonly string[],
  mode: 'update' | 'create',
): FieldWritabilityView {
  const view: FieldWritabilityView = {};
  for (const name of [...fields, PROVENANCE_FIELD]) {
    const field = describe.field(name);
    if (!field) continue;
    view[field.name] = {
      updateable: (mode === 'update' ? field.updateable : field.createable) && !field.calculated,
      type: field.type,
      ...(field.length ? { length: field.length } : {}),
      ...(typeof field.scale === 'number' && { scale: field.scale }),
      picklistValues: field.picklistValues.filter((p) => p.active).map((p) => p.value),
      restrictedPicklist: field.restrictedPicklist,
    };
  }
  return view;
}
