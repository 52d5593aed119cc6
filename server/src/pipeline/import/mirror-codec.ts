import type { FieldValue } from '../../domain/mirror-record';
import type { NameDictionary } from '../../state/name-dictionary';
import { PROVENANCE_FIELD, serialisedEntries } from '../export/provenance';
import { BoundedMemo } from './bounded-memo';

/**
 * The mirror's compact encoding of one record (issue 19): a JSON array `[idFlag, key, value, key, value, …]` in which
 * each key is `nameId * 4 + kind`, the name id coming from the shared NameDictionary. Kinds:
 * - 0: the value as it is;
 * - 1: a Salesforce date-time (`2026-12-06T02:43:58.000+0000`) kept as epoch ms;
 * - 2: an ISO date-time (`…Z`, what `toISOString` gives) kept as epoch ms;
 * - 3: for Audience_Provenance__c, rows `[field, value, provider, confidence, cost, fetchedAt, rule, writtenAt −
 *   fetchedAt]` with field, provider and rule as name ids, fetchedAt in ms after the previous row's (the first row's
 *   from 0), and the value left out (a row of 7) when it equals the record's own value of that field; for user-id
 *   fields (`LastModifiedById`, `OwnerId`, few distinct values) the value's name id.
 * `idFlag` 1 means the `Id` field equals the hash field and was left out. Every packing is checked to give back the
 * exact text; a value that would not is kept as it is. Records written before (JSON objects) are read as they are.
 */
const SF_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const PROVENANCE_KEYS = ['value', 'provider', 'confidence', 'cost', 'fetchedAt', 'rule', 'writtenAt'];

const KIND_PLAIN = 0;
const KIND_SF_DATETIME = 1;
const KIND_ISO_DATETIME = 2;
/** Provenance rows, or a user id's name id (which one the field says). */
const KIND_PACKED = 3;

/** field, value, provider, confidence, cost, fetchedAt ms, rule, writtenAt − fetchedAt, and `previous` if the entry has it. */
type ProvenanceRow = [string, FieldValue, string, number, number, number, string, number, FieldValue?];

/** Fields whose values are user ids: an org has few, so each is kept as a dictionary id. */
const USER_ID_FIELDS = new Set(['LastModifiedById', 'OwnerId', 'CreatedById']);

// Parsed and formatted date-times, remembered: a page's records share a few stamps (SystemModstamp, the planner's
// `now`), and checking each by parsing and formatting it again was a visible part of the profile.
const SF_MS = new BoundedMemo<string, number | null>(4096);
const SF_TEXT = new BoundedMemo<number, string>(4096);
const ISO_MS = new BoundedMemo<string, number | null>(4096);
const ISO_TEXT = new BoundedMemo<number, string>(4096);

function sfDatetimeMs(value: string): number | undefined {
  const known = SF_MS.get(value);
  if (known !== undefined) return known ?? undefined;
  let ms: number | null = null;
  if (SF_DATETIME.test(value)) {
    const parsed = Date.parse(value);
    if (!Number.isNaN(parsed) && sfDatetimeText(parsed) === value) ms = parsed;
  }
  return SF_MS.set(value, ms) ?? undefined;
}

function sfDatetimeText(ms: number): string {
  return SF_TEXT.get(ms) ?? SF_TEXT.set(ms, `${new Date(ms).toISOString().slice(0, -1)}+0000`);
}

function isoMs(value: string): number | undefined {
  const known = ISO_MS.get(value);
  if (known !== undefined) return known ?? undefined;
  let ms: number | null = null;
  if (ISO_DATETIME.test(value)) {
    const parsed = Date.parse(value);
    if (!Number.isNaN(parsed) && isoText(parsed) === value) ms = parsed;
  }
  return ISO_MS.set(value, ms) ?? undefined;
}

function isoText(ms: number): string {
  return ISO_TEXT.get(ms) ?? ISO_TEXT.set(ms, new Date(ms).toISOString());
}

/**
 * Provenance texts and their rows, both ways: a record read (rows → text) and written again (text → rows) would
 * otherwise parse and check the same JSON once more. Rows are shared, never changed.
 */
const PROVENANCE_ROWS = new BoundedMemo<string, ProvenanceRow[] | null>(2048);

/** Provenance rows when the text is exactly what they rebuild, else undefined (kept as text). */
function provenanceRows(text: string): ProvenanceRow[] | undefined {
  const known = PROVENANCE_ROWS.get(text);
  if (known !== undefined) return known ?? undefined;
  return PROVENANCE_ROWS.set(text, provenanceRowsUncached(text) ?? null) ?? undefined;
}

function provenanceRowsUncached(text: string): ProvenanceRow[] | undefined {
  // A text the planner just serialised: its entries, not a parse of it.
  let parsed: unknown = serialisedEntries(text);
  const serialised = parsed !== undefined;
  if (parsed === undefined) {
    try {
      parsed = JSON.parse(text);
    } catch {
      return undefined;
    }
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined;
  const rows: ProvenanceRow[] = [];
  // No closures or arrays per entry (issue 19: this ran for every provenance text written).
  for (const field in parsed) {
    if (!Object.hasOwn(parsed, field)) continue;
    const entry = (parsed as Record<string, unknown>)[field];
    if (entry === null || typeof entry !== 'object') return undefined;
    let index = 0;
    let withPrevious = false;
    for (const key in entry) {
      if (index < PROVENANCE_KEYS.length) {
        if (key !== PROVENANCE_KEYS[index]) return undefined;
      } else if (index === PROVENANCE_KEYS.length && key === 'previous') withPrevious = true;
      else return undefined;
      index += 1;
    }
    // Entries carry `previous` (what a rep's Undo restores) since the undo work; older ones do not.
    if (index < PROVENANCE_KEYS.length) return undefined;
    const e = entry as Record<string, unknown>;
    const value = e.value;
    if (!isScalar(value)) return undefined;
    if (typeof e.provider !== 'string' || typeof e.rule !== 'string') return undefined;
    if (typeof e.confidence !== 'number' || typeof e.cost !== 'number') return undefined;
    const fetchedAt = typeof e.fetchedAt === 'string' ? isoMs(e.fetchedAt) : undefined;
    const writtenAt = typeof e.writtenAt === 'string' ? isoMs(e.writtenAt) : undefined;
    if (fetchedAt === undefined || writtenAt === undefined) return undefined;
    const row: ProvenanceRow = [
      field,
      value,
      e.provider,
      e.confidence,
      e.cost,
      fetchedAt,
      e.rule,
      writtenAt - fetchedAt,
    ];
    if (withPrevious) {
      if (!isScalar(e.previous)) return undefined;
      row.push(e.previous);
    }
    rows.push(row);
  }
  // The rows give back exactly the text when it is `JSON.stringify` of the very entries they were read from: every
  // entry had the keys in `provenanceText`'s order, scalar values (written with `JSON.stringify` there too) and
  // date-times that format back to themselves (`isoMs`). Any other text (a parse) is checked by rebuilding it; the
  // rebuild of every text the planner wrote was ~2 % of a sync's allocations (issue 19).
  return serialised || provenanceText(rows) === text ? rows : undefined;
}

/** A field value JSON gives back as it is: a string, a number, a boolean or null. */
function isScalar(value: unknown): value is FieldValue {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/**
 * The text `JSON.stringify` gives for the rows as an object of entries (keys in this order), built as a string: the
 * objects it needed were a good part of the codec's allocations.
 */
function provenanceText(rows: readonly ProvenanceRow[]): string {
  let out = '{';
  for (let i = 0; i < rows.length; i += 1) {
    const row = rows[i] as ProvenanceRow;
    const [field, value, provider, confidence, cost, fetchedAt, rule, writtenDelta] = row;
    if (i > 0) out += ',';
    out += `${JSON.stringify(field)}:{"value":${JSON.stringify(value)},"provider":${JSON.stringify(provider)}`;
    out += `,"confidence":${JSON.stringify(confidence)},"cost":${JSON.stringify(cost)}`;
    out += `,"fetchedAt":"${isoText(fetchedAt)}","rule":${JSON.stringify(rule)}`;
    out += `,"writtenAt":"${isoText(fetchedAt + writtenDelta)}"`;
    if (row.length === 9) out += `,"previous":${JSON.stringify(row[8])}`;
    out += '}';
  }
  return `${out}}`;
}

/**
 * Dictionary ids for encoding: a name without an id in this process yet is added to `missing` and makes the record
 * incomplete. One per batch of records, not a closure per record (closures cost a defineProperty each under tsx).
 */
export class EncodingIds {
  complete = true;

  constructor(
    private readonly dictionary: NameDictionary,
    readonly missing: Set<string>,
  ) {}

  id(name: string): number {
    const known = this.dictionary.knownId(name);
    if (known !== undefined) return known;
    this.missing.add(name);
    this.complete = false;
    return 0;
  }
}

/**
 * The packed text of a record, or undefined when a name it needs has no dictionary id in this process yet: every
 * such name is then in `ids.missing` (assign them with NameDictionary.ids and encode again). One pass, no
 * intermediate parts: the two-phase version allocated a tuple per field and was a visible share of the GC.
 */
export function encodeRecord(id: string, fields: Record<string, FieldValue>, ids: EncodingIds): string | undefined {
  ids.complete = true;
  const out: unknown[] = [0];
  for (const name in fields) {
    const value = fields[name] as FieldValue;
    if (name === 'Id' && value === id) {
      out[0] = 1;
      continue;
    }
    const key = ids.id(name) * 4;
    if (typeof value === 'string' && USER_ID_FIELDS.has(name)) {
      out.push(key + KIND_PACKED, ids.id(value));
      continue;
    }
    if (typeof value === 'string' && value.length >= 24) {
      if (name === PROVENANCE_FIELD) {
        const rows = provenanceRows(value);
        if (rows) {
          out.push(key + KIND_PACKED, packRows(rows, fields, ids));
          continue;
        }
      }
      // Only a text of a date-time's length with its `T` is looked up: every long value (emails, titles, URLs) was
      // hashed into the memos and stored there as "not a date", pushing the page's real stamps out (issue 19).
      const sf = value.length === 28 && value.charCodeAt(10) === 84 /* T */ ? sfDatetimeMs(value) : undefined;
      if (sf !== undefined) {
        out.push(key + KIND_SF_DATETIME, sf);
        continue;
      }
      const iso = value.length === 24 && value.charCodeAt(10) === 84 /* T */ ? isoMs(value) : undefined;
      if (iso !== undefined) {
        out.push(key + KIND_ISO_DATETIME, iso);
        continue;
      }
    }
    out.push(key + KIND_PLAIN, value);
  }
  return ids.complete ? JSON.stringify(out) : undefined;
}

function packRows(rows: readonly ProvenanceRow[], fields: Record<string, FieldValue>, ids: EncodingIds): unknown[][] {
  let previous = 0;
  const packed: unknown[][] = [];
  for (let i = 0; i < rows.length; i += 1) {
    const row = rows[i] as ProvenanceRow;
    const fetchedDelta = row[5] - previous;
    previous = row[5];
    // The record's own value of the field is usually the one provenance explains: not kept twice. The first item
    // is `fieldId * 4 + flags`: 1 = value left out, 2 = `previous` at the end.
    const omitValue = Object.hasOwn(fields, row[0]) && fields[row[0]] === row[1];
    const hasPrevious = row.length === 9;
    const head = ids.id(row[0]) * 4 + (omitValue ? 1 : 0) + (hasPrevious ? 2 : 0);
    const provider = ids.id(row[2]);
    const rule = ids.id(row[6]);
    const confidence = row[3];
    const cost = row[4];
    const writtenDelta = row[7];
    // Each shape as one literal: pushed one item at a time, a row's array grew (and was copied) twice (issue 19).
    if (omitValue) {
      packed.push(
        hasPrevious
          ? [head, provider, confidence, cost, fetchedDelta, rule, writtenDelta, row[8]]
          : [head, provider, confidence, cost, fetchedDelta, rule, writtenDelta],
      );
    } else {
      packed.push(
        hasPrevious
          ? [head, row[1], provider, confidence, cost, fetchedDelta, rule, writtenDelta, row[8]]
          : [head, row[1], provider, confidence, cost, fetchedDelta, rule, writtenDelta],
      );
    }
  }
  return packed;
}

/** Thrown inside decoding when an id is not in this process's dictionary yet. */
export class UnknownNameId extends Error {}

function nameOf(dictionary: NameDictionary, nameId: number): string {
  const found = dictionary.name(nameId);
  if (found === undefined) throw new UnknownNameId(String(nameId));
  return found;
}

/** The fields of one stored value (packed or the JSON object of older versions); throws UnknownNameId. */
export function decodeRecord(id: string, raw: string, dictionary: NameDictionary): Record<string, FieldValue> {
  if (raw.charCodeAt(0) !== 91 /* [ */) return JSON.parse(raw) as Record<string, FieldValue>;
  const packed = JSON.parse(raw) as unknown[];
  const fields: Record<string, FieldValue> = {};
  const provenanceFields: [string, unknown[][]][] = [];
  if (packed[0] === 1) fields.Id = id;
  for (let i = 1; i + 1 < packed.length; i += 2) {
    const key = packed[i] as number;
    const kind = key & 3;
    const field = nameOf(dictionary, key >> 2);
    const value = packed[i + 1];
    if (kind === KIND_PLAIN) fields[field] = value as FieldValue;
    else if (kind === KIND_SF_DATETIME) fields[field] = sfDatetimeText(value as number);
    else if (kind === KIND_ISO_DATETIME) fields[field] = isoText(value as number);
    else if (typeof value === 'number') fields[field] = nameOf(dictionary, value);
    else {
      fields[field] = null; // keeps the field's place; filled below
      provenanceFields.push([field, value as unknown[][]]);
    }
  }
  // After the other fields: a row without its value takes the record's own.
  for (const [field, packedRows] of provenanceFields) {
    let fetchedAt = 0;
    const rows = packedRows.map((row): ProvenanceRow => {
      const head = row[0] as number;
      const rowField = nameOf(dictionary, head >> 2);
      const rest = head & 1 ? [fields[rowField] ?? null, ...row.slice(1)] : row.slice(1);
      fetchedAt += rest[4] as number;
      const decoded: ProvenanceRow = [
        rowField,
        rest[0] as FieldValue,
        nameOf(dictionary, rest[1] as number),
        rest[2] as number,
        rest[3] as number,
        fetchedAt,
        nameOf(dictionary, rest[5] as number),
        rest[6] as number,
      ];
      if (head & 2) decoded.push(rest[7] as FieldValue);
      return decoded;
    });
    const text = provenanceText(rows);
    if (!PROVENANCE_ROWS.has(text)) PROVENANCE_ROWS.set(text, rows);
    fields[field] = text;
  }
  return fields;
}
