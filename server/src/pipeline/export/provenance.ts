import { z } from 'zod';
import type { FieldValue } from '../../domain/mirror-record';
import type { WriteRule } from '../../domain/field-map';
import { BoundedMemo } from '../import/bounded-memo';

export const PROVENANCE_FIELD = 'Audience_Provenance__c';
export const LAST_ENRICHED_FIELD = 'Audience_Last_Enriched_At__c';
/** Salesforce's long text area limit, in characters. */
export const PROVENANCE_MAX_LENGTH = 131_072;

/** What we record for a field we wrote: the "why this value?" a rep sees, and Tracked's memory when Redis is lost. */
export type ProvenanceEntry = {
  value: FieldValue;
  provider: string;
  confidence: number;
  /** Credits the enrichment that produced the value paid for it: 0 for offline values and cache hits. */
  cost: number;
  fetchedAt: string;
  rule: WriteRule;
  writtenAt: string;
  /** The field's value just before this write (null when blank): what a rep's Undo restores. */
  previous: FieldValue;
};

/** Who undid our write of a field from the record page, and when (DESIGN §6); set by the rep's own update. */
export type UndoMark = { undoneBy: string; undoneAt: string };

const fieldValueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

// Loose on purpose: entries from older versions (or edited by hand) keep whatever else they carry, the undo marks
// (`undoneBy`, `undoneAt`, written by the record card's Apex) included.
const storedEntrySchema = z.looseObject({ value: fieldValueSchema, writtenAt: z.string().optional() });

const undoMarkSchema = z.object({ undoneBy: z.string().trim().min(1), undoneAt: z.string().optional() });

export type StoredProvenanceEntry = z.infer<typeof storedEntrySchema>;
export type Provenance = Record<string, StoredProvenanceEntry>;

/**
 * Reads Audience_Provenance__c. Unreadable JSON or entries without a value are ignored: a broken entry must not make
 * a field look like ours (Tracked then leaves a non-blank value alone).
 */
export function parseProvenance(raw: FieldValue | undefined): Provenance {
  if (typeof raw !== 'string' || raw.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return {};
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
  const entries: Provenance = {};
  for (const [field, entry] of Object.entries(parsed)) {
    const checked = storedEntrySchema.safeParse(entry);
    if (checked.success) entries[field] = checked.data;
  }
  return entries;
}

/**
 * The undo mark of an entry, if a person undid our write. `undoneBy` alone is enough: a mark without a readable time
 * still means the field is no longer ours.
 */
export function undoMarkOf(entry: StoredProvenanceEntry | undefined): UndoMark | undefined {
  // Most fields have no entry, and most entries no mark: asked per field map of every record, so no zod for them.
  if (entry === undefined || entry.undoneBy === undefined) return undefined;
  const checked = undoMarkSchema.safeParse(entry);
  if (!checked.success) return undefined;
  return { undoneBy: checked.data.undoneBy, undoneAt: checked.data.undoneAt ?? '' };
}

function serialize(entries: Provenance): string {
  const sorted: Provenance = {};
  for (const field of sortedInPlace(Object.keys(entries))) sorted[field] = entries[field] as StoredProvenanceEntry;
  const text = JSON.stringify(sorted);
  SERIALISED.set(text, sorted);
  return text;
}

/**
 * `keys.sort()` for the handful of fields a provenance holds, by insertion: `Array.prototype.sort` allocated a work
 * copy per call (issue 19: once per record written). Same order as the default sort (UTF-16 code units).
 */
function sortedInPlace(keys: string[]): string[] {
  for (let i = 1; i < keys.length; i += 1) {
    const key = keys[i] as string;
    let j = i - 1;
    for (; j >= 0 && (keys[j] as string) > key; j -= 1) keys[j + 1] = keys[j] as string;
    keys[j + 1] = key;
  }
  return keys;
}

/**
 * The entries each recent text was serialised from (never changed afterwards): the mirror codec packs every text we
 * write and would otherwise parse it straight back (issue 19). Bounded: when full it starts over.
 */
const SERIALISED = new BoundedMemo<string, Provenance>(2048);

/**
 * The entries a provenance text was just serialised from, as a `JSON.parse` of it would give them when they hold
 * plain JSON values; undefined when the text is not one of ours (then parse it). Callers check what they rebuild.
 */
export function serialisedEntries(text: string): Readonly<Provenance> | undefined {
  return SERIALISED.get(text);
}

/**
 * The new Audience_Provenance__c: existing entries with `written` laid over them, serialised with sorted keys so the
 * same content always gives the same text. Above `maxLength` the entries written longest ago go first (entries with
 * no time count as oldest); the new ones carry `now` and so go last.
 */
export function mergeProvenance(
  existing: Provenance,
  written: Record<string, ProvenanceEntry>,
  maxLength = PROVENANCE_MAX_LENGTH,
): string {
  const merged: Provenance = { ...existing, ...written };
  let text = serialize(merged);
  if (text.length <= maxLength) return text;
  const oldestFirst = Object.keys(merged).sort((a, b) => {
    const at = Date.parse(merged[a]?.writtenAt ?? '') || 0;
    const bt = Date.parse(merged[b]?.writtenAt ?? '') || 0;
    return at - bt || a.localeCompare(b);
  });
  for (const field of oldestFirst) {
    delete merged[field];
    text = serialize(merged);
    if (text.length <= maxLength) return text;
  }
  return text;
}
