import type { AttributeKey } from '../../domain/attributes';
import type { WriteRule } from '../../domain/field-map';
import type { FieldValue, RecordObject } from '../../domain/mirror-record';

/**
 * Why a mapped field was not written. Two are ours beyond DESIGN §6's list, because dropping them silently would break
 * "nothing skipped silently": `invalid_value` (the field's type cannot hold the value, e.g. "n/a" for a number) and
 * `not_mirrored` (the mirror lacks the field's current value, so no rule can be applied safely).
 */
export const SKIP_REASONS = [
  'rule',
  'unchanged',
  'not_ours',
  'not_updateable',
  'restricted_picklist',
  'too_long',
  'invalid_value',
  'not_mirrored',
  'no_value',
  'budget',
] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface WriteSkip {
  field: string;
  /** Absent for the loop's own fields (Audience_Provenance__c, Audience_Last_Enriched_At__c). */
  attribute?: AttributeKey;
  reason: SkipReason;
  detail?: string;
}

/** One planned value change, kept for the dry run's before → after samples and the writer's outcome log. */
export interface PlannedChange {
  field: string;
  attribute: AttributeKey;
  rule: WriteRule;
  before: FieldValue;
  after: FieldValue;
}

export interface RecordWritePlan {
  recordId: string;
  object: RecordObject;
  /** Mapped field → new value. Empty means nothing to write for this record. */
  updates: Record<string, FieldValue>;
  /** New Audience_Provenance__c JSON; present only when `updates` holds a real value change. */
  provenance?: string;
  /** New Audience_Last_Enriched_At__c; present only when `updates` holds a real value change. */
  lastEnrichedAt?: string;
  changes: PlannedChange[];
  skips: WriteSkip[];
  /** Undos in the record's provenance the ledger does not know yet (absent when none). */
  undos?: SeenUndo[];
}

/** What describe says about one field, as the integration user sees it. */
export interface FieldWritability {
  updateable: boolean;
  /** Describe's type: string, textarea, picklist, multipicklist, email, url, phone, double, int, currency, percent, boolean, date, datetime… */
  type: string;
  /** Character limit of text fields (describe reports 0 for fields without one). */
  length?: number;
  /** Digits after the decimal point; Salesforce rounds to it on save, so we round first or we would rewrite forever. */
  scale?: number;
  picklistValues?: string[];
  restrictedPicklist?: boolean;
}

export type FieldWritabilityView = Record<string, FieldWritability>;

/** The last value we wrote to one field of one record; `undoneBy`/`undoneAt` once a person undid that write. */
export interface LedgerEntry {
  value: FieldValue;
  writtenAt: string;
  undoneBy?: string;
  undoneAt?: string;
}

/** An undo seen in a record's provenance that the ledger does not hold yet: the refresher records it there. */
export interface SeenUndo {
  field: string;
  /** The value we had written (the entry's `value`) and when. */
  value: FieldValue;
  writtenAt: string;
  undoneBy: string;
  undoneAt: string;
}

export type LedgerEntries = Record<string, LedgerEntry>;
