import { describe, expect, it } from 'vitest';
import {
  confidencePercent,
  EVIDENCE_TRUNCATED_MARKER,
  evidenceText,
  summaryText,
} from '../../src/signals/signal-evidence';
import { signalKey } from '../../src/signals/signal-key';

const RULE = 'a0R000000000001AAA';
const CONTACT_18 = '003000000000001AAA';

describe('signal keys', () => {
  it('the same rule, record and event always give the same key, which fits Key__c (Text 255)', () => {
    const key = signalKey(RULE, CONTACT_18, 'newco.com');
    expect(key).toBe(signalKey(RULE, CONTACT_18, 'newco.com'));
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(signalKey(RULE, CONTACT_18, 'x'.repeat(10_000))).toHaveLength(64);
  });

  it('another event, record or rule gives another key', () => {
    const key = signalKey(RULE, CONTACT_18, 'newco.com');
    expect(signalKey(RULE, CONTACT_18, 'other.com')).not.toBe(key);
    expect(signalKey(RULE, '003000000000002AAA', 'newco.com')).not.toBe(key);
    expect(signalKey('a0R000000000002AAA', CONTACT_18, 'newco.com')).not.toBe(key);
  });

  it('parts never run into each other, and a 15-character id is its 18-character form', () => {
    expect(signalKey(RULE, 'a-b', 'c')).not.toBe(signalKey(RULE, 'a', 'b-c'));
    expect(signalKey(RULE, CONTACT_18.slice(0, 15), 'e')).toBe(signalKey(RULE, CONTACT_18, 'e'));
  });
});

describe('signal field values', () => {
  it('a confidence of 0..1 is stored as a percent with two decimals, bounded', () => {
    expect(confidencePercent(0.8)).toBe(80);
    expect(confidencePercent(0.12345)).toBe(12.35);
    expect(confidencePercent(1.5)).toBe(100);
    expect(confidencePercent(-1)).toBe(0);
  });

  it('evidence is JSON, cut to the field length with a marker when it is longer', () => {
    expect(JSON.parse(evidenceText({ a: 1 }))).toEqual({ a: 1 });
    const long = evidenceText({ text: 'x'.repeat(500) }, 100);
    expect(long).toHaveLength(100);
    expect(long.endsWith(EVIDENCE_TRUNCATED_MARKER)).toBe(true);
  });

  it('a summary is one line of at most 255 characters', () => {
    expect(summaryText(' a\n b ')).toBe('a b');
    const cut = summaryText('y'.repeat(300));
    expect(cut).toHaveLength(255);
    expect(cut.endsWith('…')).toBe(true);
  });
});
