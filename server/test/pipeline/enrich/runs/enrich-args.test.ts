import { describe, expect, it } from 'vitest';
import { parseEnrichArgs } from '../../../../src/pipeline/enrich/runs/enrich-args';

describe('parseEnrichArgs', () => {
  it('takes a plan by id or name', () => {
    expect(parseEnrichArgs(['--plan', 'Work emails'])).toEqual({
      plan: 'Work emails',
      estimateOnly: false,
      help: false,
    });
    expect(parseEnrichArgs(['--plan=a0X000000000001', '--estimate-only'])).toMatchObject({ estimateOnly: true });
  });

  it('refuses a missing plan or an unknown flag with a coded error', () => {
    expect(() => parseEnrichArgs([])).toThrow(expect.objectContaining({ code: 'ENRICH_BAD_ARGUMENTS' }));
    expect(() => parseEnrichArgs(['--plan', 'x', '--force'])).toThrow(
      expect.objectContaining({ code: 'ENRICH_BAD_ARGUMENTS' }),
    );
    expect(parseEnrichArgs(['--help']).help).toBe(true);
  });
});
