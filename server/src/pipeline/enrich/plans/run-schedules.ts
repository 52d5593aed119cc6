import type { Queue } from 'bullmq';
import type { EnrichmentPlan } from '../../../config/enrichment-plan';
import { RUN_JOB_NAME, type EnrichmentRunJob } from '../runs/run-job';

/**
 * Keeps one BullMQ job scheduler per scheduled plan on the `runs` queue (id = plan id, the plan's cron in its
 * Time_Zone__c) and removes the schedulers of plans no longer active or no longer scheduled. `patternFor` lets a
 * test fire every second instead of waiting for a minute boundary.
 */
export async function syncRunSchedules(
  queue: Queue,
  plans: readonly EnrichmentPlan[],
  patternFor: (plan: EnrichmentPlan) => string = (plan) => plan.schedule ?? '',
): Promise<string[]> {
  const scheduled = plans.filter((plan) => plan.schedule && plan.audienceId);
  const wanted = new Set(scheduled.map((plan) => plan.id));
  for (const existing of await queue.getJobSchedulers(0, -1)) {
    const id = existing.key;
    if (existing.name === RUN_JOB_NAME && !wanted.has(id)) await queue.removeJobScheduler(id);
  }
  for (const plan of scheduled) {
    const data: EnrichmentRunJob = { kind: 'enrichment-run', planId: plan.id, trigger: 'schedule' };
    await queue.upsertJobScheduler(
      plan.id,
      { pattern: patternFor(plan), tz: plan.timeZone },
      { name: RUN_JOB_NAME, data, opts: { attempts: 1 } },
    );
  }
  return [...wanted];
}
