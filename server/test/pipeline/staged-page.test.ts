import { describe, expect, it } from 'vitest';
import { emptySkipTally, LAST_ENRICHED_FIELD, PROVENANCE_FIELD, type WriteSkip } from '../../src/pipeline/export';
import { addStaged, ledgerFields, settledSkips, type StagedPage } from '../../src/pipeline/staged-page';

const skip = (field: string, reason: WriteSkip['reason']): WriteSkip => ({ field, reason });

function emptyPage(): StagedPage {
  return { object: 'Contact', now: new Date(0), ids: [], skips: emptySkipTally(), writes: [], deferred: [] };
}

describe('staged page', () => {
  it('counts the skips of every record but those waiting for a retry, as tallying each record at the settle did', () => {
    const page = emptyPage();
    const deferred = new Set(['held']);
    const plan = (skips: WriteSkip[]) => ({ updates: { Title: 'VP' }, changes: [], skips });
    // No write: settles with the page whatever the writes do.
    addStaged(
      page,
      { id: 'quiet', patch: {}, plan: { ...plan([skip('Seniority__c', 'rule')]), updates: {} } },
      deferred,
    );
    // Written and settled: its skips count.
    addStaged(page, { id: 'sent', patch: { Title: 'VP' }, plan: plan([skip('Phone', 'unchanged')]) }, deferred);
    // Written, then refused for a retry: its skips count at its last attempt, not now.
    addStaged(page, { id: 'locked', patch: { Title: 'VP' }, plan: plan([skip('Phone', 'invalid_value')]) }, deferred);
    // Held back for the budget: planned again later, so none of its skips count now.
    addStaged(page, { id: 'held', patch: {}, plan: { ...plan([skip('Title', 'budget')]), updates: {} } }, deferred);

    expect(page.ids).toEqual(['quiet', 'sent', 'locked', 'held']);
    const tally = settledSkips(page, new Set(['locked', 'held']));
    expect(tally).toEqual({ ...emptySkipTally(), rule: 1, unchanged: 1 });
    // Nothing waiting: the written record's skips count too, and the page's own tally is left as it was.
    expect(settledSkips(page, new Set())).toEqual({ ...emptySkipTally(), rule: 1, unchanged: 1, invalid_value: 1 });
    expect(page.skips).toEqual({ ...emptySkipTally(), rule: 1 });
  });

  it("gives the ledger the plan's mapped fields: the patch without the loop's own two, or the plan's when they differ", () => {
    const page = emptyPage();
    const patch = { Title: 'VP', [PROVENANCE_FIELD]: '{"Title":{}}', [LAST_ENRICHED_FIELD]: '2026-12-07T00:00:00Z' };
    addStaged(page, { id: 'a', patch, plan: { updates: { Title: 'VP' }, changes: [], skips: [] } }, undefined);
    // A map onto the provenance field itself (the patch's value wins there): the plan's own updates are kept.
    const own = { Title: 'VP', [PROVENANCE_FIELD]: 'mapped' };
    addStaged(page, { id: 'b', patch, plan: { updates: own, changes: [], skips: [] } }, undefined);
    const [a, b] = page.writes;
    expect(a?.updates).toBeUndefined();
    expect(ledgerFields(a!)).toEqual({ Title: 'VP' });
    expect(ledgerFields(b!)).toBe(own);
  });
});
