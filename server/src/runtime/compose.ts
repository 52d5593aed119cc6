import type { RedisClient as Redis } from '../state/redis';
import type { AudienceCommand } from '../commands/audience-command';
import { CommandRefusals } from '../commands/command-refusals';
import { createCommandRouter } from '../commands/command-router';
import { ConfigReloader } from '../commands/config-reloader';
import { RecordRequestLimit } from '../commands/record-request-limit';
import type { ReloadTimer } from '../commands/reload-timer';
import { ConfigLoader } from '../config/config-loader';
import type { RecordObject } from '../domain/mirror-record';
import type { Logger } from '../lib/logger';
import { createProgressReporter, type ProgressReporter } from '../lib/progress-reporter';
import { ActionCircuits, type ActionCircuitOptions } from '../pipeline/action/action-circuits';
import { ActionConfigCheck } from '../pipeline/action/action-config-check';
import { ActionLog } from '../pipeline/action/action-log';
import { createActionRegistry, type ActionRegistry } from '../pipeline/action/action-registry';
import { ActionStep } from '../pipeline/action/action-step';
import type { ActionTarget } from '../pipeline/action/action-target';
import { ApplicationRunner } from '../pipeline/action/application-runner';
import { ApplicationStateStore } from '../pipeline/action/application-state';
import { CampaignTarget } from '../pipeline/action/targets/campaign/campaign-target';
import { TaskTarget } from '../pipeline/action/targets/task/task-target';
import { WriteLedger } from '../pipeline/export';
import type { EnrichmentRunner } from '../pipeline/enrich/runs/enrichment-runner';
import type { ExclusiveRecords } from '../pipeline/enrich/runs/runner-deps';
import { createRuntimeEnrichmentRunner, type EnrichmentHookOptions } from '../pipeline/enrich/runs/runtime-enrichment';
import { ImportRunner } from '../pipeline/import/import-runner';
import { ChangeIntake } from '../pipeline/import/intake/change-intake';
import { DeadLetterStore } from '../pipeline/import/intake/dead-letter-store';
import { DeadLetters, handlerDeadLetter, invalidIdsDeadLetter } from '../pipeline/import/intake/dead-letters';
import { drainIntake } from '../pipeline/import/intake/drain-intake';
import { IntakeBuffer } from '../pipeline/import/intake/intake-buffer';
import { IntakeDrainer } from '../pipeline/import/intake/intake-drainer';
import { ObjectReconciler } from '../pipeline/import/intake/object-reconciler';
import { FailoverWatch } from '../state/failover-watch';
import { processIntakeBatch } from '../pipeline/import/intake/process-intake-batch';
import { RecordRereader } from '../pipeline/import/intake/record-rereader';
import { SourceChangeApplier } from '../pipeline/import/source-change-applier';
import { MirrorStore } from '../pipeline/import/mirror-store';
import { LiveConfig } from '../pipeline/live-config';
import { LoopObservers } from '../pipeline/loop-observers';
import { LoopStats } from '../pipeline/loop-stats';
import { MembershipFanout } from '../pipeline/membership-fanout';
import { RecordRefresher } from '../pipeline/refresh-records';
import { MemberCountUpdater } from '../pipeline/segments/membership/member-count-updater';
import type { MembershipEvent } from '../pipeline/segments/membership/membership-event';
import { MembershipService } from '../pipeline/segments/membership/membership-service';
import { MembershipSeeder } from '../pipeline/segments/membership/membership-seeder';
import { MembershipStore } from '../pipeline/segments/membership/membership-store';
import { createQueueFactory, type QueueFactory } from '../queues/queue-factory';
import { ApiBudgetGovernor } from '../salesforce/budget/api-budget-governor';
import { ApiUsageObserver } from '../salesforce/budget/api-usage-observer';
import type { OrgClient } from '../salesforce/org-client';
import { DescribeCache } from '../salesforce/schema/describe-cache';
import { CDC_CHANNEL, CdcSubscriber } from '../salesforce/stream/cdc-subscriber';
import { CommandSubscriber } from '../salesforce/stream/command-subscriber';
import { PubSubTransport } from '../salesforce/stream/pubsub-transport';
import { ReplayStore } from '../salesforce/stream/replay-store';
import { CoalescingWriter } from '../salesforce/writers/coalescing-writer';
import { CollectionsClient } from '../salesforce/writers/collections-client';
import { BulkSaver, type BulkSaverOptions } from '../salesforce/bulk/bulk-saver';
import { KeySpace } from '../state/key-space';
import { SignalJobRouter } from '../signals/signal-jobs';
import { SignalSinkSlot } from '../signals/signal-sink-slot';
import { SignalFirer } from '../signals/signal-firer';
import { FieldThresholdWatcher, type ThresholdJob } from '../signals/field-threshold-watcher';
import type { SignalNotifyJob } from '../signals/signal-firing';
import { EnrichedWrites } from '../pipeline/enrich/runs/enriched-writes';
import { RunRecordWriter } from '../pipeline/runs/run-record-writer';
import { JobChangeDetector } from '../signals/detectors/job-change-detector';
import { EnrichedOpenRolesWriter } from '../signals/detectors/open-roles-writer';
import { createScheduledDetectors, type ScheduledDetectorSettings } from '../signals/detectors/scheduled-detectors';
import type { WarehouseSourceConfig } from '../config/warehouse-source';
import type { WarehouseConnections } from '../env/warehouse-connections';
import { WarehouseImports } from '../pipeline/import/warehouse/warehouse-imports';
import type { WarehouseImportReport } from '../pipeline/import/warehouse/warehouse-importer';
import { WarehouseReaders } from '../pipeline/import/warehouse/warehouse-readers';
import { WatermarkStore } from '../pipeline/import/warehouse/watermark-store';
import type { ProspectSourceConfig } from '../config/prospect-source';
import { prospectProvidersFrom } from '../pipeline/prospects/prospect-providers';
import { ProspectSearches, type ProspectSearchReport } from '../pipeline/prospects/prospect-searches';

/** BULK_WRITE_THRESHOLD's default, for loops built without it (scripts, tests). */
const DEFAULT_BULK_WRITE_THRESHOLD = 10_000;

/** What the loop is built from: the org, Redis and a logger, made by the caller (main, a script, a test). */
export interface LoopDeps {
  org: OrgClient;
  redis: Redis;
  logger: Logger;
}

/** How the loop is tuned; every field but the first four has a production default. */
export interface LoopSettings {
  prefix: string;
  bulkThreshold: number;
  /**
   * Imports of more than `threshold` records (default 10,000, BULK_WRITE_THRESHOLD) write through Bulk API 2.0
   * ingest jobs; the rest tunes the pages and jobs (tests).
   */
  bulkWrites?: {
    threshold?: number;
    pageSize?: number;
    pagesPerJob?: number;
    saver?: BulkSaverOptions;
  };
  defaultRegion: string;
  budget: { pauseAt: number; stopAt: number };
  /** Per-record debounce of change events (ms). */
  debounceMs?: number;
  /** The wait of a record's first pending change (ms; default 0: a lone edit is processed at once). */
  firstDebounceMs?: number;
  /** A record edited non-stop is processed at the latest this long after its first pending change (ms). */
  maxDebounceMs?: number;
  /** Slow safety poll of the config objects, in case a RELOAD_CONFIG was missed (ms). */
  configPollMs?: number;
  /** RELOAD_CONFIG pacing: quiet time before a reload, shortest gap between two, and the clock (tests). */
  reload?: { settleMs?: number; minIntervalMs?: number; timer?: ReloadTimer };
  /** Intake batches processed at the same time, and records per batch. */
  intakeConcurrency?: number;
  intakeBatchSize?: number;
  /** Longest a write waits for companions before its Collections request goes (ms; default 500). */
  writerMaxWaitMs?: number;
  /** How often paused background work asks /limits whether it may resume (ms; default 5 s). */
  budgetPollMs?: number;
  /** How often an import writes its counts to its run record (ms; default IMPORT_PROGRESS_INTERVAL_MS). */
  importProgressMs?: number;
  progress?: ProgressReporter;
  /** Paid enrichment: provider environment, clock, test tuning. */
  enrichment?: EnrichmentHookOptions;
  /** Record requests (Enrich now) one requester may make in any hour (default 60). */
  recordRequestsPerHour?: number;
  /** How change events arrive (CDC_TRANSPORT): CometD (default) or the Pub/Sub API (endpoint: Salesforce's unless given). */
  cdcTransport?: { kind: 'cometd' } | { kind: 'pubsub'; endpoint?: string; rejectUnauthorized?: boolean };
  /** Attempts per change event before it is dead-lettered, and the delays between them (tests shorten them). */
  poison?: { maxAttempts?: number; backoff?: { initialMs?: number; maxMs?: number } };
  /** How often dead letters are retried by themselves (ms; default 10 minutes). */
  deadLetterSweepMs?: number;
  /** On a Redis Cluster, how often the master of our slot is read to notice a failover (ms; default 2 s). */
  failoverPollMs?: number;
  /** Actions: targets beyond the native ones (built from the environment by the caller), test seams. */
  actions?: {
    targets?: ActionTarget[];
    /** Runs after a target answered, before the answer is recorded (tests: a crash right there). */
    afterTargetCall?: (key: string) => Promise<void>;
    /** Runs once an application's log is Pending, before its target is called (tests: a crash right there). */
    beforeTargetCall?: (key: string) => Promise<void>;
    /** Runs once a new apply holds its episode, before its Pending row is created (tests: a crash right there). */
    beforePendingRow?: (key: string) => Promise<void>;
    concurrency?: number;
    /** How long a dead worker's membership job and episode locks hold before another worker takes over (ms). */
    lockMs?: number;
    /** The targets' circuits: threshold, cool-down, clock. */
    circuits?: ActionCircuitOptions;
  };
  /** Scheduled signal detectors: job boards, funding feed (from the environment), test seams. */
  signalDetectors?: ScheduledDetectorSettings;
  /** Warehouse sources (Postgres): connections from the environment; without this they are not loaded. */
  warehouse?: {
    connections: WarehouseConnections;
    statementTimeoutMs?: number;
    schedulePattern?: (source: WarehouseSourceConfig) => string;
    onFinished?: (report: WarehouseImportReport) => void;
  };
  /** Prospect search sources (PDL, Apollo): their keys' environment (default: the enrichment's, else process.env). */
  prospects?: {
    environment?: Readonly<Record<string, string | undefined>>;
    schedulePattern?: (source: ProspectSourceConfig) => string;
    onFinished?: (report: ProspectSearchReport) => void;
  };
}

/** The signal parts every detector and notifier plugs into. */
export interface SignalServices {
  readonly jobs: SignalJobRouter;
  /** Where detectors, the threshold watcher and the webhook route hand their firings (the firer attaches here). */
  readonly sink: SignalSinkSlot;
}

/** The loop's object graph: every part built once, wired to its collaborators, nothing started. */
export interface Loop {
  readonly settings: LoopSettings;
  readonly deps: LoopDeps;
  readonly stats: LoopStats;
  /** What the loop did, for whoever watches (the sandbox's narration, tests). */
  readonly observers: LoopObservers;
  readonly keys: KeySpace;
  readonly config: LiveConfig;
  readonly describes: DescribeCache;
  readonly governor: ApiBudgetGovernor;
  readonly apiUsage: ApiUsageObserver;
  readonly mirror: MirrorStore;
  readonly ledger: WriteLedger;
  readonly writer: CoalescingWriter;
  readonly membershipStore: MembershipStore;
  readonly membership: MembershipService;
  readonly memberCounts: MemberCountUpdater;
  readonly fanout: MembershipFanout;
  readonly refresher: RecordRefresher;
  readonly queues: QueueFactory;
  readonly importRunner: ImportRunner;
  readonly intakeBuffer: IntakeBuffer;
  readonly drainer: IntakeDrainer;
  readonly rereader: RecordRereader;
  readonly reconciler: ObjectReconciler;
  /** On a Redis Cluster: reconciles after the master of our slot changed (acknowledged writes may be lost). */
  readonly failoverWatch: FailoverWatch;
  readonly intake: ChangeIntake;
  /** Change events the stream gave up on (poison, or entries that are not record ids). */
  readonly deadLetters: DeadLetters;
  readonly replayStore: ReplayStore;
  readonly subscriber: CdcSubscriber;
  readonly commands: CommandSubscriber;
  readonly reloader: ConfigReloader;
  readonly handleCommand: (command: AudienceCommand) => Promise<void>;
  /** Commands refused since the start, by reason (for /metrics). */
  readonly commandRefusals: CommandRefusals;
  readonly enrichment: EnrichmentRunner;
  /** The action types this process runs, and the action step (the `membership` queue's worker). */
  readonly actionRegistry: ActionRegistry;
  readonly actions: ActionStep;
  /** A circuit per action target, shared in Redis (for /readyz and /metrics). */
  readonly actionCircuits: ActionCircuits;
  /** Signals: the one worker of the `signals` queue, where detectors, Slack and Enrol register their jobs. */
  readonly signals: SignalServices;
  /**
   * Job schedulers (enrichment runs, signal detectors): whether this process keeps them (the `scheduler` lease;
   * always in a single-process loop), and a sync that brings them in line with the loaded configuration.
   */
  readonly schedules: { owned: boolean; sync(): Promise<void> };
  /** Warehouse sources' runs (scheduled and RUN_IMPORT), when the settings name warehouse connections. */
  readonly warehouse: WarehouseImports | undefined;
  /** Prospect search sources' runs (scheduled and RUN_IMPORT) and estimates (ESTIMATE_RUN). */
  readonly prospects: ProspectSearches;
  /** The integration user's id, known once the loop has started. */
  integrationUserId: string;
  /** Whether the intake drainer runs (before it does, work needs no exclusion from intake batches). */
  drainerStarted: boolean;
  /** Waits until no record waits in the intake or is being processed, and the writer has sent everything. */
  drain(timeoutMs?: number): Promise<void>;
  streamState(): ReturnType<CdcSubscriber['state']>;
}

/**
 * The composition root: builds the loop's object graph once, for `main.ts`, every script and the e2e harness.
 * Nothing here talks to Salesforce or Redis yet; `LoopRuntime` starts the parts in an order that loses nothing.
 */
export function composeLoop(deps: LoopDeps, settings: LoopSettings): Loop {
  const { org, redis, logger } = deps;
  const schedules: Loop['schedules'] = {
    owned: true,
    sync: async () => {
      await enrichment.reload();
      await detectors.sync(config.current.signalRules);
      await warehouse?.sync(config.current.warehouseSources ?? []);
      await prospects.sync(config.current.prospectSources ?? []);
    },
  };
  const stats = new LoopStats();
  const observers = new LoopObservers();
  const keys = new KeySpace(settings.prefix);
  const describes = new DescribeCache(org.connection);
  const governor = new ApiBudgetGovernor({ pauseAt: settings.budget.pauseAt, stopAt: settings.budget.stopAt });
  const apiUsage = new ApiUsageObserver(org, governor);
  const collections = (component: string) =>
    new CollectionsClient(org, { logger: logger.child({ component }), onRequest: () => apiUsage.observe() });
  // Native actions need only the org; the others come with their environment (settings.actions.targets).
  const actionRegistry = createActionRegistry([
    new CampaignTarget(org, collections('campaign-members')),
    new TaskTarget(org, collections('task-actions')),
    ...(settings.actions?.targets ?? []),
  ]);
  const warehouseReaders = settings.warehouse
    ? new WarehouseReaders({
        connections: settings.warehouse.connections,
        ...(settings.warehouse.statementTimeoutMs !== undefined && {
          statementTimeoutMs: settings.warehouse.statementTimeoutMs,
        }),
      })
    : undefined;
  const prospectProviders = prospectProvidersFrom(
    settings.prospects?.environment ?? settings.enrichment?.environment ?? process.env,
  );
  const config = new LiveConfig(
    new ConfigLoader(
      org,
      collections('config'),
      describes,
      logger.child({ component: 'config' }),
      new ActionConfigCheck(actionRegistry),
      warehouseReaders,
      { problem: (prospect) => prospectProviders.problem(prospect.provider) },
    ),
    describes,
    logger,
  );
  const mirror = new MirrorStore(redis, keys);
  const ledger = new WriteLedger(redis, { prefix: settings.prefix });
  const writer = new CoalescingWriter(org, {
    maxWaitMs: settings.writerMaxWaitMs,
    logger: logger.child({ component: 'writer' }),
    onRequest: () => apiUsage.observe(),
  });
  const membershipStore = new MembershipStore(redis, keys);
  const seeder = new MembershipSeeder(org, membershipStore, redis, keys);
  const membership = new MembershipService(collections('membership'), membershipStore, logger, undefined, (ids) =>
    seeder.ensure(ids),
  );
  const memberCounts = new MemberCountUpdater(
    collections('member-counts'),
    membership,
    membershipStore,
    () => config.current.audiences,
    logger,
  );
  const queues = createQueueFactory({ connection: redis, prefix: settings.prefix, logger });
  const fanout = new MembershipFanout(queues.queue<MembershipEvent>('membership'), config);
  const refresher = new RecordRefresher({
    mirror,
    ledger,
    writer,
    describes,
    membership,
    stats,
    logger,
    config: () => config.current,
    defaultRegion: settings.defaultRegion,
    onMembership: (events) => fanout.emit(events),
    // At API_BUDGET_STOP the plans' changes become `budget` skips and their records wait for the budget.
    writesAllowed: (work) => governor.allows(work),
    observers,
  });
  const intakeBuffer = new IntakeBuffer(redis, {
    prefix: settings.prefix,
    windowMs: settings.debounceMs,
    firstWindowMs: settings.firstDebounceMs ?? 0,
    maxWaitMs: settings.maxDebounceMs,
  });
  const drainer = new IntakeDrainer({
    buffer: intakeBuffer,
    process: (object, ids) => processIntakeBatch({ mirror, refresher }, object, ids),
    logger: logger.child({ component: 'intake' }),
    // Out of API budget: changes wait in Redis (with their debounce) until the budget allows writes again.
    paused: () => governor.state === 'stopped',
    onGivenUp: (entries) => {
      for (const entry of entries) {
        stats.addFailure(entry.recordId, 'RETRIES_EXHAUSTED', 'the write kept failing; see earlier warnings');
      }
    },
    batchSize: settings.intakeBatchSize,
    concurrency: settings.intakeConcurrency,
  });
  // A page or an enrichment and an intake batch never process the same record at once (IntakeDrainer.exclusive).
  const exclusive: ExclusiveRecords = (object, ids, work) =>
    loop.drainerStarted ? drainer.exclusive(object, ids, work) : work(ids);
  // An import page just stored its records: one a batch holds is queued again, to be processed on the page's copy.
  const importExclusive: ExclusiveRecords = (object, ids, work) =>
    loop.drainerStarted ? drainer.exclusive(object, ids, work, { requeueBusy: true }) : work(ids);
  const importRunner = new ImportRunner({
    org,
    redis,
    keys,
    mirror,
    describes,
    refresher,
    governor,
    collections: collections('import-runs'),
    stats,
    logger,
    bulkThreshold: settings.bulkThreshold,
    bulkWrites: {
      threshold: settings.bulkWrites?.threshold ?? DEFAULT_BULK_WRITE_THRESHOLD,
      saver: new BulkSaver(org, collections('bulk-writes'), {
        logger: logger.child({ component: 'bulk-writes' }),
        onRequest: () => apiUsage.observe(),
        ...settings.bulkWrites?.saver,
      }),
      pageSize: settings.bulkWrites?.pageSize,
      pagesPerJob: settings.bulkWrites?.pagesPerJob,
    },
    progress: settings.progress ?? createProgressReporter(),
    fieldSet: (object) => config.fieldSet(object),
    budgetPollMs: settings.budgetPollMs,
    progressIntervalMs: settings.importProgressMs,
    exclusive: importExclusive,
  });
  // Bulk re-reads (reconciliations) wait behind the stream's changes: a rep's edit never queues behind thousands.
  const enqueue = (object: RecordObject, recordIds: string[], reason: 'cdc' | 'gap' | 'reconcile' = 'cdc') =>
    intakeBuffer.enqueue(
      recordIds.map((recordId) => ({ object, recordId })),
      reason === 'reconcile' ? 'background' : 'changes',
    );
  const replayStore = new ReplayStore(redis, keys, CDC_CHANNEL);
  const rereader = new RecordRereader(org, describes, config, mirror);
  const reconciler = new ObjectReconciler({
    org,
    describes,
    config,
    mirror,
    ledger,
    refresher,
    replayStore,
    importRunner,
    enqueue,
    logger,
  });
  const deadLetters: DeadLetters = new DeadLetters({
    store: new DeadLetterStore(redis, keys),
    // A retried dead letter stores no replay id: its echo, if it is one, goes to the mirror now.
    handle: async (event) => {
      await intake.handle(event);
      await intake.flushEchoes();
    },
    stats,
    logger: logger.child({ component: 'dead-letters' }),
    sweepMs: settings.deadLetterSweepMs,
  });
  // Built before the parts that fire (the threshold watcher in the intake); the firer attaches further down.
  const signalSink = new SignalSinkSlot();
  const thresholds = new FieldThresholdWatcher({
    config: () => config.current,
    sink: signalSink,
    queue: queues.queue<ThresholdJob>('signals'),
    logger: logger.child({ component: 'signals' }),
  });
  const intake = new ChangeIntake({
    mirror,
    ledger,
    stats,
    logger,
    config: () => config.current,
    integrationUserId: () => loop.integrationUserId,
    mirroredFields: (object) => config.mirroredFields(object),
    enqueue,
    reread: (source, ids) => rereader.reread(source, ids),
    reconcile: (object) => reconciler.reconcile(object),
    removed: (records) => refresher.evaluate(config.current.audiences, records, { removed: true }),
    observers,
    rejectRecordIds: (event, invalid) => deadLetters.record(invalidIdsDeadLetter(event, invalid)),
    thresholds,
  });
  const enrichment = createRuntimeEnrichmentRunner(
    {
      org,
      statuses: collections('enrichment-plans'),
      redis,
      prefix: settings.prefix,
      keys,
      mirror,
      describes,
      refresher,
      queues,
      logger: logger.child({ component: 'enrichment' }),
      defaultRegion: settings.defaultRegion,
      exclusive,
      ownsSchedules: () => schedules.owned,
    },
    settings.enrichment,
  );
  fanout.listen((events) => enrichment.onMembership(events));
  const reloader = new ConfigReloader({
    config,
    enrichment,
    imports: importRunner,
    mirror,
    refresher,
    sources: new SourceChangeApplier({ org, describes, mirror, ledger, refresher, imports: importRunner, logger }),
    logger,
    ...settings.reload,
  });
  const warehouse = warehouseReaders
    ? new WarehouseImports({
        importDeps: () => ({
          org,
          collections: collections('warehouse-import'),
          describes,
          writer,
          ledger,
          logger: logger.child({ component: 'warehouse-import' }),
          defaultRegion: settings.defaultRegion,
          readers: warehouseReaders,
          watermarks: new WatermarkStore(redis, settings.prefix, org, logger.child({ component: 'watermarks' })),
          matchIndex: { redis, prefix: settings.prefix },
          progress: settings.progress ?? createProgressReporter(),
        }),
        queues,
        sources: () => config.current.warehouseSources ?? [],
        ownsSchedules: () => schedules.owned,
        logger: logger.child({ component: 'warehouse-import' }),
        ...(settings.warehouse?.schedulePattern && { schedulePattern: settings.warehouse.schedulePattern }),
        ...(settings.warehouse?.onFinished && { onFinished: settings.warehouse.onFinished }),
      })
    : undefined;
  const prospects = new ProspectSearches({
    runDeps: () => ({
      org,
      redis,
      prefix: settings.prefix,
      // The enrichment's ledger: prospect credits count against the same months and budgets.
      ledger: enrichment.services.credits,
      logger: logger.child({ component: 'prospects' }),
    }),
    providers: prospectProviders,
    queues,
    sources: () => config.current.prospectSources ?? [],
    ownsSchedules: () => schedules.owned,
    logger: logger.child({ component: 'prospects' }),
    ...(settings.prospects?.schedulePattern && { schedulePattern: settings.prospects.schedulePattern }),
    ...(settings.prospects?.onFinished && { onFinished: settings.prospects.onFinished }),
  });
  // Only the schedulers' owner keeps them in line with each load (sync checks it; the owner syncs on taking over).
  if (warehouse) config.onLoaded(async (loaded) => void (await warehouse.sync(loaded.warehouseSources ?? [])));
  config.onLoaded(async (loaded) => void (await prospects.sync(loaded.prospectSources ?? [])));
  const commandRefusals = new CommandRefusals();
  const handleCommand = createCommandRouter({
    org,
    config,
    reloader,
    imports: importRunner,
    warehouse,
    prospects,
    rereader,
    mirror,
    refresher,
    enrichment,
    recordRequests: new RecordRequestLimit(redis, keys, { perHour: settings.recordRequestsPerHour ?? 60 }),
    refusals: commandRefusals,
    integrationUserId: () => loop.integrationUserId,
    logger: logger.child({ component: 'commands' }),
  });
  const transportSettings = settings.cdcTransport;
  const pubSubTransport = (component: string): PubSubTransport | undefined =>
    transportSettings?.kind === 'pubsub'
      ? new PubSubTransport({
          conn: org.connection,
          endpoint: transportSettings.endpoint,
          rejectUnauthorized: transportSettings.rejectUnauthorized,
          logger: logger.child({ component }),
        })
      : undefined;
  const subscriber = new CdcSubscriber({
    conn: org.connection,
    channel: CDC_CHANNEL,
    replayStore,
    handler: (event) => intake.handle(event),
    beforeCommit: () => intake.flushEchoes(),
    onReplayInvalid: () => reconciler.reconcileAll(),
    onPoison: (event, failure) => deadLetters.record(handlerDeadLetter(event, failure)),
    onMalformed: () => {
      stats.malformedEvents += 1;
    },
    poison: settings.poison,
    logger: logger.child({ component: 'cdc' }),
    transport: pubSubTransport('cdc'),
  });
  // Commands and record requests follow the change channel's transport.
  const commands = new CommandSubscriber(
    org,
    handleCommand,
    logger.child({ component: 'commands' }),
    pubSubTransport('commands'),
  );
  const failoverWatch = new FailoverWatch({
    redis,
    key: keys.replayId(CDC_CHANNEL),
    logger: logger.child({ component: 'failover-watch' }),
    onFailover: () => reconciler.reconcileAll(),
    pollMs: settings.failoverPollMs,
  });
  const actions = new ActionStep({
    queues,
    config,
    mirror,
    membershipStore,
    redis,
    keys,
    logger: logger.child({ component: 'actions' }),
    concurrency: settings.actions?.concurrency,
    lockMs: settings.actions?.lockMs,
  });
  const actionCircuits = new ActionCircuits(
    redis,
    settings.prefix,
    () => config.current.actions,
    settings.actions?.circuits,
  );
  actions.attach(
    new ApplicationRunner({
      registry: actionRegistry,
      states: new ApplicationStateStore(redis, keys, { lockMs: settings.actions?.lockMs }),
      log: new ActionLog(org, collections('action-log')),
      governor,
      logger: logger.child({ component: 'actions' }),
      integrationUserId: () => loop.integrationUserId,
      schedulePoll: (planned, externalId, attempt) => actions.schedulePoll(planned, externalId, attempt),
      onOutcome: (outcome) => observers.acted(outcome),
      afterTargetCall: settings.actions?.afterTargetCall,
      beforeTargetCall: settings.actions?.beforeTargetCall,
      beforePendingRow: settings.actions?.beforePendingRow,
      circuits: actionCircuits,
    }),
  );
  const signals: SignalServices = {
    jobs: new SignalJobRouter({ queues, logger: logger.child({ component: 'signals' }) }),
    sink: signalSink,
  };
  // The firer: one Audience_Signal__c per event (by Key__c), its attributes written like bought values, Slack told.
  signals.sink.attach(
    new SignalFirer({
      collections: collections('signals'),
      writes: new EnrichedWrites({ mirror, refresher, exclusive }),
      mirror,
      notifications: queues.queue<SignalNotifyJob>('signals'),
      redis,
      keys,
      logger: logger.child({ component: 'signals' }),
    }),
  );
  // Thresholds crossed by our own writes (their change events are echoes the intake drops).
  observers.onWrites((writes) => void thresholds.queueOwnWrites(writes));
  signals.jobs.handle('threshold', (job) => thresholds.runJob(job.data));
  // Scheduled detectors (Hiring_Surge, Funding_Round, Job_Change): a `detect` job per active rule's scheduler,
  // the schedulers synced with the rules after every configuration load.
  const detectors = createScheduledDetectors(
    {
      org,
      redis,
      prefix: settings.prefix,
      queue: queues.queue('signals'),
      config: () => config.current,
      sink: signals.sink,
      governor,
      runs: new RunRecordWriter(org, logger.child({ component: 'signal-runs' })),
      openRoles: new EnrichedOpenRolesWriter(new EnrichedWrites({ mirror, refresher, exclusive })),
      logger: logger.child({ component: 'signal-detectors' }),
    },
    {
      ...settings.signalDetectors,
      extra: [
        new JobChangeDetector({
          org,
          providers: () => enrichment.providers,
          services: enrichment.services,
          policy: settings.enrichment?.policy,
        }),
        ...(settings.signalDetectors?.extra ?? []),
      ],
    },
  );
  signals.jobs.handle('detect', (job) => detectors.handle(job));
  config.onLoaded(async (loaded) => {
    if (schedules.owned) await detectors.sync(loaded.signalRules);
  });

  const loop: Loop = {
    schedules,
    settings,
    deps,
    stats,
    observers,
    keys,
    config,
    describes,
    governor,
    apiUsage,
    mirror,
    ledger,
    writer,
    membershipStore,
    membership,
    memberCounts,
    fanout,
    refresher,
    queues,
    importRunner,
    intakeBuffer,
    drainer,
    rereader,
    reconciler,
    failoverWatch,
    intake,
    deadLetters,
    replayStore,
    subscriber,
    commands,
    reloader,
    handleCommand,
    commandRefusals,
    enrichment,
    actionRegistry,
    actions,
    actionCircuits,
    signals,
    warehouse,
    prospects,
    integrationUserId: '',
    drainerStarted: false,
    drain: (timeoutMs) => drainIntake(intakeBuffer, writer, timeoutMs),
    streamState: () => subscriber.state(),
  };
  return loop;
}
