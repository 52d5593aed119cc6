import { describe, expect, it } from 'vitest';
import { finishedRunStatus } from '../../../src/pipeline/runs/run-status';

describe('finishedRunStatus', () => {
  it.each([
    [{ succeeded: 0, failed: 138 }, false, 'Failed'],
    [{ succeeded: 1, failed: 137 }, false, 'Partially_Succeeded'],
    [{ succeeded: 5, failed: 0 }, false, 'Succeeded'],
    [{ succeeded: 0, failed: 0 }, false, 'Succeeded'],
    [{ succeeded: 3, failed: 0 }, true, 'Partially_Succeeded'],
    [{ succeeded: 0, failed: 2 }, true, 'Failed'],
  ])('when the counts are %o (cut short: %s), then the run ends %s', (counts, partly, status) => {
    expect(finishedRunStatus(counts, partly)).toBe(status);
  });
});
