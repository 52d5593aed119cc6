import { describe, expect, it } from 'vitest';
import { capSummary, withMoreTail } from '../../../src/pipeline/runs/summary-cap';

describe('capSummary', () => {
  it('when the text fits, then it is unchanged', () => {
    expect(capSummary('a\nb', 10)).toBe('a\nb');
  });

  it('when the lines do not fit, then whole lines are kept and the tail counts the rest', () => {
    const text = Array.from({ length: 5_000 }, (_, i) => `line ${i + 2}: unknown_column ${'x'.repeat(40)}`).join('\n');
    const capped = capSummary(text, 131_072);
    expect(capped.length).toBeLessThanOrEqual(131_072);
    const lines = capped.split('\n');
    const kept = lines.length - 1;
    expect(lines.at(-1)).toBe(`…and ${5_000 - kept} more lines`);
    expect(lines.slice(0, -1)).toEqual(text.split('\n').slice(0, kept));
  });

  it('when even the first line is too long, then it is cut and the tail counts the characters left out', () => {
    const capped = capSummary('y'.repeat(500), 100);
    expect(capped.length).toBeLessThanOrEqual(100);
    expect(capped).toMatch(/^y+\n…and \d+ more characters$/);
    const cut = capped.split('\n')[0]?.length ?? 0;
    expect(capped.endsWith(`…and ${500 - cut} more characters`)).toBe(true);
  });
});

describe('withMoreTail', () => {
  it('says how many were left out, and nothing when none were', () => {
    expect(withMoreTail(['a', 'b'], 5, 'failed rows')).toBe('a\nb\n…and 3 more failed rows');
    expect(withMoreTail(['a'], 1, 'failed rows')).toBe('a');
  });
});
