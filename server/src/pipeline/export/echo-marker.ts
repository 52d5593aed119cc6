import { createHash } from 'node:crypto';
import { echoFingerprintText } from './echo-value';

/** FNV-1a over a string's UTF-16 units, from a given offset basis (two bases give two independent 32-bit hashes). */
function fnv1a(text: string, basis: number): number {
  let hash = basis;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
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
  if (text.length > LONG_TEXT) return createHash('sha1').update(text).digest('base64url').slice(0, 13);
  return fnv1a(text, 0x811c9dc5).toString(36) + fnv1a(text, 0x050c5d1f).toString(36).padStart(7, '0');
}
