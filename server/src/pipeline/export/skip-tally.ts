import { SKIP_REASONS, type RecordWritePlan, type SkipReason, type WriteSkip } from './write-plan';

export type SkipTally = Record<SkipReason, number>;

export function emptySkipTally(): SkipTally {
  return Object.fromEntries(SKIP_REASONS.map((reason) => [reason, 0])) as SkipTally;
}

/** Adds skips to a tally in place (runs accumulate batch by batch) and returns it. */
export function addSkips(tally: SkipTally, skips: readonly WriteSkip[]): SkipTally {
  for (const skip of skips) tally[skip.reason] += 1;
  return tally;
}

export function tallySkips(plans: readonly RecordWritePlan[]): SkipTally {
  const tally = emptySkipTally();
  for (const plan of plans) addSkips(tally, plan.skips);
  return tally;
}

export function mergeSkipTallies(...tallies: readonly SkipTally[]): SkipTally {
  const merged = emptySkipTally();
  for (const tally of tallies) for (const reason of SKIP_REASONS) merged[reason] += tally[reason];
  return merged;
}

export function totalSkips(tally: SkipTally): number {
  return SKIP_REASONS.reduce((sum, reason) => sum + tally[reason], 0);
}

/** `Skips_By_Reason__c`: reasons in their fixed order, zero counts left out so the JSON stays readable. */
export function skipTallyJson(tally: SkipTally): string {
  const present: Partial<SkipTally> = {};
  for (const reason of SKIP_REASONS) if (tally[reason] > 0) present[reason] = tally[reason];
  return JSON.stringify(present);
}
