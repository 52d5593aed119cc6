import type { LeaseTimings, Role } from '../env/role-setting';
import { createGracefulShutdown } from '../queues/graceful-shutdown';
import { createBudgetGate, type BudgetGate } from '../salesforce/budget/budget-gate';
import { StreamLease } from '../salesforce/stream/stream-lease';
import { RedisLease, type LeaseStatus } from '../state/redis-lease';
import type { Loop } from './compose';
import { ConfigFollower } from './config-follower';
import { catchUpUnacknowledgedStart } from './first-start-catch-up';

export interface RoleRuntimeOptions {
  roles: readonly Role[];
  lease: LeaseTimings;
  /** Slow safety poll of the configuration by the stream leader (ms; default the loop's, else 5 minutes). */
  configPollMs?: number;
}

/** What /readyz shows of the roles: the roles, and who holds each lease this process competes for. */
export interface RoleStatus {
  roles: Role[];
  stream?: LeaseStatus;
  scheduler?: LeaseStatus;
}

/**
 * Starts the parts of the composed loop that this process's roles own (docs/deploy.md):
 * - `worker`: the intake drainer and the queue workers (enrichment, actions, signals, warehouse imports), member counts;
 * - `stream`: behind the stream lease, the CDC subscriber (replay-id commits fenced by the lease's token), the
 *   command channels, the configuration's safety poll, and the pending imports of a fresh start;
 * - `scheduler`: behind its own lease, the job schedulers and the dead-letter sweep;
 * - `api`: nothing to start here (main.ts serves HTTP); every process loads the configuration and keeps it in step
 *   with the stream leader's.
 * `start()` resolves once the first lease attempts are settled: a process that took the stream lease has also run
 * its pending imports (a single-process start reads as before), a stand-by goes on waiting in the background.
 */
export class RoleRuntime {
  readonly streamLease: StreamLease | undefined;
  readonly schedulerLease: RedisLease | undefined;
  private readonly follower: ConfigFollower;
  private gate: BudgetGate | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private importing: Promise<void> = Promise.resolve();
  private catchingUp: Promise<void> = Promise.resolve();
  private workersStarted = false;
  /** Set once start() resolved: the loop reached the org and loaded its configuration. */
  started = false;
  private readonly firstLead: Promise<void>;
  private firstLeadDone: () => void = () => undefined;

  constructor(
    readonly loop: Loop,
    private readonly options: RoleRuntimeOptions,
  ) {
    const { redis, logger } = loop.deps;
    this.firstLead = new Promise((resolve) => (this.firstLeadDone = resolve));
    this.follower = new ConfigFollower({
      redis,
      keys: loop.keys,
      logger: logger.child({ component: 'config-follower' }),
      leads: () => this.leadsStream(),
      reload: async () => {
        await loop.config.load();
        await loop.enrichment.reload();
      },
    });
    if (this.has('stream')) {
      this.streamLease = new StreamLease({
        redis,
        keys: loop.keys,
        logger,
        ...options.lease,
        onAcquired: (fence) => this.followStream(fence),
        onLost: () => this.unfollowStream(),
      });
      // A commit refused by the fence means a newer leader exists: step down now, not at the next renewal.
      loop.replayStore.onFencedOut(() => void this.streamLease?.relinquish('a newer leader holds the stream'));
    }
    if (this.has('scheduler')) {
      this.schedulerLease = new RedisLease({
        redis,
        key: loop.keys.schedulerLease(),
        label: 'scheduler',
        logger,
        ...options.lease,
        onAcquired: () => this.keepSchedules(),
        onLost: () => this.dropSchedules(),
      });
    }
  }

  get roles(): readonly Role[] {
    return this.options.roles;
  }

  has(role: Role): boolean {
    return this.options.roles.includes(role);
  }

  /** Whether this process follows the CDC stream now (holds the stream lease). */
  leadsStream(): boolean {
    return this.streamLease?.isLeader() ?? false;
  }

  /**
   * Resolves once this process has first led the stream and run its pending imports (a stand-by: after it took
   * over). main.ts prints "Following changes" then, as a single process always did after its start.
   */
  ledOnce(): Promise<void> {
    return this.firstLead;
  }

  async status(): Promise<RoleStatus> {
    const status: RoleStatus = { roles: [...this.options.roles] };
    if (this.streamLease) status.stream = await this.streamLease.status();
    if (this.schedulerLease) status.scheduler = await this.schedulerLease.status();
    return status;
  }

  async start(): Promise<void> {
    const { loop } = this;
    // Schedulers belong to the scheduler lease's holder; until this process holds it, loads leave them alone.
    loop.schedules.owned = false;
    loop.integrationUserId = (await loop.deps.org.identity()).userId;
    await loop.apiUsage.start();
    await this.follower.before();
    loop.config.onLoaded(async () => {
      if (this.leadsStream()) await this.follower.announce();
    });
    await loop.config.load();
    if (this.has('worker')) {
      await loop.enrichment.start();
      await loop.drainer.start();
      loop.drainerStarted = true;
      await loop.actions.start();
      loop.signals.jobs.start();
      loop.warehouse?.start();
      loop.prospects.start();
      this.gate = createBudgetGate(loop.governor, loop.queues.queues(), loop.deps.logger);
      loop.memberCounts.start();
      this.workersStarted = true;
    } else {
      await loop.enrichment.start({ workers: false });
    }
    this.follower.start();
    this.schedulerLease?.start();
    if (this.streamLease) {
      this.streamLease.start();
      await this.streamLease.settled();
      // The first holder's imports run before start() resolves (as a single process always did).
      if (this.leadsStream()) await this.importing;
    }
    this.started = true;
  }

  async stop(): Promise<void> {
    const { loop } = this;
    await this.schedulerLease?.stop();
    // Releases the lease (a stand-by takes over at once) after the subscriber stopped and stored its replay id.
    await this.streamLease?.stop();
    await this.follower.stop();
    loop.importRunner.stop();
    await loop.reloader.stop();
    await this.importing.catch(() => undefined);
    if (this.workersStarted) {
      await loop.drainer.stop();
      loop.drainerStarted = false;
      await loop.enrichment.stop();
      await loop.signals.jobs.stop();
      await loop.warehouse?.stop();
      await loop.prospects.stop();
      await loop.actions.stop();
      await loop.memberCounts.stop();
    }
    await loop.writer.flush();
    this.gate?.close();
    await createGracefulShutdown({ resources: loop.queues, logger: loop.deps.logger }).shutdown('loop stopped');
  }

  /** The stream lease was taken: follow the stream from the stored replay id, with commits under `fence`. */
  private async followStream(fence: number): Promise<void> {
    const { loop } = this;
    loop.replayStore.fenceWith(fence);
    // No stored replay id: the stream starts from new events (-1), so whatever changed since an earlier run
    // stopped (before any event of it was committed) is only found by reconciling the sources already imported.
    const resumable = (await loop.replayStore.get()) !== undefined;
    const subscribedAt = Date.now();
    await loop.subscriber.start();
    // Over Pub/Sub `live()` is only the request sent: the changes made before the stream answers are reconciled then.
    this.catchingUp = catchUpUnacknowledgedStart(loop, resumable, subscribedAt);
    // The stream leader reconciles after a Redis Cluster failover (one process, like the stream itself).
    loop.failoverWatch.start();
    loop.commands.start();
    const pollMs = this.options.configPollMs ?? loop.settings.configPollMs ?? 5 * 60_000;
    this.pollTimer = setInterval(() => void loop.reloader.request('safety poll'), pollMs);
    this.pollTimer.unref();
    // Not awaited: the lease renews between ticks, and an import may take minutes. From new events (-1), the
    // imports read only once the subscription is acknowledged: a change committed in between would be in neither
    // the import's read (made before it) nor the stream (not yet subscribed).
    this.importing = (resumable ? Promise.resolve() : loop.subscriber.live())
      .then(() =>
        loop.importRunner.runPending(
          loop.config.current.sources,
          resumable ? undefined : (source) => loop.reconciler.reconcile(source.object),
        ),
      )
      .catch((error: unknown) => loop.deps.logger.error({ err: error }, 'pending imports failed'))
      .finally(() => this.firstLeadDone());
  }

  private async unfollowStream(): Promise<void> {
    clearInterval(this.pollTimer);
    await this.loop.failoverWatch.stop();
    this.loop.commands.stop();
    await this.loop.subscriber.stop();
    await this.catchingUp;
  }

  private async keepSchedules(): Promise<void> {
    const { loop } = this;
    loop.schedules.owned = true;
    loop.deadLetters.start();
    // In the background: syncing reads the plans from the org, and the lease renews between ticks.
    void loop.schedules
      .sync()
      .catch((error: unknown) => loop.deps.logger.error({ err: error }, 'could not sync the job schedulers'));
  }

  private async dropSchedules(): Promise<void> {
    this.loop.schedules.owned = false;
    await this.loop.deadLetters.stop();
  }
}
