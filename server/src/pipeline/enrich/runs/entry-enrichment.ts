import type { EnrichmentPlan } from '../../../config/enrichment-plan';
import { jobId } from '../../../queues/job-ids';
import type { MembershipEvent } from '../../segments/membership/membership-event';
import type { RecordOutcome } from '../waterfall/run-progress';
import type { WaterfallResult } from '../waterfall/waterfall';
import { EntryRuns, type EntryRun } from './entry-runs';
import { runPlanWaterfall } from './plan-waterfall';
import { inputFieldsFor, readProviderInputs } from './record-inputs';
import { ENTRY_JOB_NAME, type EnrichEntryJob } from './run-job';
import type { RunnerContext } from './runner-context';
import { singleRecordOutcome } from './single-record-runs';

/**
 * Run_On_Entry__c: a record entering a plan's audience is queued (one `enrich` job per plan and entry episode),
 * then enriched on its own and counted in the plan's entry run of the UTC day.
 */
export class EntryEnrichment {
  private readonly entryRuns: EntryRuns;

  constructor(private readonly ctx: RunnerContext) {
    const { deps } = ctx;
    this.entryRuns = new EntryRuns({
      org: deps.org,
      redis: deps.redis,
      logger: deps.logger,
      progress: ctx.services.progress,
      keys: ctx.runKeys,
      now: ctx.now,
      intervalMs: deps.statusIntervalMs ?? 1000,
    });
  }

  /** Entries into the audience of one of the `plans` that run on entry are queued for enrichment. */
  async queue(plans: readonly EnrichmentPlan[], events: readonly MembershipEvent[]): Promise<void> {
    const onEntry = plans.filter((plan) => plan.runOnEntry && plan.audienceId);
    if (onEntry.length === 0) return;
    const jobs: { name: string; data: EnrichEntryJob; opts: { jobId: string; attempts: number } }[] = [];
    for (const event of events) {
      if (event.kind !== 'entry') continue;
      for (const plan of onEntry) {
        if (plan.audienceId !== event.audienceId) continue;
        jobs.push({
          name: ENTRY_JOB_NAME,
          data: { kind: 'enrich-entry', planId: plan.id, recordId: event.recordId },
          opts: { jobId: jobId('entry', plan.id, event.episodeKey), attempts: 3 },
        });
      }
    }
    if (jobs.length > 0) await this.ctx.deps.queues.queue<EnrichEntryJob>('enrich').addBulk(jobs);
  }

  /**
   * One record that entered the plan's audience. It counts in the plan's entry run of the UTC day (`EntryRuns`)
   * once written; a job that still fails on its last attempt counts it as failed.
   */
  async enrich(plan: EnrichmentPlan, recordId: string, lastAttempt: boolean): Promise<void> {
    const run = await this.entryRuns.runFor(plan, this.ctx.now());
    let outcome: RecordOutcome;
    let failure: unknown;
    try {
      outcome = singleRecordOutcome(await this.enrichEntered(run, recordId));
    } catch (error) {
      if (!lastAttempt) throw error;
      outcome = { counted: true, outcome: 'failed' };
      failure = error;
    }
    await this.ctx.services.progress.count(run.record.id, outcome);
    this.entryRuns.changed(run);
    if (failure !== undefined) throw failure;
  }

  /** Writes the entry runs' pending counts (at stop). */
  flush(): Promise<void> {
    return this.entryRuns.flush();
  }

  /** The entered record's waterfall and write; no waterfall when it can no longer be read. */
  private async enrichEntered(run: EntryRun, recordId: string): Promise<WaterfallResult[]> {
    const { deps, writes } = this.ctx;
    const { plan } = run;
    const fields = await inputFieldsFor(plan.object, plan.providers, deps.registry.providers, deps.describes);
    const inputs = await readProviderInputs(deps.org, plan.object, [recordId], fields);
    const input = inputs.get(recordId);
    // Gone or out of sight since it entered: skipped, like the unreadable ids of a bulk run.
    if (!input) return [];
    const [record] = await writes.recordsFor(plan.object, [recordId], inputs);
    if (!record) return [];
    // The ledger run is the plan's day: Max_Credits_Per_Run__c applies per plan and UTC day to entries.
    const result = await runPlanWaterfall(this.ctx, plan, run.creditRun, input);
    await writes.write(plan.object, [record], new Map([[recordId, result.values]]));
    return [result];
  }
}
