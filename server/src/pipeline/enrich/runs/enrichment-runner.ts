import type { Job, Worker } from 'bullmq';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Connection } from 'jsforce';
import type { EnrichmentPlan } from '../../../config/enrichment-plan';
import type { AttributeValue } from '../../../domain/attributes';
import type { MirrorRecord, RecordObject } from '../../../domain/mirror-record';
import { AppError } from '../../../lib/errors';
import type { Logger } from '../../../lib/logger';
import { parseJobData } from '../../../queues/job-data';
import type { QueueFactory } from '../../../queues/queue-factory';
import type { DescribeCache } from '../../../salesforce/schema/describe-cache';
import type { KeySpace } from '../../../state/key-space';
import type { MirrorStore } from '../../import/mirror-store';
import { RetryableWriteError, type RecordRefresher } from '../../refresh-records';
import type { MembershipEvent } from '../../segments/membership/membership-event';
import type { ProviderId, ProviderInput } from '../providers/provider-contract';
import type { ProviderRegistry } from '../providers/provider-registry';
import { estimateRunCredits, type CreditEstimate } from '../waterfall/credit-estimate';
import type { EmailPolicy } from '../waterfall/email-validation-policy';
import { classifyRecord, toRunFields, type RecordOutcome } from '../waterfall/run-progress';
import { runWaterfall, type WaterfallResult } from '../waterfall/waterfall';
import { activeMemberIds } from './active-members';
import { rememberUnderNewIdentity } from './identity-carry-over';
import { EnrichmentRunRecord } from './enrichment-run-record';
import { EntryRuns, type EntryRun } from './entry-runs';
import { loadEnrichmentPlans } from '../plans/plan-loader';
import { ProviderCircuits } from './provider-circuits';
import { inputFieldsFor, readProviderInputs } from './record-inputs';
import {
  ENTRY_JOB_NAME,
  RUN_JOB_NAME,
  enrichEntryJobSchema,
  enrichmentRunJobSchema,
  type EnrichEntryJob,
  type EnrichmentRunJob,
} from './run-job';
import { RunKeys } from './run-keys';
import { syncRunSchedules } from '../plans/run-schedules';
import { singleRecordOutcome, singleRunMessage, singleRunStatus } from './single-record-runs';
import { StatusPublisher } from './status-publisher';
import { createWaterfallServices, type WaterfallServices } from './waterfall-services';

export interface EnrichmentRunnerDeps {
  conn: Connection;
  redis: Redis;
  prefix: string;
  keys: KeySpace;
  mirror: MirrorStore;
  describes: DescribeCache;
  refresher: RecordRefresher;
  queues: QueueFactory;
  registry: ProviderRegistry;
  logger: Logger;
  now?: () => Date;
  policy?: EmailPolicy;
  /** Records per page (one query for inputs, one refresher call). */
  pageSize?: number;
  /** Waterfalls in flight at once within a page. */
  concurrency?: number;
  /** Passes over records a provider asked to retry later (429, 5xx, circuit open) before they count as failed. */
  retryPasses?: number;
  retryDelayMs?: number;
  maxRateWaitMs?: number;
  statusIntervalMs?: number;
  /**
   * Runs work on the records no intake batch is processing right now (`IntakeDrainer.exclusive`), so a paid value
   * and a change to the same record are never written by two overlapping processings. Without it, no exclusion.
   */
  exclusive?: (
    object: RecordObject,
    recordIds: string[],
    work: (recordIds: string[]) => Promise<void>,
  ) => Promise<void>;
  /** Tests only: the cron pattern given to BullMQ instead of the plan's (e.g. every second). */
  schedulePattern?: (plan: EnrichmentPlan) => string;
}

export type RunOutcome =
  | { status: 'Succeeded' | 'Partially_Succeeded' | 'Paused'; runId: string; message: string }
  | { status: 'Skipped'; message: string };

export interface RunListener {
  onEstimate?(estimate: CreditEstimate, plan: EnrichmentPlan): void;
  onProgress?(processed: number, total: number): void;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const RETRYABLE_ERRORS: ReadonlySet<string> = new Set(['retry_later']);
const RETRYABLE_SKIPS: ReadonlySet<string> = new Set(['rate_limited', 'circuit_open']);

function wantsRetry(result: WaterfallResult): boolean {
  const outcome = classifyRecord(result);
  if (outcome.outcome !== 'failed') return false;
  return (
    result.errors.some((error) => RETRYABLE_ERRORS.has(error.kind)) ||
    result.skipped.some((skip) => RETRYABLE_SKIPS.has(skip.reason))
  );
}

async function mapLimit<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    for (;;) {
      const index = next;
      next += 1;
      if (index >= items.length) return;
      results[index] = await task(items[index] as T);
    }
  });
  await Promise.all(lanes);
  return results;
}

/** How long a run's lock outlives a process that died holding it. */
const RUN_LOCK_MS = 60_000;

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
  private readonly now: () => Date;
  private readonly runKeys: RunKeys;
  private readonly status: StatusPublisher;
  private readonly entryRuns: EntryRuns;
  private plans: EnrichmentPlan[] = [];
  private workers: Worker[] = [];

  constructor(private readonly deps: EnrichmentRunnerDeps) {
    this.now = deps.now ?? (() => new Date());
    this.services = createWaterfallServices(deps.redis, deps.prefix, this.now, {
      fingerprints: deps.registry.fingerprints,
    });
    this.circuits = new ProviderCircuits(this.services.breaker, deps.registry.providers.keys());
    this.runKeys = new RunKeys(deps.prefix);
    this.status = new StatusPublisher(deps.conn, deps.logger, deps.statusIntervalMs ?? 1000);
    this.entryRuns = new EntryRuns({
      conn: deps.conn,
      redis: deps.redis,
      logger: deps.logger,
      progress: this.services.progress,
      keys: this.runKeys,
      now: this.now,
      intervalMs: deps.statusIntervalMs ?? 1000,
    });
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
    await this.entryRuns.flush();
  }

  /** Reads the plans again (after RELOAD_CONFIG) and brings the schedulers in line. */
  async reload(): Promise<void> {
    const known = new Set<string>(this.deps.registry.providers.keys());
    const loaded = await loadEnrichmentPlans(this.deps.conn, known, this.deps.logger);
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
        { attempts: 1, jobId: `enrichment-run-${plan.id}-${randomUUID()}` },
      );
    }
  }

  /** The pre-run estimate of a plan over its audience as it stands. */
  async estimate(plan: EnrichmentPlan): Promise<CreditEstimate> {
    if (!plan.audienceId) throw new AppError('ENRICH_PLAN_NO_AUDIENCE', `plan ${plan.name} has no audience`, false);
    const ids = await activeMemberIds(this.deps.redis, this.deps.keys, plan.audienceId);
    const fields = await inputFieldsFor(plan.object, plan.providers, this.deps.registry.providers, this.deps.describes);
    const inputs = ids.length <= 5000 ? await readProviderInputs(this.deps.conn, plan.object, ids, fields) : undefined;
    const month = await this.services.credits.monthUsage(plan.id);
    return estimateRunCredits({
      records: inputs ? [...inputs.values()] : ids.length,
      attributes: plan.attributes,
      providerOrder: plan.providers,
      descriptors: new Map([...this.deps.registry.providers].map(([id, provider]) => [id, provider.descriptor])),
      hitRates: this.services.hitRates,
      cache: this.services.cache,
      budget: { perRun: plan.maxCreditsPerRun, perMonth: plan.monthlyCreditBudget, monthUsed: month.total },
    });
  }

  /**
   * Runs the plan over its audience's active members, or resumes its paused run. Returns how the run ended.
   */
  async runPlan(planId: string, listener: RunListener = {}): Promise<RunOutcome> {
    const plan = this.findPlan(planId);
    if (!plan) return { status: 'Skipped', message: `no active enrichment plan ${planId}` };
    if (!plan.audienceId) return { status: 'Skipped', message: `plan ${plan.name} has no audience to run over` };
    const { redis } = this.deps;
    const lockKey = this.runKeys.runLock(plan.id);
    const token = randomUUID();
    if ((await redis.set(lockKey, token, 'PX', RUN_LOCK_MS, 'NX')) !== 'OK') {
      return { status: 'Skipped', message: `plan ${plan.name} is already running` };
    }
    const keepLock = setInterval(
      () => void redis.pexpire(lockKey, RUN_LOCK_MS).catch(() => undefined),
      RUN_LOCK_MS / 3,
    );
    keepLock.unref();
    try {
      return await this.startRun({ ...plan, audienceId: plan.audienceId }, listener);
    } finally {
      clearInterval(keepLock);
      if ((await redis.get(lockKey)) === token) await redis.del(lockKey);
    }
  }

  private async startRun(plan: EnrichmentPlan & { audienceId: string }, listener: RunListener): Promise<RunOutcome> {
    const { conn, logger, redis } = this.deps;
    const estimate = await this.estimate(plan);
    listener.onEstimate?.(estimate, plan);
    const ids = await activeMemberIds(redis, this.deps.keys, plan.audienceId);
    const pausedId = await redis.get(this.runKeys.pausedRun(plan.id));
    const estimateText =
      `estimate ${estimate.expectedCredits} credits (${estimate.low}–${estimate.high}, ` +
      `worst case ${estimate.worstCase}) for ${estimate.records} records`;
    let record: EnrichmentRunRecord;
    if (pausedId) {
      record = EnrichmentRunRecord.reopen(conn, logger, pausedId);
      await record.status('Running', `resumed; ${estimateText}`);
    } else {
      record = await EnrichmentRunRecord.create(conn, logger, {
        planId: plan.id,
        audienceId: plan.audienceId,
        total: ids.length,
        message: `running ${plan.name}; ${estimateText}`,
        now: this.now(),
      });
    }
    const runId = record.id;
    await this.status.publish({ runId, stage: 'enrichment', progress: 0, message: `${plan.name}: ${estimateText}` });
    try {
      return await this.execute(plan, record, ids, listener);
    } catch (error) {
      const fields = toRunFields(await this.services.progress.snapshot(runId));
      await record.status('Failed', (error as Error).message, fields, this.now());
      await this.status.flush({ runId, stage: 'enrichment', message: `failed: ${(error as Error).message}` });
      throw error;
    }
  }

  private async execute(
    plan: EnrichmentPlan,
    record: EnrichmentRunRecord,
    allIds: readonly string[],
    listener: RunListener,
  ): Promise<RunOutcome> {
    const { redis } = this.deps;
    const runId = record.id;
    const doneKey = this.runKeys.doneRecords(runId);
    const done = new Set(await redis.smembers(doneKey));
    let pending = allIds.filter((id) => !done.has(id));
    const fields = await inputFieldsFor(plan.object, plan.providers, this.deps.registry.providers, this.deps.describes);
    const pageSize = this.deps.pageSize ?? 50;
    const passes = Math.max(1, this.deps.retryPasses ?? 3);
    const total = allIds.length;
    const report = async (message: string) => {
      const snapshot = await this.services.progress.snapshot(runId);
      listener.onProgress?.(snapshot.processed, total);
      await record.progress(toRunFields(snapshot), total);
      await this.status.publish({
        runId,
        stage: 'enrichment',
        progress: total === 0 ? 100 : (snapshot.processed / total) * 100,
        message,
      });
    };

    for (let pass = 1; pending.length > 0 && pass <= passes; pass += 1) {
      if (pass > 1) await sleep(this.deps.retryDelayMs ?? 2000);
      const deferred: string[] = [];
      for (let start = 0; start < pending.length; start += pageSize) {
        const page = pending.slice(start, start + pageSize);
        const outcome = await this.enrichPage(plan, runId, page, fields, pass < passes);
        deferred.push(...outcome.deferred);
        await report(
          `${plan.name}: pass ${pass}, ${Math.min(start + page.length, pending.length)} of ${pending.length}`,
        );
        if (outcome.paused) {
          await redis.set(this.runKeys.pausedRun(plan.id), runId);
          const snapshot = toRunFields(await this.services.progress.snapshot(runId));
          await record.status('Paused', outcome.paused, snapshot);
          await this.status.flush({ runId, stage: 'paused', message: outcome.paused });
          this.deps.logger.warn({ plan: plan.name, runId, message: outcome.paused }, 'enrichment run paused');
          return { status: 'Paused', runId, message: outcome.paused };
        }
      }
      pending = deferred;
    }

    await redis.del(this.runKeys.pausedRun(plan.id));
    const snapshot = await this.services.progress.snapshot(runId);
    const status = snapshot.failed > 0 ? 'Partially_Succeeded' : 'Succeeded';
    const message =
      `${plan.name}: ${snapshot.processed} processed, ${snapshot.succeeded} succeeded, ${snapshot.failed} failed, ` +
      `${snapshot.skipped} skipped; ${snapshot.creditsUsed} credits`;
    listener.onProgress?.(snapshot.processed, total);
    await record.status(status, message, toRunFields(snapshot), this.now());
    await this.status.flush({ runId, stage: 'done', progress: 100, message });
    return { status, runId, message };
  }

  /** One page: inputs, waterfalls, counting, then the refresher writes what was won. */
  private async enrichPage(
    plan: EnrichmentPlan,
    runId: string,
    ids: readonly string[],
    fields: { fields: string[]; parentFields: string[] },
    mayDefer: boolean,
  ): Promise<{ deferred: string[]; paused?: string }> {
    const inputs = await readProviderInputs(this.deps.conn, plan.object, ids, fields);
    const records = await this.recordsFor(plan.object, [...inputs.keys()], inputs);
    const deferred: string[] = [];
    let paused: string | undefined;
    const extra = new Map<string, AttributeValue[]>();
    const results = await mapLimit(records, this.deps.concurrency ?? 4, async (mirrorRecord) => {
      const input = inputs.get(mirrorRecord.id) ?? {};
      return { id: mirrorRecord.id, result: await this.waterfall(plan, runId, input) };
    });
    const doneKey = this.runKeys.doneRecords(runId);
    for (const { id, result } of results) {
      if (result.values.length > 0) extra.set(id, result.values);
      if (result.paused) {
        paused ??= result.paused.message;
        continue;
      }
      if (mayDefer && wantsRetry(result)) {
        deferred.push(id);
        continue;
      }
      await this.services.progress.record(runId, result);
      await this.deps.redis
        .multi()
        .sadd(doneKey, id)
        .pexpire(doneKey, 90 * 24 * 3600 * 1000)
        .exec();
    }
    // Ids no longer readable (deleted, out of the integration user's sight) are counted as skipped.
    for (const id of ids) {
      if (inputs.has(id)) continue;
      await this.services.progress.record(runId, {
        values: [],
        winners: {},
        fromCache: [],
        calls: [],
        errors: [],
        skipped: [],
        rejected: [],
        stoppedEarly: [],
        missing: [],
      });
      await this.deps.redis.sadd(doneKey, id);
    }
    await this.process(plan.object, records, extra);
    return { deferred, ...(paused ? { paused } : {}) };
  }

  private async waterfall(plan: EnrichmentPlan, runId: string, input: ProviderInput): Promise<WaterfallResult> {
    const result = await runWaterfall({
      input,
      wanted: plan.attributes,
      providerOrder: plan.providers,
      providers: this.deps.registry.providers,
      ...this.services,
      policy: this.deps.policy ?? 'balanced',
      planId: plan.id,
      runId,
      limits: { perRun: plan.maxCreditsPerRun, perMonth: plan.monthlyCreditBudget },
      now: this.now,
      maxRateWaitMs: this.deps.maxRateWaitMs,
    });
    await rememberUnderNewIdentity(this.services, input, result);
    return result;
  }

  /** Mirror records where the mirror has them; otherwise the record as just read. */
  private async recordsFor(
    object: RecordObject,
    ids: readonly string[],
    inputs: ReadonlyMap<string, ProviderInput>,
  ): Promise<MirrorRecord[]> {
    const mirrored = await this.deps.mirror.getMany(object, [...ids]);
    return ids.map(
      (id) =>
        mirrored.get(id) ?? {
          id,
          object,
          fields: Object.fromEntries(Object.entries(inputs.get(id) ?? {}).filter(([, v]) => v !== undefined)),
        },
    ) as MirrorRecord[];
  }

  /**
   * Through the refresher, holding the records against overlapping intake batches: a record an intake batch is
   * processing is waited for (its bought values must still be written), then processed on the mirror's newest copy.
   */
  private async process(
    object: RecordObject,
    records: MirrorRecord[],
    extra: ReadonlyMap<string, readonly AttributeValue[]>,
  ): Promise<void> {
    const exclusive = this.deps.exclusive;
    if (!exclusive) return this.processWithRetry(object, records, extra);
    const given = new Map(records.map((record) => [record.id, record]));
    let pending = records.map((record) => record.id);
    for (let round = 0; pending.length > 0; round += 1) {
      let got: string[] = [];
      await exclusive(object, pending, async (ids) => {
        got = ids;
        if (ids.length === 0) return;
        const fresh = await this.deps.mirror.getMany(object, ids);
        const batch = ids.map((id) => fresh.get(id) ?? given.get(id)).filter((r): r is MirrorRecord => !!r);
        await this.processWithRetry(object, batch, extra);
      });
      const done = new Set(got);
      pending = pending.filter((id) => !done.has(id));
      if (pending.length > 0) await sleep(Math.min(100 * 2 ** round, 2_000));
    }
  }

  /** Through the refresher, trying again writes that may succeed later (as the import does). */
  private async processWithRetry(
    object: RecordObject,
    records: MirrorRecord[],
    extra: ReadonlyMap<string, readonly AttributeValue[]>,
  ): Promise<void> {
    let batch = records;
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.deps.refresher.refresh(object, batch, { extraAttributes: extra });
        return;
      } catch (error) {
        if (!(error instanceof RetryableWriteError) || attempt >= 5) throw error;
        const retry = new Set(error.recordIds);
        batch = [...(await this.deps.mirror.getMany(object, [...retry])).values()];
        await sleep(250 * 2 ** attempt);
      }
    }
  }

  /**
   * ENRICH_RECORD: every active plan of the record's object enriches it (cache first), then the refresher writes
   * the winners with the offline values. Without a plan this is the offline processing alone. With plans, the
   * command is one `Audience_Run__c` (linked to the plan when there is one): each record counts once, and each
   * plan's waterfall over a record is a ledger run of its own (Max_Credits_Per_Run__c applies per plan and record).
   */
  async enrichRecords(object: RecordObject, records: MirrorRecord[]): Promise<void> {
    const plans = this.plans.filter((plan) => plan.object === object);
    if (plans.length === 0) return this.process(object, records, new Map());
    const { conn, logger } = this.deps;
    const label = `ENRICH_RECORD ${records.map((r) => r.id).join(', ')}`;
    const run = await EnrichmentRunRecord.create(conn, logger, {
      ...(plans.length === 1 && plans[0] ? { planId: plans[0].id } : {}),
      total: records.length,
      message: `${label}: ${plans.map((plan) => plan.name).join(', ')}`,
      now: this.now(),
    });
    const creditRuns: string[] = [];
    const results = new Map<string, WaterfallResult[]>(records.map((record) => [record.id, []]));
    const extra = new Map<string, AttributeValue[]>();
    try {
      for (const plan of plans) {
        const fields = await inputFieldsFor(object, plan.providers, this.deps.registry.providers, this.deps.describes);
        const inputs = await readProviderInputs(
          conn,
          object,
          records.map((r) => r.id),
          fields,
        );
        for (const record of records) {
          const input = inputs.get(record.id);
          if (!input) continue;
          const creditRun = `${run.id}:${plan.id}:${record.id}`;
          creditRuns.push(creditRun);
          const result = await this.waterfall(plan, creditRun, input);
          results.get(record.id)?.push(result);
          const had = extra.get(record.id) ?? [];
          const fresh = result.values.filter((value) => !had.some((v) => v.key === value.key));
          extra.set(record.id, [...had, ...fresh]);
          await this.status.publish({
            recordId: record.id,
            stage: 'enrich-record',
            progress: 100,
            message: result.paused
              ? result.paused.message
              : `${plan.name}: ${result.values.length} values (${result.calls.length} calls)`,
          });
        }
      }
      await this.process(object, records, extra);
    } catch (error) {
      const snapshot = await this.services.progress.snapshot(run.id, creditRuns);
      await run.status('Failed', `${label}: ${(error as Error).message}`, toRunFields(snapshot), this.now());
      throw error;
    }
    // Counted once written: a record whose write failed is in no count of a run that failed.
    for (const list of results.values()) await this.services.progress.count(run.id, singleRecordOutcome(list));
    const snapshot = await this.services.progress.snapshot(run.id, creditRuns);
    const status = singleRunStatus(snapshot);
    await run.summary(status, singleRunMessage(label, snapshot), toRunFields(snapshot), records.length, this.now());
  }

  /** Entries into the audience of a Run_On_Entry__c plan are queued for enrichment. */
  async onMembership(events: readonly MembershipEvent[]): Promise<void> {
    const onEntry = this.plans.filter((plan) => plan.runOnEntry && plan.audienceId);
    if (onEntry.length === 0) return;
    const jobs: { name: string; data: EnrichEntryJob; opts: { jobId: string; attempts: number } }[] = [];
    for (const event of events) {
      if (event.kind !== 'entry') continue;
      for (const plan of onEntry) {
        if (plan.audienceId !== event.audienceId) continue;
        jobs.push({
          name: ENTRY_JOB_NAME,
          data: { kind: 'enrich-entry', planId: plan.id, recordId: event.recordId },
          opts: { jobId: `entry-${plan.id}-${event.episodeKey}`, attempts: 3 },
        });
      }
    }
    if (jobs.length > 0) await this.deps.queues.queue<EnrichEntryJob>('enrich').addBulk(jobs);
  }

  /**
   * One record that entered a Run_On_Entry__c plan's audience. It counts in the plan's entry run of the UTC day
   * (`EntryRuns`) once written; a job that still fails on its last attempt counts it as failed.
   */
  private async enrichEntry(planId: string, recordId: string, lastAttempt: boolean): Promise<void> {
    const plan = this.findPlan(planId);
    if (!plan) return;
    const run = await this.entryRuns.runFor(plan, this.now());
    let outcome: RecordOutcome;
    let failure: unknown;
    try {
      outcome = singleRecordOutcome(await this.enrichEntered(run, recordId));
    } catch (error) {
      if (!lastAttempt) throw error;
      outcome = { counted: true, outcome: 'failed' };
      failure = error;
    }
    await this.services.progress.count(run.record.id, outcome);
    this.entryRuns.changed(run);
    if (failure !== undefined) throw failure;
  }

  /** The entered record's waterfall and write; no waterfall when it can no longer be read. */
  private async enrichEntered(run: EntryRun, recordId: string): Promise<WaterfallResult[]> {
    const { plan } = run;
    const fields = await inputFieldsFor(plan.object, plan.providers, this.deps.registry.providers, this.deps.describes);
    const inputs = await readProviderInputs(this.deps.conn, plan.object, [recordId], fields);
    const input = inputs.get(recordId);
    // Gone or out of sight since it entered: skipped, like the unreadable ids of a bulk run.
    if (!input) return [];
    const [record] = await this.recordsFor(plan.object, [recordId], inputs);
    if (!record) return [];
    // The ledger run is the plan's day: Max_Credits_Per_Run__c applies per plan and UTC day to entries.
    const result = await this.waterfall(plan, run.creditRun, input);
    await this.process(plan.object, [record], new Map([[recordId, result.values]]));
    return [result];
  }

  /** The plan of a run id (RUN_ENRICHMENT may name the paused run instead of the plan). */
  private async planOfRun(runId: string): Promise<EnrichmentPlan | undefined> {
    for (const plan of this.plans) {
      if ((await this.deps.redis.get(this.runKeys.pausedRun(plan.id))) === runId) return plan;
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
