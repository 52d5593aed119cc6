import { startOfNextUtcMonth, utcMonth } from './waterfall-keys';

/** For Audience_Run__c.Status_Message__c: which credit limit paused the run, and how to go on. */
export function pauseMessage(limit: 'run' | 'month', used: number, ceiling: number, at: Date): string {
  if (limit === 'run') {
    return (
      `Paused: this run has used ${used} of its ${ceiling}-credit ceiling (Max Credits Per Run). ` +
      `Raise the ceiling and resume the run to continue; records already enriched are not paid for again.`
    );
  }
  const resetsOn = startOfNextUtcMonth(at).toISOString().slice(0, 10);
  return (
    `Paused: the plan has used ${used} of its monthly budget of ${ceiling} credits for ${utcMonth(at)} ` +
    `(Monthly Credit Budget). The budget resets on ${resetsOn} (UTC); raise it and resume to continue sooner.`
  );
}
