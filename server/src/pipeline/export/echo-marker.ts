import { hash } from 'node:crypto';
import { echoFingerprintText } from './echo-value';

/**
 * Two independent 32-bit FNV-1a hashes of a string's UTF-16 units (different offset bases) in one pass over it,
 * as base 36: the first, then the second padded to 7 digits.
 */
function fnv1aPair(text: string): string {
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    a = Math.imul(a ^ unit, 0x01000193);
    b = Math.imul(b ^ unit, 0x01000193);
  }
  return (a >>> 0).toString(36) + (b >>> 0).toString(36).padStart(7, '0');
}

const LONG_TEXT = 64;

/**
 * The marker of one field value we are about to write: 64 bits of hash of `field=fingerprint`, about 13 characters
 * (the readable `field=fingerprint` was 30–70 and made Redis keep each record's markers in a hash table). Only the
 * integration user's own changes are ever compared with markers, so a collision could at worst drop one of our own
 * writes' events, never a person's edit.
 */
export function echoMarker(field: string, value: unknown): string {
  const text = `${field}=${echoFingerprintText(value)}`;
  // Long values (provenance JSON) go through native code: a JavaScript loop over each character cost more than the
  // rest of the marker's work together.
  // One-shot `hash` skips the Hash object `createHash` builds per call.
  if (text.length > LONG_TEXT) return hash('sha1', text, 'base64url').slice(0, 13);
  return fnv1aPair(text);
}
