import type { AttributeKey, AttributeValue } from '../../domain/attributes';
import type { FieldMap } from '../../domain/field-map';
import type { FieldValue, MirrorRecord } from '../../domain/mirror-record';
import { hasTextLength, fieldTypeKind } from './field-type-kind';
import { coerceForField } from './field-value-coerce';
import { isBlankFieldValue, sameFieldValue } from './field-value-compare';
import {
  LAST_ENRICHED_FIELD,
  PROVENANCE_FIELD,
  mergeProvenance,
  parseProvenance,
  undoMarkOf,
  type Provenance,
  type ProvenanceEntry,
  type UndoMark,
} from './provenance';
import type {
  FieldWritability,
  FieldWritabilityView,
  LedgerEntries,
  PlannedChange,
  RecordWritePlan,
  SeenUndo,
  WriteSkip,
} from './write-plan';

export interface RecordWriteInput {
  record: MirrorRecord;
  /** The attribute values computed for this record (several per key are allowed; the best one is used). */
  attributes: readonly AttributeValue[];
  /** Active field maps; maps of other objects and read-only maps (no attribute) are ignored. */
  fieldMaps: readonly FieldMap[];
  /** Last value we wrote per field, from Redis; empty after Redis loss (provenance then stands in). */
  ledger: LedgerEntries;
  writability: FieldWritabilityView;
  now: Date;
}

const LOOP_FIELDS = new Set([PROVENANCE_FIELD, LAST_ENRICHED_FIELD]);

/** Highest confidence wins, then the most recently fetched: the waterfall should give one, but a plan must not guess. */
function bestAttributes(attributes: readonly AttributeValue[]): Map<AttributeKey, AttributeValue> {
  const best = new Map<AttributeKey, AttributeValue>();
  for (const attribute of attributes) {
    const current = best.get(attribute.key);
    const better =
      current === undefined ||
      attribute.confidence > current.confidence ||
      (attribute.confidence === current.confidence && Date.parse(attribute.fetchedAt) > Date.parse(current.fetchedAt));
    if (better) best.set(attribute.key, attribute);
  }
  return best;
}

/**
 * Records why a mapped field is not written. A module function rather than a closure per field map: closures made
 * per record and map were a visible cost of planning (issue 19 profile).
 */
function addSkip(
  skips: WriteSkip[],
  field: string,
  attribute: AttributeKey,
  reason: WriteSkip['reason'],
  detail?: string,
): void {
  skips.push(detail === undefined ? { field, attribute, reason } : { field, attribute, reason, detail });
}

/** Whether describe lets us send this value at all; undefined when it may be sent. */
function valueProblem(value: FieldValue, field: FieldWritability): Pick<WriteSkip, 'reason' | 'detail'> | undefined {
  const allowed = field.picklistValues;
  const kind = fieldTypeKind(field.type);
  if (field.restrictedPicklist && allowed !== undefined && typeof value === 'string') {
    // A single value is looked up as it is: no array and closure per field of every record (issue 19).
    const missing =
      kind === 'multipicklist'
        ? value.split(';').find((one) => !allowed.includes(one))
        : allowed.includes(value)
          ? undefined
          : value;
    if (missing !== undefined) return { reason: 'restricted_picklist', detail: `"${missing}" is not a picklist value` };
  }
  if (typeof value === 'string' && hasTextLength(field.type) && field.length && value.length > field.length) {
    return { reason: 'too_long', detail: `${value.length} characters, the field holds ${field.length}` };
  }
  return undefined;
}

/** Tracked: the value we last wrote, from the ledger or, when Redis lost it, from the record's own provenance. */
function lastWritten(
  field: string,
  ledger: LedgerEntries,
  provenance: Provenance,
): { value: FieldValue; writtenAt?: string; source: string } | undefined {
  const fromLedger = ledger[field];
  if (fromLedger !== undefined) return { ...fromLedger, source: 'ledger' };
  const fromProvenance = provenance[field];
  if (fromProvenance !== undefined) {
    return { value: fromProvenance.value, writtenAt: fromProvenance.writtenAt, source: 'provenance' };
  }
  return undefined;
}

/** A person's undo of our write of `field`: from the record's provenance or, when that entry is gone, the ledger. */
function undoOf(field: string, ledger: LedgerEntries, provenance: Provenance): UndoMark | undefined {
  const fromProvenance = undoMarkOf(provenance[field]);
  if (fromProvenance) return fromProvenance;
  const fromLedger = ledger[field];
  return fromLedger?.undoneBy ? { undoneBy: fromLedger.undoneBy, undoneAt: fromLedger.undoneAt ?? '' } : undefined;
}

/** Undo marks in the provenance that the ledger does not hold yet (a rep's Undo seen for the first time). */
function undosToRecord(ledger: LedgerEntries, provenance: Provenance): SeenUndo[] {
  const seen: SeenUndo[] = [];
  for (const [field, entry] of Object.entries(provenance)) {
    const mark = undoMarkOf(entry);
    if (!mark || ledger[field]?.undoneBy === mark.undoneBy) continue;
    seen.push({
      field,
      value: entry.value,
      writtenAt: entry.writtenAt ?? ledger[field]?.writtenAt ?? mark.undoneAt,
      ...mark,
    });
  }
  return seen;
}

/**
 * The field writes for one record under each field's rule (DESIGN §6). Pure: no I/O, `now` is given. Every mapped
 * field that is not written gets a skip with a reason; provenance and the enriched-at stamp ride only on a real
 * change, so planning again over the written result gives an empty plan.
 */
export function planRecordWrite(input: RecordWriteInput): RecordWritePlan {
  const { record, ledger, writability, now } = input;
  const provenance = parseProvenance(record.fields[PROVENANCE_FIELD]);
  const attributes = bestAttributes(input.attributes);
  const updates: Record<string, FieldValue> = {};
  const changes: PlannedChange[] = [];
  const skips: WriteSkip[] = [];
  const written: Record<string, ProvenanceEntry> = {};
  const claimed = new Set<string>();
  const writtenAt = now.toISOString();

  for (const map of input.fieldMaps) {
    if (map.object !== record.object || map.attribute === undefined) continue;
    const { field, attribute: key, rule } = map;

    if (LOOP_FIELDS.has(field)) {
      addSkip(skips, field, key, 'rule', `${field} is the loop's own bookkeeping and cannot be mapped`);
      continue;
    }
    if (claimed.has(field)) {
      addSkip(skips, field, key, 'rule', 'another active field map already writes this field');
      continue;
    }
    claimed.add(field);
    if (rule === 'Never') {
      addSkip(skips, field, key, 'rule', 'write rule is Never');
      continue;
    }
    // A person undid our write from the record page: the field is theirs from now on, whatever it holds (blank too,
    // which Fill_Blank and Tracked would otherwise fill again). The mark is never removed by us.
    const undo = undoOf(field, ledger, provenance);
    if (undo !== undefined) {
      addSkip(
        skips,
        field,
        key,
        'not_ours',
        `undone by ${undo.undoneBy}${undo.undoneAt ? ` at ${undo.undoneAt}` : ''}`,
      );
      continue;
    }
    const attribute = attributes.get(key);
    if (attribute === undefined) {
      addSkip(skips, field, key, 'no_value');
      continue;
    }
    const describe = writability[field];
    if (describe === undefined) {
      addSkip(
        skips,
        field,
        key,
        'not_updateable',
        'not in describe: the field is missing or hidden from the integration user',
      );
      continue;
    }
    if (!describe.updateable) {
      addSkip(skips, field, key, 'not_updateable');
      continue;
    }
    const coerced = coerceForField(attribute.value, describe);
    if (!coerced.ok) {
      addSkip(skips, field, key, 'invalid_value', `${coerced.detail} (field type ${describe.type})`);
      continue;
    }
    const next = coerced.value;
    if (isBlankFieldValue(next)) {
      addSkip(skips, field, key, 'no_value', 'the value is blank');
      continue;
    }
    const problem = valueProblem(next, describe);
    if (problem !== undefined) {
      addSkip(skips, field, key, problem.reason, problem.detail);
      continue;
    }
    if (!Object.hasOwn(record.fields, field)) {
      // Without the current value no rule can be applied safely (the mirror lacks it until the backfill runs).
      addSkip(skips, field, key, 'not_mirrored', 'the current value is not in the mirror');
      continue;
    }
    const current = record.fields[field] ?? null;
    if (sameFieldValue(current, next, describe.type)) {
      addSkip(skips, field, key, 'unchanged');
      continue;
    }
    if (rule === 'Fill_Blank' && !isBlankFieldValue(current)) {
      addSkip(skips, field, key, 'rule', 'Fill_Blank and the field already has a value');
      continue;
    }
    if (rule === 'Tracked' && !isBlankFieldValue(current)) {
      const last = lastWritten(field, ledger, provenance);
      if (last === undefined) {
        addSkip(skips, field, key, 'not_ours', 'a value we never wrote');
        continue;
      }
      if (!sameFieldValue(current, last.value, describe.type)) {
        addSkip(
          skips,
          field,
          key,
          'not_ours',
          `changed by someone after our write${last.writtenAt ? ` of ${last.writtenAt}` : ''} (${last.source})`,
        );
        continue;
      }
    }
    updates[field] = next;
    changes.push({ field, attribute: key, rule, before: current, after: next });
    written[field] = {
      value: next,
      provider: attribute.provider,
      confidence: attribute.confidence,
      cost: attribute.cost ?? 0,
      fetchedAt: attribute.fetchedAt,
      rule,
      writtenAt,
      previous: isBlankFieldValue(current) ? null : current,
    };
  }

  const plan: RecordWritePlan = { recordId: record.id, object: record.object, updates, changes, skips };
  const undos = undosToRecord(ledger, provenance);
  if (undos.length > 0) plan.undos = undos;
  if (changes.length === 0) return plan;
  if (writability[PROVENANCE_FIELD]?.updateable) {
    plan.provenance = mergeProvenance(provenance, written);
  } else {
    skips.push({ field: PROVENANCE_FIELD, reason: 'not_updateable', detail: 'provenance cannot be recorded' });
  }
  if (writability[LAST_ENRICHED_FIELD]?.updateable) {
    plan.lastEnrichedAt = writtenAt;
  } else {
    skips.push({ field: LAST_ENRICHED_FIELD, reason: 'not_updateable' });
  }
  return plan;
}
