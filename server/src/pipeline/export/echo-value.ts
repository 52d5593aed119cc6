import { createHash } from 'node:crypto';
import { parseInstant } from './salesforce-instant';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const LONG_VALUE = 100;

/**
 * A short, type-aware fingerprint of a field value, equal for what we sent and what the CDC echo carries back (a
 * date-time in either REST or CometD spelling, a trailing space). Long values (provenance JSON) are hashed so a marker
 * stays small. A mismatch only costs reprocessing an event, never a dropped change, so it errs towards "different".
 */
export function echoFingerprint(value: unknown): string {
  return hashed(echoFingerprintText(value));
}

/** The fingerprint before long values are hashed (for callers that hash it themselves, e.g. echo-marker.ts). */
export function echoFingerprintText(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return `b:${value}`;
  if (typeof value === 'number') return `n:${value}`;
  if (typeof value !== 'string') return `o:${JSON.stringify(value)}`;
  const text = value.trimEnd();
  return specialStringFingerprint(text) ?? `s:${text}`;
}

/**
 * The fingerprint of a string (its trailing spaces already trimmed) that is blank, a date or a date-time; undefined
 * for plain text, whose fingerprint is `s:` and the text (echo-marker.ts hashes the two without joining them).
 */
export function specialStringFingerprint(text: string): string | undefined {
  if (text.trim() === '') return 'null';
  if (DATE_ONLY.test(text)) return `d:${text}`;
  // Only something shaped like a date-time is worth parsing (a provenance text contains 'T' too, and is long).
  if (text.length <= 40 && text.includes('T')) {
    const instant = instantFingerprint(text);
    if (instant !== null) return instant;
  }
  return undefined;
}

function hashed(fingerprint: string): string {
  if (fingerprint.length <= LONG_VALUE) return fingerprint;
  return `h:${createHash('sha256').update(fingerprint).digest('base64url')}`;
}

/**
 * `t:<epoch ms>` of a date-time text, or null when it is not one; remembered, since the writes of a page and their
 * echoes carry the same few stamps (issue 19 profile). Bounded: started over when full.
 */
function instantFingerprint(text: string): string | null {
  const known = INSTANTS.get(text);
  if (known !== undefined) return known;
  if (INSTANTS.size >= MAX_REMEMBERED_INSTANTS) INSTANTS.clear();
  const instant = parseInstant(text);
  const fingerprint = Number.isNaN(instant) ? null : `t:${instant}`;
  INSTANTS.set(text, fingerprint);
  return fingerprint;
}

const INSTANTS = new Map<string, string | null>();
const MAX_REMEMBERED_INSTANTS = 4096;
