import { describe, expect, it } from 'vitest';
import { buildJobId } from '../../src/queues/job-ids';
import { InvalidJobIdError } from '../../src/queues/queue-errors';

describe('job ids', () => {
  it('when built twice from the same stage, record and version, then the ids are equal and contain no ":"', () => {
    const id = buildJobId('enrich', '003xx000004TmiQAAS', 7);
    expect(id).toBe('enrich-003xx000004TmiQAAS-v7');
    expect(buildJobId('enrich', '003xx000004TmiQAAS', 7)).toBe(id);
    expect(id).not.toContain(':');
  });

  it('when no version is given, then the id is stage and record only', () => {
    expect(buildJobId('runs', '001xx0000001')).toBe('runs-001xx0000001');
  });

  it('when any part contains ":", then it throws at once, naming the rule', () => {
    expect(() => buildJobId('runs', 'a:b')).toThrow(InvalidJobIdError);
    expect(() => buildJobId('runs', 'a:b:c')).toThrow(/contains ':'/);
    expect(() => buildJobId('runs', '001xx', '1:2')).toThrow(/contains ':'/);
  });

  it('when a part is empty or has spaces or slashes, then it throws', () => {
    expect(() => buildJobId('runs', '')).toThrow(InvalidJobIdError);
    expect(() => buildJobId('runs', 'a b')).toThrow(InvalidJobIdError);
    expect(() => buildJobId('runs', 'a/b')).toThrow(InvalidJobIdError);
  });

  it('when the error is inspected, then it is coded and not retryable', () => {
    try {
      buildJobId('runs', 'bad:id');
      expect.unreachable();
    } catch (error) {
      expect(error).toMatchObject({ code: 'QUEUE_INVALID_JOB_ID', retryable: false });
    }
  });
});
