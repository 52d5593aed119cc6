import { describe, expect, it } from 'vitest';
import type { SeenChange } from './change-listener';
import { benchEmail, benchEmailStatus } from './change-stream';
import { firstAnswerAfter, longestGap } from './failover-figure';

const REP = '005REP';
const LOOP = '005LOOP';
const seen = (commitUser: string, recordId: string, receivedAt: number): SeenChange => ({
  recordIds: [recordId],
  commitUser,
  commitTimestamp: 0,
  receivedAt,
  changeType: 'UPDATE',
  changedFields: ['Email'],
});

describe('failover figure: reading the listener', () => {
  const events = [
    seen(REP, 'a', 100),
    seen(LOOP, 'a', 900),
    // Killed at 1,000: the rep edits b and c; a's later write-back answers an edit made before the kill.
    seen(REP, 'b', 1_100),
    seen(LOOP, 'a', 1_200),
    seen(REP, 'c', 1_300),
    seen(LOOP, 'c', 9_000),
    seen(LOOP, 'b', 9_100),
  ];

  it('when edits follow the kill, then the first write-back answering one of them is the resume time', () => {
    expect(firstAnswerAfter(events, 1_000, REP, LOOP)).toBe(9_000);
  });

  it('when no post-kill edit was answered, then there is no resume time', () => {
    expect(firstAnswerAfter(events.slice(0, 5), 1_000, REP, LOOP)).toBeNaN();
  });

  it('when write-backs pause, then the longest pause between two of them is reported', () => {
    expect(longestGap(events, LOOP)).toBe(7_800);
  });
});

describe('bench edits', () => {
  it('when a contact is edited again, then its address and expected status alternate and never repeat', () => {
    expect(benchEmail('003X', 1)).toBe('bench.003x.1@mailinator.com');
    expect(benchEmail('003X', 2)).toBe('bench.003x.2@gmail.com');
    expect(benchEmailStatus(1)).toBe('disposable');
    expect(benchEmailStatus(2)).toBe('personal');
  });
});
