import { describe, expect, it } from 'vitest';
import {
  addSkips,
  emptySkipTally,
  mergeSkipTallies,
  skipTallyJson,
  tallySkips,
  totalSkips,
} from '../../../src/pipeline/export/skip-tally';
import { SKIP_REASONS } from '../../../src/pipeline/export/write-plan';
import { buildPlan, skip } from './support/plan-builders';

describe('skip tally', () => {
  it('when nothing was skipped, then every reason counts zero and the JSON is empty', () => {
    const tally = emptySkipTally();
    expect(Object.keys(tally)).toEqual([...SKIP_REASONS]);
    expect(totalSkips(tally)).toBe(0);
    expect(skipTallyJson(tally)).toBe('{}');
  });

  it('when plans carry skips, then they are counted by reason across records', () => {
    const tally = tallySkips([
      buildPlan('a', { skips: [skip('Title', 'not_ours'), skip('Department', 'no_value')] }),
      buildPlan('b', { skips: [skip('Title', 'not_ours'), skip('Email', 'unchanged')] }),
    ]);
    expect(tally).toMatchObject({ not_ours: 2, no_value: 1, unchanged: 1, rule: 0 });
    expect(totalSkips(tally)).toBe(4);
  });

  it('when written to Skips_By_Reason__c, then reasons keep their fixed order and zeros are left out', () => {
    const tally = addSkips(emptySkipTally(), [skip('A', 'too_long'), skip('B', 'rule'), skip('C', 'rule')]);
    expect(skipTallyJson(tally)).toBe('{"rule":2,"too_long":1}');
  });

  it('when batches are merged, then the counts add up', () => {
    const a = addSkips(emptySkipTally(), [skip('A', 'budget')]);
    const b = addSkips(emptySkipTally(), [skip('A', 'budget'), skip('B', 'not_updateable')]);
    expect(mergeSkipTallies(a, b)).toMatchObject({ budget: 2, not_updateable: 1 });
    expect(a.budget).toBe(1);
  });
});
