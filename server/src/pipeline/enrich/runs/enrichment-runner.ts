import type { Job, Worker } from 'bullmq';
import { jobId } from '../../../queues/job-ids';
import { randomUUID } from 'node:crypto';
import type { EnrichmentPlan } from '../../../config/enrichment-plan';
import type { MirrorRecord, RecordObject } from '../../../domain/mirror-record';
import { parseJobData } from '../../../queues/job-data';
import type { MembershipEvent } from '../../segments/membership/membership-event';
import { loadEnrichmentPlans } from '../plans/plan-loader';
import { syncRunSchedules } from '../plans/run-schedules';
import type { ProviderId } from '../providers/provider-contract';
import type { CreditEstimate } from '../waterfall/credit-estimate';
import { enrichRecordsNow } from './enrich-record-command';
import { EnrichedWrites } from './enriched-writes';
import { EntryEnrichment } from './entry-enrichment';
import { estimatePlan } from './plan-estimate';
import { PlanRuns } from './plan-runs';
import { cancelEnrichmentRun, type CancelResult, type RunToCancel } from './run-cancel';
import { ProviderCircuits } from './provider-circuits';
import {
  ENTRY_JOB_NAME,
  RUN_JOB_NAME,
  enrichEntryJobSchema,
  enrichmentRunJobSchema,
  type EnrichEntryJob,
  type EnrichmentRunJob,
} from './run-job';
import { RunKeys } from './run-keys';
import { withRunLock } from './run-lock';
import type { RunListener, RunOutcome } from './run-outcome';
import type { RunnerContext } from './runner-context';
import type { EnrichmentRunnerDeps } from './runner-deps';
import { StatusPublisher } from './status-publisher';
import { createWaterfallServices, type WaterfallServices } from './waterfall-services';

// The runner's types stay importable from here, where its callers have always found them.
export type { EnrichmentRunnerDeps } from './runner-deps';
export type { RunListener, RunOutcome } from './run-outcome';

const KEY_PREFIX: Readonly<Record<RecordObject, string>> = { Contact: '003', Lead: '00Q', Account: '001' };

/**
 * Paid enrichment runs (DESIGN §8): loads the active `Audience_Enrichment__c` plans, runs a plan over its
 * audience's active members on demand (RUN_ENRICHMENT) or on its cron schedule (BullMQ job schedulers in the plan's
 * time zone), enriches records as they enter a plan's audience (Run_On_Entry__c) and single records on
 * ENRICH_RECORD. Each record goes through `runWaterfall` with the plan's provider order and credit limits, and the
 * values it wins go through the record refresher (same planner, rules, ledger and writer as offline values). A run
 * is an `Audience_Run__c` kept current with counts and credits per provider; a credit limit pauses it visibly, and
 * the next RUN_ENRICHMENT of the plan resumes it.
 */
export class EnrichmentRunner {
  readonly services: WaterfallServices;
  /** The configured paid providers' circuits, for /readyz and /metrics. */
  readonly circuits: ProviderCircuits;
  private readonly ctx: RunnerContext;
  private readonly planRuns: PlanRuns;
  private readonly entries: EntryEnrichment;
  private plans: EnrichmentPlan[] = [];
  private workers: Worker[] = [];

  constructor(private readonly deps: EnrichmentRunnerDeps) {
    const now = deps.now ?? (() => new Date());
    this.services = createWaterfallServices(deps.redis, deps.prefix, now, {
      fingerprints: deps.registry.fingerprints,
    });
    this.circuits = new ProviderCircuits(this.services.breaker, deps.registry.providers.keys());
    this.ctx = {
      deps,
      services: this.services,
      now,
      runKeys: new RunKeys(deps.prefix),
      status: new StatusPublisher(deps.org, deps.logger, deps.statusIntervalMs ?? 1000),
      writes: new EnrichedWrites(deps),
    };
    this.planRuns = new PlanRuns(this.ctx);
    this.entries = new EntryEnrichment(this.ctx);
  }

  /** The configured paid providers (the Job_Change detector asks them through the same waterfall services). */
  get providers(): EnrichmentRunnerDeps['registry']['providers'] {
    return this.deps.registry.providers;
  }

  get activePlans(): readonly EnrichmentPlan[] {
    return this.plans;
  }

  /** Loads the plans, keeps their schedules, and (unless `workers: false`) starts the run and entry workers. */
  async start(options: { workers?: boolean } = {}): Promise<void> {
    await this.reload();
    if (options.workers === false) return;
    this.workers.push(
      this.deps.queues.worker<EnrichmentRunJob>(
        'runs',
        async (job: Job) => {
          if (job.name !== RUN_JOB_NAME) return;
          const data = parseJobData(enrichmentRunJobSchema, job);
          await this.runPlan(data.planId);
        },
        { concurrency: 1 },
      ) as unknown as Worker,
      this.deps.queues.worker<EnrichEntryJob>(
        'enrich',
        async (job: Job) => {
          if (job.name !== ENTRY_JOB_NAME) return;
          const data = parseJobData(enrichEntryJobSchema, job);
          const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
          await this.enrichEntry(data.planId, data.recordId, lastAttempt);
        },
        { concurrency: 5 },
      ) as unknown as Worker,
    );
  }

  async stop(): Promise<void> {
    const workers = this.workers;
    this.workers = [];
    await Promise.all(workers.map((worker) => worker.close()));
    await this.entries.flush();
  }

  /** Reads the plans again (after RELOAD_CONFIG) and brings the schedulers in line. */
  async reload(): Promise<void> {
    const known = new Set<string>(this.deps.registry.providers.keys());
    const loaded = await loadEnrichmentPlans(this.deps.org, this.deps.statuses, known, this.deps.logger);
    this.plans = loaded.plans;
    await syncRunSchedules(this.deps.queues.queue('runs'), this.plans, this.deps.schedulePattern);
  }

  /** A plan by id or name. */
  findPlan(idOrName: string): EnrichmentPlan | undefined {
    return this.plans.find((plan) => plan.id === idOrName) ?? this.plans.find((plan) => plan.name === idOrName);
  }

  /** RUN_ENRICHMENT: queues a run of the plan (or every plan with an audience when no target is given). */
  async requestRun(targetId: string | undefined): Promise<void> {
    const plans = targetId
      ? [this.findPlan(targetId) ?? (await this.planOfRun(targetId))].filter((p): p is EnrichmentPlan => !!p)
      : this.plans.filter((plan) => plan.audienceId);
    if (plans.length === 0) {
      this.deps.logger.warn({ targetId }, 'RUN_ENRICHMENT names no active enrichment plan');
      return;
    }
    const queue = this.deps.queues.queue<EnrichmentRunJob>('runs');
    for (const plan of plans) {
      await queue.add(
        RUN_JOB_NAME,
        { kind: 'enrichment-run', planId: plan.id, trigger: 'command' },
        { attempts: 1, jobId: jobId('enrichment-run', plan.id, randomUUID()) },
      );
    }
  }

  /** The pre-run estimate of a plan over its audience as it stands. */
  async estimate(plan: EnrichmentPlan): Promise<CreditEstimate> {
    return estimatePlan(this.ctx, plan);
  }

  /** CANCEL_RUN: a paused run is cancelled now, a running one at its next page; a finished one is refused. */
  cancelRun(run: RunToCancel): Promise<CancelResult> {
    return cancelEnrichmentRun(this.ctx, run);
  }

  /**
   * Runs the plan over its audience's active members, or resumes its paused run. Returns how the run ended.
   */
  async runPlan(planId: string, listener: RunListener = {}): Promise<RunOutcome> {
    const plan = this.findPlan(planId);
    if (!plan) return { status: 'Skipped', message: `no active enrichment plan ${planId}` };
    const audienceId = plan.audienceId;
    if (!audienceId) return { status: 'Skipped', message: `plan ${plan.name} has no audience to run over` };
    return withRunLock<RunOutcome>(
      this.deps.redis,
      this.ctx.runKeys.runLock(plan.id),
      () => this.planRuns.run({ ...plan, audienceId }, listener),
      () => ({ status: 'Skipped', message: `plan ${plan.name} is already running` }),
    );
  }

  /** ENRICH_RECORD: the records through every active plan of their object, then written (`enrichRecordsNow`). */
  async enrichRecords(object: RecordObject, records: MirrorRecord[]): Promise<void> {
    return enrichRecordsNow(
      this.ctx,
      this.plans.filter((plan) => plan.object === object),
      object,
      records,
    );
  }

  /**
   * The last Audience_Status__e of a single-record request (`done` or `failed`, DESIGN §4): the record card listens
   * only until it sees one for its record, so every way an ENRICH_RECORD ends publishes it, after the writes.
   */
  async recordFinished(recordId: string, outcome: { ok: boolean; message: string }): Promise<void> {
    await this.ctx.status.flush({
      recordId,
      stage: outcome.ok ? 'done' : 'failed',
      ...(outcome.ok ? { progress: 100 } : {}),
      message: outcome.message,
    });
  }

  /** Entries into the audience of a Run_On_Entry__c plan are queued for enrichment. */
  async onMembership(events: readonly MembershipEvent[]): Promise<void> {
    return this.entries.queue(this.plans, events);
  }

  /** An `enrich` job: one record that entered the audience of a plan still active. */
  private async enrichEntry(planId: string, recordId: string, lastAttempt: boolean): Promise<void> {
    const plan = this.findPlan(planId);
    if (!plan) return;
    await this.entries.enrich(plan, recordId, lastAttempt);
  }

  /** The plan of a run id (RUN_ENRICHMENT may name the paused run instead of the plan). */
  private async planOfRun(runId: string): Promise<EnrichmentPlan | undefined> {
    for (const plan of this.plans) {
      if ((await this.deps.redis.get(this.ctx.runKeys.pausedRun(plan.id))) === runId) return plan;
    }
    return undefined;
  }

  /** The object a record id belongs to, by its key prefix. */
  static objectOf(recordId: string): RecordObject | undefined {
    return (Object.keys(KEY_PREFIX) as RecordObject[]).find((object) => KEY_PREFIX[object] === recordId.slice(0, 3));
  }

  /** Providers the plan names that this process cannot call. */
  missingProviders(plan: EnrichmentPlan): ProviderId[] {
    return plan.providers.filter((id) => !this.deps.registry.providers.has(id));
  }
}
