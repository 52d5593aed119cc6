import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { echoMarker } from '../../../src/pipeline/export/echo-marker';
import { echoFingerprintText } from '../../../src/pipeline/export/echo-value';

/** The marker as it was defined when markers were first kept in Redis: the hash of the joined `field=fingerprint`. */
function markerAsDefined(field: string, value: unknown): string {
  const text = `${field}=${echoFingerprintText(value)}`;
  if (text.length > 64) return createHash('sha1').update(text).digest('base64url').slice(0, 13);
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < text.length; i += 1) {
    a = Math.imul(a ^ text.charCodeAt(i), 0x01000193);
    b = Math.imul(b ^ text.charCodeAt(i), 0x01000193);
  }
  return (a >>> 0).toString(36) + (b >>> 0).toString(36).padStart(7, '0');
}

const provenance = JSON.stringify({
  Audience_Seniority__c: { value: 'C-Level', provider: 'offline', confidence: 0.85, cost: 0 },
});

describe('echoMarker', () => {
  it.each([
    ['Title', 'CTO'],
    ['Title', 'CTO  '],
    ['Title', '  CTO'],
    ['Title', ''],
    ['Title', '   '],
    ['Title', 'Zürich ✓ 😀'],
    ['Audience_Seniority__c', 'C-Level'],
    ['Audience_Last_Enriched_At__c', '2026-12-07T10:00:00.000Z'],
    ['Audience_Last_Enriched_At__c', '2026-12-07T10:00:00.000+0000'],
    ['Birthdate', '2026-12-07'],
    ['Title', 'Tech Lead'],
    ['Title', 'T'.repeat(40)],
    ['Title', 'x'.repeat(55)],
    ['Title', 'x'.repeat(56)],
    ['Title', 'x'.repeat(57)],
    ['Description', 'y'.repeat(500)],
    ['Audience_Provenance__c', provenance],
    ['NumberOfEmployees', 12],
    ['Score__c', 0.85],
    ['HasOptedOutOfEmail', true],
    ['Title', null],
    ['Title', undefined],
    ['Other', { nested: 1 }],
  ])('when %s is written as %j, then its marker is the hash of the joined `field=fingerprint`', (field, value) => {
    expect(echoMarker(field, value)).toBe(markerAsDefined(field, value));
  });
});
