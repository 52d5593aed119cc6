import { hash } from 'node:crypto';
import { echoFingerprintText, specialStringFingerprint } from './echo-value';

const LONG_TEXT = 64;

/**
 * Two independent 32-bit FNV-1a hashes (different offset bases) of `field=` + tag + body's UTF-16 units, in one
 * pass, as base 36: the first, then the second padded to 7 digits. Hashed piece by piece: joining them first built a
 * rope that reading it flattened into one more copy (issue 19: every field of every write).
 */
function fnv1aPair(field: string, tag: string, body: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let piece = 0; piece < 4; piece += 1) {
    const text = piece === 0 ? field : piece === 1 ? '=' : piece === 2 ? tag : body;
    for (let i = 0; i < text.length; i += 1) {
      const unit = text.charCodeAt(i);
      a = Math.imul(a ^ unit, 0x01000193);
      b = Math.imul(b ^ unit, 0x01000193);
    }
  }
  return (a >>> 0).toString(36) + (b >>> 0).toString(36).padStart(7, '0');
}

/**
 * The marker of `field=` + `fingerprint` (given as two pieces): short texts by FNV-1a in JavaScript, long ones
 * (provenance JSON) natively — a JavaScript loop over each character cost more than the rest of the marker's work
 * together. One-shot `hash` skips the Hash object `createHash` builds per call.
 */
function markerOf(field: string, tag: string, body: string): string {
  if (field.length + 1 + tag.length + body.length > LONG_TEXT) {
    return hash('sha1', `${field}=${tag}${body}`, 'base64url').slice(0, 13);
  }
  return fnv1aPair(field, tag, body);
}

/**
 * The marker of one field value we are about to write: 64 bits of hash of `field=fingerprint`, about 13 characters
 * (the readable `field=fingerprint` was 30–70 and made Redis keep each record's markers in a hash table). Only the
 * integration user's own changes are ever compared with markers, so a collision could at worst drop one of our own
 * writes' events, never a person's edit.
 */
export function echoMarker(field: string, value: unknown): string {
  if (typeof value === 'string') {
    // Most values are plain text, whose fingerprint is `s:` and the text: hashed without joining them.
    const text = value.trimEnd();
    const special = specialStringFingerprint(text);
    return special === undefined ? markerOf(field, 's:', text) : markerOf(field, '', special);
  }
  return markerOf(field, '', echoFingerprintText(value));
}
