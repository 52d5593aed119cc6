import { describe, expect, it } from 'vitest';
import { mergeProvenance, parseProvenance, type ProvenanceEntry } from '../../../src/pipeline/export/provenance';

function entry(value: string, writtenAt: string): ProvenanceEntry {
  return {
    value,
    provider: 'pdl',
    confidence: 0.9,
    cost: 1,
    fetchedAt: writtenAt,
    rule: 'Tracked',
    writtenAt,
    previous: null,
  };
}

describe('parseProvenance', () => {
  it.each([null, '', '  ', 'not json', '[1,2]', '"text"', '42'])(
    'when the field holds %j, then no entry is read',
    (raw) => {
      expect(parseProvenance(raw)).toEqual({});
    },
  );

  it('when an entry has no value, then only that entry is ignored', () => {
    const raw = JSON.stringify({ Title: { provider: 'pdl' }, Department: { value: 'Sales', extra: 1 } });
    expect(parseProvenance(raw)).toEqual({ Department: { value: 'Sales', extra: 1 } });
  });
});

describe('mergeProvenance', () => {
  it('when merged, then keys are sorted so the same content gives the same text', () => {
    const a = mergeProvenance(
      { Title: entry('CTO', '2026-01-01T00:00:00Z') },
      { Department: entry('IT', '2026-02-01T00:00:00Z') },
    );
    const b = mergeProvenance(
      { Department: entry('IT', '2026-02-01T00:00:00Z') },
      { Title: entry('CTO', '2026-01-01T00:00:00Z') },
    );
    expect(a).toBe(b);
    expect(Object.keys(JSON.parse(a))).toEqual(['Department', 'Title']);
  });

  it('when the JSON would exceed the limit, then the oldest entries are dropped first and new ones kept', () => {
    const existing = {
      Oldest: entry('a'.repeat(40), '2020-01-01T00:00:00Z'),
      Older: entry('b'.repeat(40), '2021-01-01T00:00:00Z'),
      Undated: { value: 'c'.repeat(40) },
    };
    const written = { Title: entry('CTO', '2026-11-28T12:00:00Z') };
    const full = mergeProvenance(existing, written, Number.MAX_SAFE_INTEGER);
    // Dropping only the undated entry (oldest by definition) frees ~60 characters: not enough.
    const limit = full.length - 70;
    const merged = mergeProvenance(existing, written, limit);
    expect(merged.length).toBeLessThanOrEqual(limit);
    expect(Object.keys(JSON.parse(merged))).toEqual(['Older', 'Title']);
  });

  it('when an entry carries its cost, then the cost is kept in the JSON and counts toward the limit', () => {
    const written = { Title: entry('CTO', '2026-11-28T12:00:00Z') };
    expect(JSON.parse(mergeProvenance({}, written)).Title).toMatchObject({ provider: 'pdl', cost: 1 });
    const existing = { Older: entry('b'.repeat(40), '2021-01-01T00:00:00Z') };
    const limit = mergeProvenance({}, written).length + 10;
    // The older entry cannot fit next to the new one: it goes, the new one (with its cost) stays.
    expect(JSON.parse(mergeProvenance(existing, written, limit))).toEqual({ Title: written.Title });
  });
});
