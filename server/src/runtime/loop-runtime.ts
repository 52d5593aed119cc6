import { createGracefulShutdown } from '../queues/graceful-shutdown';
import { createBudgetGate, type BudgetGate } from '../salesforce/budget/budget-gate';
import type { Loop } from './compose';
import { catchUpUnacknowledgedStart } from './first-start-catch-up';

/**
 * Starts and stops the composed loop. The start order loses nothing: the budget and the configuration are known
 * first, the intake drainer runs before the stream is followed, and the stream is followed — its subscription
 * acknowledged, when it starts from new events — before the imports read (a change made during an import is seen
 * either by the import or by the stream; over Pub/Sub, which acknowledges nothing, what changed before the stream
 * first answered is reconciled then). `stop()` takes it down in the reverse order, letting in-flight work
 * finish.
 */
export class LoopRuntime {
  private gate: BudgetGate | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private importing: Promise<void> = Promise.resolve();
  private catchingUp: Promise<void> = Promise.resolve();

  constructor(readonly loop: Loop) {}

  async start(options: { configPollMs?: number } = {}): Promise<void> {
    const { loop } = this;
    loop.integrationUserId = (await loop.deps.org.identity()).userId;
    await loop.apiUsage.start();
    await loop.config.load();
    await loop.enrichment.start();
    await loop.drainer.start();
    loop.drainerStarted = true;
    await loop.actions.start();
    loop.signals.jobs.start();
    loop.warehouse?.start();
    loop.prospects.start();
    this.gate = createBudgetGate(loop.governor, loop.queues.queues(), loop.deps.logger);
    // No stored replay id: the stream starts from new events (-1), so whatever changed since an earlier run
    // stopped (before any event of it was committed) is only found by reconciling the sources already imported.
    const resumable = (await loop.replayStore.get()) !== undefined;
    const subscribedAt = Date.now();
    await loop.subscriber.start();
    // Over Pub/Sub `live()` is only the request sent: the changes made before the stream answers are reconciled then.
    this.catchingUp = catchUpUnacknowledgedStart(loop, resumable, subscribedAt);
    // From new events (-1), the imports read only once the subscription is acknowledged: a change committed in
    // between would be in neither the import's read (made before it) nor the stream (not yet subscribed).
    if (!resumable) await loop.subscriber.live();
    loop.failoverWatch.start();
    loop.commands.start();
    loop.memberCounts.start();
    loop.deadLetters.start();
    const pollMs = options.configPollMs ?? loop.settings.configPollMs ?? 5 * 60_000;
    this.pollTimer = setInterval(() => void loop.reloader.request('safety poll'), pollMs);
    this.pollTimer.unref();
    this.importing = loop.importRunner.runPending(
      loop.config.current.sources,
      resumable ? undefined : (source) => loop.reconciler.reconcile(source.object),
    );
    await this.importing;
  }

  /** Resolves once a first start over Pub/Sub reconciled what changed before the stream answered (else at once). */
  caughtUp(): Promise<void> {
    return this.catchingUp;
  }

  async stop(): Promise<void> {
    const { loop } = this;
    clearInterval(this.pollTimer);
    await loop.deadLetters.stop();
    await loop.failoverWatch.stop();
    loop.commands.stop();
    await loop.subscriber.stop();
    loop.importRunner.stop();
    await loop.reloader.stop();
    await this.importing.catch(() => undefined);
    await this.catchingUp;
    await loop.drainer.stop();
    loop.drainerStarted = false;
    await loop.enrichment.stop();
    await loop.signals.jobs.stop();
    await loop.warehouse?.stop();
    await loop.prospects.stop();
    await loop.actions.stop();
    await loop.writer.flush();
    await loop.memberCounts.stop();
    this.gate?.close();
    await createGracefulShutdown({ resources: loop.queues, logger: loop.deps.logger }).shutdown('loop stopped');
  }
}
