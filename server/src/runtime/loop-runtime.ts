import type { Connection } from 'jsforce';
import type { Redis } from 'ioredis';
import { ConfigLoader } from '../config/config-loader';
import type { LoopConfig, SourceConfig } from '../config/loop-config';
import type { MirrorRecord, RecordObject } from '../domain/mirror-record';
import type { Logger } from '../lib/logger';
import { WriteLedger } from '../pipeline/export';
import { ChangeIntake } from '../pipeline/import/intake/change-intake';
import { flattenRecord } from '../pipeline/import/flatten-record';
import { mirrorFieldsFor, type MirrorFieldSet } from '../pipeline/import/mirror-fields';
import { MirrorStore } from '../pipeline/import/mirror-store';
import { reconcileSince } from '../pipeline/import/intake/reconciler';
import { sourceQuery } from '../pipeline/import/source-query';
import { LoopStats } from '../pipeline/loop-stats';
import { RecordRefresher, RetryableWriteError } from '../pipeline/refresh-records';
import { createFieldTypeLookup } from '../pipeline/segments/filter';
import type { MembershipEvent } from '../pipeline/segments/membership/membership-event';
import { MembershipService } from '../pipeline/segments/membership/membership-service';
import { MembershipStore } from '../pipeline/segments/membership/membership-store';
import { createQueueFactory, type QueueFactory } from '../queues/queue-factory';
import { IntakeBuffer } from '../pipeline/import/intake/intake-buffer';
import { ApiBudgetGovernor } from '../salesforce/budget/api-budget-governor';
import { createBudgetGate, type BudgetGate } from '../salesforce/budget/budget-gate';
import { DescribeCache } from '../salesforce/schema/describe-cache';
import { CdcSubscriber, CDC_CHANNEL } from '../salesforce/stream/cdc-subscriber';
import { ReplayStore } from '../salesforce/stream/replay-store';
import { CoalescingWriter } from '../salesforce/writers/coalescing-writer';
import { KeySpace } from '../state/key-space';
import type { AudienceCommand } from '../commands/audience-command';
import { CommandListener } from '../salesforce/stream/command-subscriber';
import { ImportRunner } from '../pipeline/import/import-runner';
import { IntakeDrainer } from '../pipeline/import/intake/intake-drainer';
import { MemberCountUpdater } from '../pipeline/segments/membership/member-count-updater';
import { createProgressReporter, type ProgressReporter } from '../lib/progress-reporter';
// enrichment-runs hook
import type { EnrichmentRunner } from '../pipeline/enrich/runs/enrichment-runner';
import { createRuntimeEnrichmentRunner, type EnrichmentHookOptions } from '../pipeline/enrich/runs/runtime-enrichment';

export interface LoopRuntimeOptions {
  conn: Connection;
  redis: Redis;
  prefix: string;
  logger: Logger;
  bulkThreshold: number;
  defaultRegion: string;
  budget: { pauseAt: number; stopAt: number };
  /** Per-record debounce of change events (ms). */
  debounceMs?: number;
  /** A record edited non-stop is processed at the latest this long after its first pending change (ms). */
  maxDebounceMs?: number;
  /** Slow safety poll of the config objects, in case a RELOAD_CONFIG was missed (ms). */
  configPollMs?: number;
  /** Intake batches processed at the same time. */
  intakeConcurrency?: number;
  /** Records per intake batch. */
  intakeBatchSize?: number;
  /** How often paused background work asks /limits whether it may resume (ms; default 5 s). */
  budgetPollMs?: number;
  progress?: ProgressReporter;
  /** Called for every audience entry and exit (the actions step's queue is fed from here too). */
  onMembership?: (events: MembershipEvent[]) => Promise<void>;
  /** Paid enrichment runs (enrichment-runs hook): provider environment, clock, test tuning. */
  enrichment?: EnrichmentHookOptions;
}

/**
 * The loop, wired: config from Salesforce, the record mirror, the initial import, the CDC stream, the intake
 * buffer and its drainer, the writer, audiences and commands. One instance per process; `start()` brings it up in
 * an order that loses nothing (the stream is followed before the import reads, so a change made during the import
 * is seen either by the import or by the stream), `stop()` takes it down gracefully.
 */
export class LoopRuntime {
  readonly stats = new LoopStats();
  readonly keys: KeySpace;
  readonly mirror: MirrorStore;
  readonly ledger: WriteLedger;
  readonly describes: DescribeCache;
  readonly governor: ApiBudgetGovernor;
  readonly writer: CoalescingWriter;
  readonly membershipStore: MembershipStore;
  readonly membership: MembershipService;
  readonly refresher: RecordRefresher;
  readonly queues: QueueFactory;
  private readonly replayStore: ReplayStore;
  private config: LoopConfig = { sources: [], audiences: [], fieldMaps: [], problems: [], loadedAt: '' };
  private fieldSets = new Map<RecordObject, MirrorFieldSet>();
  private integrationUserId = '';
  private readonly configLoader: ConfigLoader;
  private readonly importRunner: ImportRunner;
  private readonly intake: ChangeIntake;
  private readonly memberCounts: MemberCountUpdater;
  readonly intakeBuffer: IntakeBuffer;
  private drainer: IntakeDrainer | undefined;
  private subscriber: CdcSubscriber | undefined;
  private commands: CommandListener | undefined;
  private gate: BudgetGate | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private reloading: Promise<void> = Promise.resolve();
  private importing: Promise<void> = Promise.resolve();
  readonly membershipEvents: MembershipEvent[] = [];
  /** Paid enrichment: plans, runs, schedules, on-entry and ENRICH_RECORD (enrichment-runs hook). */
  readonly enrichment: EnrichmentRunner;

  constructor(private readonly options: LoopRuntimeOptions) {
    const { conn, redis, logger } = options;
    this.keys = new KeySpace(options.prefix);
    this.mirror = new MirrorStore(redis, this.keys);
    this.ledger = new WriteLedger(redis, { prefix: options.prefix });
    this.describes = new DescribeCache(conn);
    this.governor = new ApiBudgetGovernor({ pauseAt: options.budget.pauseAt, stopAt: options.budget.stopAt });
    this.writer = new CoalescingWriter(conn, {
      logger,
      onRequest: (c) => this.observeLimits(c),
    });
    this.membershipStore = new MembershipStore(redis, this.keys);
    this.replayStore = new ReplayStore(redis, this.keys, CDC_CHANNEL);
    this.membership = new MembershipService(conn, this.membershipStore, logger);
    this.queues = createQueueFactory({ connection: redis, prefix: options.prefix, logger });
    this.intakeBuffer = new IntakeBuffer(redis, {
      prefix: options.prefix,
      windowMs: options.debounceMs,
      maxWaitMs: options.maxDebounceMs,
    });
    this.refresher = new RecordRefresher({
      mirror: this.mirror,
      ledger: this.ledger,
      writer: this.writer,
      describes: this.describes,
      membership: this.membership,
      stats: this.stats,
      logger,
      config: () => this.config,
      defaultRegion: options.defaultRegion,
      onMembership: (events) => this.emitMembership(events),
    });
    this.configLoader = new ConfigLoader(conn, this.describes, logger);
    this.importRunner = new ImportRunner({
      conn,
      redis,
      keys: this.keys,
      mirror: this.mirror,
      describes: this.describes,
      refresher: this.refresher,
      governor: this.governor,
      stats: this.stats,
      logger,
      bulkThreshold: options.bulkThreshold,
      progress: options.progress ?? createProgressReporter(),
      fieldSet: (object) => this.fieldSets.get(object),
      budgetPollMs: options.budgetPollMs,
      // A page and an intake batch never process the same record at once (see IntakeDrainer.exclusive).
      exclusive: (object, ids, work) => this.exclusive(object, ids, work),
    });
    this.intake = new ChangeIntake({
      mirror: this.mirror,
      ledger: this.ledger,
      stats: this.stats,
      logger,
      config: () => this.config,
      integrationUserId: () => this.integrationUserId,
      mirroredFields: (object) => {
        const set = this.fieldSets.get(object);
        return new Set(set ? [...set.fields, ...set.parentFields] : []);
      },
      enqueue: (object, ids) => this.enqueue(object, ids),
      reread: (source, ids) => this.reread(source, ids),
      reconcile: (object) => this.reconcile(object),
      removed: (records) => this.refresher.evaluate(this.config.audiences, records, { removed: true }),
    });
    // enrichment-runs hook
    this.enrichment = createRuntimeEnrichmentRunner(
      {
        conn,
        redis,
        prefix: options.prefix,
        keys: this.keys,
        mirror: this.mirror,
        describes: this.describes,
        refresher: this.refresher,
        queues: this.queues,
        logger: logger.child({ component: 'enrichment' }),
        defaultRegion: options.defaultRegion,
        exclusive: (object, ids, work) => this.exclusive(object, ids, work),
      },
      options.enrichment,
    );
    this.memberCounts = new MemberCountUpdater(
      conn,
      this.membership,
      this.membershipStore,
      () => this.config.audiences,
      logger,
    );
  }

  get currentConfig(): LoopConfig {
    return this.config;
  }

  async start(): Promise<void> {
    const { conn, logger } = this.options;
    const identity = await conn.identity();
    this.integrationUserId = identity.user_id;
    // One /limits read: the budget is known before any background work starts, and calls are counted from here.
    this.governor.observeLimits(await conn.limits());
    this.observeLimits(conn);
    await this.loadConfig();
    await this.enrichment.start(); // enrichment-runs hook

    this.drainer = new IntakeDrainer({
      buffer: this.intakeBuffer,
      process: (object, ids) => this.processBatch(object, ids),
      logger: logger.child({ component: 'intake' }),
      // Out of API budget: changes wait in Redis (with their debounce) until the budget allows writes again.
      paused: () => this.governor.state === 'stopped',
      onGivenUp: (entries) => {
        for (const entry of entries) {
          this.stats.addFailure(entry.recordId, 'RETRIES_EXHAUSTED', 'the write kept failing; see earlier warnings');
        }
      },
      batchSize: this.options.intakeBatchSize,
      concurrency: this.options.intakeConcurrency,
    });
    await this.drainer.start();
    this.gate = createBudgetGate(this.governor, this.queues.queues(), logger);

    const replayStore = new ReplayStore(this.options.redis, this.keys, CDC_CHANNEL);
    // No stored replay id: the stream starts from new events (-1), so whatever changed since an earlier run
    // stopped (before any event of it was committed) is only found by reconciling the sources already imported.
    const resumable = (await replayStore.get()) !== undefined;
    this.subscriber = new CdcSubscriber({
      conn,
      channel: CDC_CHANNEL,
      replayStore,
      handler: (event) => this.intake.handle(event),
      onReplayInvalid: () => this.reconcileAll(),
      logger: logger.child({ component: 'cdc' }),
    });
    await this.subscriber.start();
    this.commands = new CommandListener(
      conn,
      (command) => this.handleCommand(command),
      logger.child({ component: 'commands' }),
    );
    this.commands.start();
    this.memberCounts.start();
    this.pollTimer = setInterval(() => void this.reload('safety poll'), this.options.configPollMs ?? 5 * 60_000);
    this.pollTimer.unref();

    this.importing = this.importPending(!resumable);
    await this.importing;
  }

  async stop(): Promise<void> {
    clearInterval(this.pollTimer);
    this.commands?.stop();
    await this.subscriber?.stop();
    this.importRunner.stop();
    await this.importing.catch(() => undefined);
    await this.drainer?.stop();
    await this.enrichment.stop(); // enrichment-runs hook
    await this.writer.flush();
    await this.memberCounts.stop();
    this.gate?.close();
    for (const events of this.queues.queueEvents()) await events.close();
    for (const queue of this.queues.queues()) await queue.close();
    for (const connection of this.queues.connections()) connection.disconnect();
  }

  /** Resolves when every import that is due has run (first start, new sources, newly mapped fields). */
  async importPending(reconcileSynced = false): Promise<void> {
    for (const source of this.config.sources) {
      if (!(await this.importRunner.isSynced(source))) await this.importRunner.run(source);
      else if (reconcileSynced) await this.reconcile(source.object);
    }
  }

  streamState() {
    return this.subscriber?.state();
  }

  /** Waits until no record waits in the intake or is being processed, and the writer has sent everything. */
  async drain(timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const counts = await this.intakeBuffer.counts();
      if (counts.waiting + counts.active === 0) break;
      if (Date.now() > deadline)
        throw new Error(`intake did not drain within ${timeoutMs} ms (${JSON.stringify(counts)})`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await this.writer.flush();
  }

  private async loadConfig(): Promise<void> {
    this.config = await this.configLoader.load();
    this.fieldSets.clear();
    const account = await this.describes.describe('Account').catch(() => undefined);
    for (const object of new Set(this.config.sources.map((s) => s.object))) {
      const describe = await this.describes.describe(object);
      this.fieldSets.set(object, mirrorFieldsFor(object, this.config, describe, account));
    }
    this.options.logger.info(
      {
        sources: this.config.sources.length,
        audiences: this.config.audiences.length,
        fieldMaps: this.config.fieldMaps.length,
        problems: this.config.problems.length,
      },
      'configuration loaded',
    );
  }

  private reload(reason: string): Promise<void> {
    this.reloading = this.reloading.then(async () => {
      this.options.logger.info({ reason }, 'reloading configuration');
      await this.loadConfig();
      await this.enrichment.reload(); // enrichment-runs hook
      // New sources and newly mapped fields are backfilled; new audiences are evaluated over the mirror.
      this.importing = this.importing.then(() => this.importPending());
      await this.importing;
      await this.evaluateAll();
    });
    return this.reloading.catch((error: unknown) => this.options.logger.error({ err: error }, 'reload failed'));
  }

  private async evaluateAll(audienceId?: string): Promise<void> {
    const audiences = this.config.audiences.filter((a) => !audienceId || a.id === audienceId);
    for (const object of new Set(audiences.map((a) => a.object))) {
      for await (const page of this.mirror.scan(object)) {
        await this.refresher.evaluate(
          audiences.filter((a) => a.object === object),
          page,
        );
      }
    }
  }

  private async handleCommand(command: AudienceCommand): Promise<void> {
    const { logger } = this.options;
    logger.info({ command: command.command, targetId: command.targetId, recordId: command.recordId }, 'command');
    switch (command.command) {
      case 'RELOAD_CONFIG':
        // Our own writes to config records (statuses, counts) need no reload of what we just wrote.
        if (command.requestedBy && command.requestedBy === this.integrationUserId) return;
        return this.reload('RELOAD_CONFIG');
      case 'RUN_IMPORT': {
        const sources = this.config.sources.filter((s) => !command.targetId || s.id === command.targetId);
        this.importing = this.importing.then(async () => {
          for (const source of sources) await this.importRunner.run(source);
        });
        return this.importing;
      }
      case 'EVALUATE_AUDIENCE':
        return this.evaluateAll(command.targetId);
      case 'ENRICH_RECORD': {
        const id = command.recordId;
        const source = this.config.sources.find((s) => id && this.keyPrefixOf(s.object) === id.slice(0, 3));
        if (!id || !source) return;
        const found = await this.reread(source, [id]);
        // enrichment-runs hook: every active plan of the object enriches it; without one, offline values only.
        if (found.length > 0) await this.enrichment.enrichRecords(source.object, found);
        return;
      }
      case 'RUN_ENRICHMENT':
        return this.enrichment.requestRun(command.targetId); // enrichment-runs hook
      case 'DRY_RUN_EXPORT':
        logger.warn({ command: command.command }, 'command not supported yet');
        return;
    }
  }

  private keyPrefixOf(object: RecordObject): string {
    return { Contact: '003', Lead: '00Q', Account: '001' }[object];
  }

  /** Runs work on the records no intake batch holds (IntakeDrainer.exclusive); before start, on all of them. */
  private exclusive(object: RecordObject, ids: string[], work: (ids: string[]) => Promise<void>): Promise<void> {
    return this.drainer ? this.drainer.exclusive(object, ids, work) : work(ids);
  }

  /** Queues records for processing; every cause (change, gap, reconcile) is handled alike, on the mirror's state. */
  private async enqueue(object: RecordObject, recordIds: string[]): Promise<void> {
    await this.intakeBuffer.enqueue(recordIds.map((recordId) => ({ object, recordId })));
  }

  private async processBatch(object: RecordObject, recordIds: string[]): Promise<{ retry: string[] }> {
    // A record missing from the mirror was removed meanwhile: nothing to do.
    const records = [...(await this.mirror.getMany(object, recordIds)).values()];
    try {
      await this.refresher.refresh(object, records);
      return { retry: [] };
    } catch (error) {
      // Lock, 5xx, budget: those records go back to the intake with backoff; the rest of the batch is done.
      if (error instanceof RetryableWriteError) return { retry: error.recordIds };
      throw error;
    }
  }

  /** Reads records afresh with the source's query restricted to ids; those that still match go into the mirror. */
  private async reread(source: SourceConfig, recordIds: string[]): Promise<MirrorRecord[]> {
    const fields = this.fieldSets.get(source.object);
    if (!fields || recordIds.length === 0) return [];
    const describe = await this.describes.describe(source.object);
    const account = source.object === 'Contact' ? await this.describes.describe('Account') : undefined;
    const fieldType = createFieldTypeLookup({
      fields: describe.fields,
      parentFields: (r) => (r === 'Account' ? account?.fields : undefined),
    });
    const found: MirrorRecord[] = [];
    for (let i = 0; i < recordIds.length; i += 200) {
      const ids = recordIds.slice(i, i + 200);
      const soql = sourceQuery(source, fields, fieldType, { field: 'Id', op: 'in', value: ids });
      const result = await this.options.conn.query<Record<string, unknown>>(soql, { autoFetch: true });
      for (const raw of result.records) {
        found.push({ id: String(raw.Id), object: source.object, fields: flattenRecord(raw, fields.parentFields) });
      }
    }
    return this.mirror.putMany(found);
  }

  /** Catch-up after a gap the stream cannot fill: what changed since the last change seen, and deletions. */
  private async reconcile(object: RecordObject): Promise<void> {
    const source = this.config.sources.find((s) => s.object === object);
    const fields = this.fieldSets.get(object);
    if (!source || !fields) return;
    const lastSeen = await this.replayStore.lastChangeSeen(object);
    const imported = await this.options.redis.get(this.keys.importState(source.id));
    const importedAt = imported
      ? Date.parse((JSON.parse(imported) as { completedAt?: string }).completedAt ?? '')
      : NaN;
    const since = lastSeen ?? (Number.isFinite(importedAt) ? importedAt : undefined);
    if (since === undefined) {
      // Nothing known about when we were last in step: read the whole source again.
      await this.importRunner.run(source);
      return;
    }
    const result = await reconcileSince({
      conn: this.options.conn,
      source,
      fields,
      describe: await this.describes.describe(object),
      accountDescribe: object === 'Contact' ? await this.describes.describe('Account') : undefined,
      mirror: this.mirror,
      since: new Date(since),
      now: new Date(),
      logger: this.options.logger,
    });
    for (const record of result.removed) await this.ledger.forget(record.id);
    if (result.removed.length > 0)
      await this.refresher.evaluate(this.config.audiences, result.removed, { removed: true });
    if (result.changed.length > 0)
      await this.enqueue(
        object,
        result.changed.map((r) => r.id),
      );
  }

  private async reconcileAll(): Promise<void> {
    for (const object of new Set(this.config.sources.map((s) => s.object))) await this.reconcile(object);
  }

  private async emitMembership(events: MembershipEvent[]): Promise<void> {
    const queue = this.queues.queue<MembershipEvent>('membership');
    await queue.addBulk(
      events.map((event) => ({ name: event.kind, data: event, opts: { jobId: `${event.kind}-${event.episodeKey}` } })),
    );
    await this.enrichment.onMembership(events); // enrichment-runs hook
    this.membershipEvents.push(...events);
    if (this.membershipEvents.length > 10_000) this.membershipEvents.splice(0, this.membershipEvents.length - 10_000);
    await this.options.onMembership?.(events);
  }

  private firstApiUsage: number | undefined;

  private observeLimits(conn: Connection): void {
    const usage = conn.limitInfo?.apiUsage;
    if (!usage) return;
    this.firstApiUsage ??= usage.used;
    this.governor.observe(`api-usage=${usage.used}/${usage.limit}`);
  }

  /** API calls the org counted since this process first saw its usage (the org's own counter, all clients). */
  apiCallsUsed(): number | undefined {
    const usage = this.options.conn.limitInfo?.apiUsage;
    return usage && this.firstApiUsage !== undefined ? usage.used - this.firstApiUsage : undefined;
  }
}
