import type { Connection } from 'jsforce';
import { StreamingExtension } from 'jsforce/api/streaming';
import type { Logger } from '../../lib/logger';
import { backoffDelay, type BackoffOptions } from './backoff';
import { parseChangeEvent, readCommitTimestamp, readReplayId, type RecordChangeEvent } from './change-event';
import type { CdcTransport, CdcTransportSession } from './cdc-transport';
import {
  closeFayeClient,
  type FayeCallback,
  type FayeClient,
  type FayeExtension,
  type FayeMessage,
} from './faye-client';
import { classifyHandlerFailure, type HandlerFailure } from './handler-failure';
import { MalformedChangeEvent } from './malformed-change-event';
import { ReplayCommits } from './replay-commits';
import { REPLAY_NEW, isInvalidReplayError } from './replay-position';
import type { ChangeSeen, ReplayStore } from './replay-store';
import { SessionRecovery } from './session-recovery';
import { StaleFenceError } from './stale-fence-error';
import type { StreamState, StreamStatus } from './stream-status';
import { WakeableSleeps } from './wakeable-sleeps';
import { traceRecord, tracing } from '../../lib/record-trace';

// What callers have always imported from here.
export { isInvalidReplayError } from './replay-position';
export type { StreamState, StreamStatus } from './stream-status';

export const CDC_CHANNEL = '/data/Audience_Loop__chn';

const UNKNOWN_CLIENT = '403::Unknown client';

/** A poison event is retried this often, this fast (the stream must move on within seconds). */
const POISON_DEFAULTS = { maxAttempts: 5, backoff: { initialMs: 100, maxMs: 1_000 } };

/**
 * After an event of an object was given up on with an error code, the next events of that object failing with the
 * same code within this window are given up on at their first failure: a broken source (a filter naming a field
 * the object lacks) fails every one of its events the same way, and each would otherwise hold the stream again.
 */
const SAME_POISON_WINDOW_MS = 60_000;

/** What the subscriber knows of a change event it gave up on. */
export interface PoisonFailure extends HandlerFailure {
  attempts: number;
  firstAttemptAt: string;
  lastAttemptAt: string;
}

export interface CdcSubscriberOptions {
  conn: Connection;
  channel?: string;
  replayStore: ReplayStore;
  /**
   * Enqueues the event's work; the replay id is stored only after it resolves. Transient failures (Redis or the
   * org not answering) are retried until it does; any other failure `poison.maxAttempts` times, then the event is
   * handed to `onPoison` and the stream moves on.
   */
  handler: (event: RecordChangeEvent) => Promise<void>;
  /**
   * Finishes work the handler deferred (the intake's echo mirror patches) before a replay id past it is stored;
   * retried like a commit.
   */
  beforeCommit?: () => Promise<void>;
  /** Records an event given up on (a dead letter); retried until it resolves, then the replay id is settled. */
  onPoison?: (event: RecordChangeEvent, failure: PoisonFailure) => Promise<void>;
  /** Attempts per event before it is poison (default 5) and the delays between them (default 200 ms … 2 s). */
  poison?: { maxAttempts?: number; backoff?: BackoffOptions };
  /** The stored replay id is past retention: reconcile the objects; new events wait until it resolves. */
  onReplayInvalid: () => Promise<void>;
  /** Records a malformed event somewhere besides the log (optional). */
  onMalformed?: (error: MalformedChangeEvent) => Promise<void> | void;
  logger: Logger;
  /** Delays for reconnects and retries (tests shorten them). */
  backoff?: BackoffOptions;
  /** Delivers the events instead of CometD (the Pub/Sub API); the pipeline behind it is the same. */
  transport?: CdcTransport;
}

/**
 * The one CometD subscription to the CDC channel. Events are handled strictly in order on a promise chain and
 * the replay id is committed only after the handler resolved, so a crash or a failed handler means redelivery,
 * never loss. Whatever happens to the session (unknown client, expired token, refused replay id, network), a new
 * Faye client is built and subscribes from the stored replay id; events already taken are recognised by their
 * replay id and not handled twice.
 *
 * First start (nothing stored) subscribes with -1: the initial import has just read every record, so replaying
 * the retention window (-2) would only redo work.
 */
export class CdcSubscriber {
  private readonly conn: Connection;
  private readonly channel: string;
  private readonly log: Logger;
  private readonly commits: ReplayCommits;
  private readonly recovery: SessionRecovery;
  private readonly sleeps = new WakeableSleeps();
  /** Bumped by start() and stop(): work of an older run does nothing. */
  private run = 0;
  /** Bumped per Faye client: messages from a client we closed are ignored. */
  private generation = 0;
  private subscribedGeneration = -1;
  private client: FayeClient | undefined;
  private session: CdcTransportSession | undefined;
  private chain: Promise<void> = Promise.resolve();
  /** Highest replay id put on the chain in this run (duplicates after a resubscribe are dropped). */
  private lastAccepted: number | undefined;
  /** Events accepted and not yet taken off the chain. */
  private waiting = 0;
  /** Commit times (epoch ms) of the events accepted and not yet handled, oldest first: how far behind we are. */
  private readonly unhandled: number[] = [];
  /** `<object>:<code>` of recent dead letters → until when a same failure is given up on at once. */
  private readonly recentPoison = new Map<string, number>();
  private readonly subscribeWaiters: (() => void)[] = [];
  /** The run whose stream has answered (see `answered()`). */
  private answeredRun = -1;
  private readonly answerWaiters: ((answered: boolean) => void)[] = [];
  private current: StreamStatus = { state: 'stopped', lastEventAt: null, replayId: null, lastError: null };
  private readonly onRefresh = (): void => this.recovery.tokenRefreshed();

  constructor(private readonly options: CdcSubscriberOptions) {
    this.conn = options.conn;
    this.channel = options.channel ?? CDC_CHANNEL;
    this.log = options.logger.child({ component: 'cdc-subscriber', channel: this.channel });
    this.commits = new ReplayCommits(options.replayStore, this.log);
    this.recovery = new SessionRecovery({
      conn: this.conn,
      log: this.log,
      backoff: options.backoff,
      currentRun: () => this.run,
      isStopped: () => this.stopped,
      closeClient: () => this.closeClient(),
      openClient: () => this.openClient(),
      reconnecting: (reason) => this.setState('reconnecting', reason),
      noteError: (message) => {
        this.current.lastError = message;
      },
      sleep: (ms) => this.sleeps.sleep(ms),
    });
  }

  state(): StreamStatus {
    const oldest = this.unhandled[0];
    return {
      ...this.current,
      replayId: this.commits.committed ?? null,
      waiting: this.unhandled.length,
      oldestWaitingAt: oldest === undefined ? null : new Date(oldest).toISOString(),
    };
  }

  async start(): Promise<void> {
    if (this.current.state !== 'stopped') return;
    this.run += 1;
    this.lastAccepted = undefined;
    this.recovery.resetAttempts();
    const stored = await this.commits.load();
    this.setState('connecting', `subscribing from replay id ${stored ?? REPLAY_NEW}`);
    this.conn.on('refresh', this.onRefresh);
    this.openClient(stored ?? REPLAY_NEW);
  }

  /**
   * Resolves once this run's subscription is acknowledged (or the subscriber stops). Subscribing from new events
   * (no stored replay id), a change committed before the acknowledgement reaches no one: an import that reads the
   * org before then can miss it for good (read before the change, and the change never streamed).
   */
  live(): Promise<void> {
    return this.untilSubscribed(this.run);
  }

  /**
   * Whether `live()` stands for the server's acknowledgement (CometD) or only for the request being sent (a
   * transport such as Pub/Sub, which acknowledges nothing: see `answered()`).
   */
  get acknowledgesSubscribe(): boolean {
    return this.options.transport === undefined;
  }

  /**
   * Resolves true once this run's stream first answered (a Pub/Sub FetchResponse; CometD's acknowledgement), false
   * if the subscriber stopped first. From then on the subscription is in effect.
   */
  answered(): Promise<boolean> {
    if (this.answeredRun === this.run) return Promise.resolve(true);
    if (this.stopped) return Promise.resolve(false);
    return new Promise((resolve) => this.answerWaiters.push(resolve));
  }

  /** Closes the client and waits for the event being handled; queued events are left for the next start. */
  async stop(): Promise<void> {
    if (this.current.state === 'stopped') return;
    this.run += 1;
    this.setState('stopped', 'stopped');
    this.conn.removeListener('refresh', this.onRefresh);
    this.recovery.cancel();
    this.closeClient();
    this.sleeps.wakeAll();
    for (const wake of this.subscribeWaiters.splice(0)) wake();
    for (const wake of this.answerWaiters.splice(0)) wake(false);
    await this.chain;
    this.waiting = 0;
    this.unhandled.length = 0;
    try {
      await this.options.beforeCommit?.();
    } catch (error) {
      // Not stored then: the next start gets those events again.
      this.log.warn({ err: error }, 'could not finish the handled events at stop; their replay id is not stored');
      return;
    }
    await this.commits.flush();
  }

  private get stopped(): boolean {
    return this.current.state === 'stopped';
  }

  private openClient(replayFrom = this.commits.resumeFrom(this.lastAccepted)): void {
    const generation = ++this.generation;
    if (this.options.transport) {
      this.openTransport(this.options.transport, generation, replayFrom);
      return;
    }
    const client = this.conn.streaming.createClient([
      this.monitor(generation),
      new StreamingExtension.AuthFailure((message: FayeMessage) => this.handleAuthFailure(generation, message)),
      new StreamingExtension.Replay(this.channel, replayFrom),
    ]) as unknown as FayeClient;
    this.client = client;
    client.bind('transport:down', () => {
      if (generation === this.generation) this.setState('reconnecting', 'CometD transport down; Faye retries');
    });
    client.bind('transport:up', () => {
      if (generation === this.generation && this.subscribedGeneration === generation) this.setState('live', 'back');
    });
    client.subscribe(this.channel, (data: unknown) => this.accept(generation, data));
    this.log.info({ replayFrom, generation }, 'subscribing to the CDC channel');
    traceRecord('*', 'cdc.subscribe', { replayFrom, generation });
  }

  /** A transport other than CometD: its reports feed the same chain, recovery and replay handling. */
  private openTransport(transport: CdcTransport, generation: number, replayFrom: number): void {
    const current = (): boolean => generation === this.generation && !this.stopped;
    this.session = transport.open(this.channel, replayFrom, {
      subscribed: () => {
        if (current()) this.markSubscribed(generation, 'subscribed');
      },
      answered: () => {
        if (current()) this.markAnswered();
      },
      event: (data, done) => {
        if (current()) this.accept(generation, data, done);
        else done();
      },
      invalidReplay: (error) => {
        if (current()) this.handleInvalidReplay(error);
      },
      authFailed: (reason) => {
        if (!current()) return;
        this.current.lastError = reason;
        void this.recovery.recoverAuth(`${transport.name} refused the session: ${reason}`);
      },
      lost: (reason) => {
        if (!current()) return;
        this.current.lastError = reason;
        this.log.warn({ reason, attempt: this.recovery.attempt + 1 }, `${transport.name} stream lost`);
        this.recovery.reconnect(`${transport.name}: ${reason}`, true);
      },
    });
    this.log.info({ replayFrom, generation, transport: transport.name }, 'subscribing to the CDC channel');
    traceRecord('*', 'cdc.subscribe', { replayFrom, generation, transport: transport.name });
  }

  private markSubscribed(generation: number, reason: string): void {
    this.subscribedGeneration = generation;
    for (const wake of this.subscribeWaiters.splice(0)) wake();
    this.recovery.resetAttempts();
    this.setState('live', reason);
    if (this.acknowledgesSubscribe) this.markAnswered();
  }

  private markAnswered(): void {
    if (this.answeredRun === this.run) return;
    this.answeredRun = this.run;
    for (const wake of this.answerWaiters.splice(0)) wake(true);
  }

  private closeClient(): void {
    const client = this.client;
    this.client = undefined;
    const session = this.session;
    this.session = undefined;
    session?.close();
    // A new generation makes every later message of the old client stale.
    this.generation += 1;
    if (client) closeFayeClient(client);
  }

  /** Watches Bayeux meta replies; swallows those that would make Faye act on a client we are replacing. */
  private monitor(generation: number): FayeExtension {
    return {
      incoming: (message: FayeMessage, callback: FayeCallback): void => {
        if (generation !== this.generation || this.stopped) return;
        const error = message.error;
        if (error?.startsWith(UNKNOWN_CLIENT)) {
          // Faye would re-handshake with the replay id it last saw; we resubscribe from the stored one instead.
          this.recovery.reconnect(`${error} (session expired or moved)`, true);
          return;
        }
        if (message.channel === '/meta/subscribe') {
          if (message.successful) {
            this.markSubscribed(generation, 'subscribed');
          } else if (isInvalidReplayError(error)) {
            this.handleInvalidReplay(error ?? '');
            return;
          } else if (message.advice?.reconnect !== 'none') {
            // Faye drops a channel whose subscribe failed, so this client would never receive anything.
            this.current.lastError = error ?? 'subscribe refused';
            this.log.error({ error, attempt: this.recovery.attempt + 1 }, 'the org refused the CDC subscription');
            this.recovery.reconnect(`subscribe refused: ${error ?? 'no reason given'}`, false);
            return;
          }
        } else if (message.channel === '/meta/connect' && message.successful) {
          if (this.subscribedGeneration === generation) this.setState('live', 'connected');
        } else if (message.successful === false && message.advice?.reconnect !== 'none') {
          this.current.lastError = error ?? null;
          this.setState('reconnecting', `${message.channel ?? 'message'} failed: ${error ?? 'no reason given'}`);
        }
        callback(message);
      },
    };
  }

  /** `done` (a transport's flow control) is called once the event is off the chain or dropped. */
  private accept(generation: number, data: unknown, done?: () => void): void {
    if (generation !== this.generation || this.stopped) return done?.();
    const replayId = readReplayId(data);
    if (replayId !== undefined && this.lastAccepted !== undefined && replayId <= this.lastAccepted) {
      this.log.debug({ replayId }, 'replayed event already taken; dropped');
      return done?.();
    }
    if (replayId !== undefined) this.lastAccepted = replayId;
    this.current.lastEventAt = new Date().toISOString();
    this.waiting += 1;
    this.unhandled.push(readCommitTimestamp(data) ?? Date.now());
    // Read now, not when its turn comes: a delivery of many events waits on the chain for seconds (one echo per
    // record a sync writes), and the parsed message is several times the event, so holding it there got it
    // promoted to the old space and marked at every major GC (issue 19).
    const parsed = readChangeEvent(this.channel, data);
    this.enqueue(async (run) => {
      this.waiting = Math.max(0, this.waiting - 1);
      try {
        await this.process(run, parsed);
      } finally {
        this.unhandled.shift();
        done?.();
      }
    });
  }

  private enqueue(task: (run: number) => Promise<void>): void {
    const run = this.run;
    this.chain = this.chain
      .then(() => (run === this.run ? task(run) : undefined))
      .catch((error: unknown) => {
        // Every task catches its own failures; reaching here is a bug, and the chain must still go on.
        this.log.error({ err: error }, 'unexpected failure in the change event chain');
      });
  }

  private async process(run: number, parsed: ReadEvent): Promise<void> {
    if (parsed instanceof MalformedChangeEvent) {
      await this.skipMalformed(run, parsed);
      return;
    }
    if ('failed' in parsed) throw parsed.failed;
    const event = parsed;
    const handled = await this.handleBounded(run, event);
    if (!handled) return;
    await this.settle(run, event.replayId, { entityName: event.entityName, commitTimestamp: event.commitTimestamp });
  }

  /** Notes a handled event; stores the replay id once no event waits behind it (or after many). */
  private async settle(run: number, replayId: number, seen: ChangeSeen | undefined): Promise<void> {
    const batch = this.commits.note(replayId, seen, this.waiting);
    if (!batch) return;
    const { beforeCommit } = this.options;
    if (beforeCommit && !(await this.retrying(run, `finishing before replay id ${batch.replayId}`, beforeCommit)))
      return;
    for (const entry of batch.seen) {
      await this.retrying(run, `storing replay id ${batch.replayId}`, () => this.commits.commit(batch.replayId, entry));
      if (tracing) traceRecord('*', 'cdc.replay-commit', { replayId: batch.replayId, seen: entry });
    }
  }

  private async skipMalformed(run: number, error: MalformedChangeEvent): Promise<void> {
    this.log.error(
      { code: error.code, replayId: error.replayId, recordIds: error.recordIds },
      `skipping ${error.message}`,
    );
    try {
      await this.options.onMalformed?.(error);
    } catch (recordError) {
      this.log.error({ err: recordError, replayId: error.replayId }, 'could not record the malformed change event');
    }
    if (error.replayId !== undefined) await this.settle(run, error.replayId, undefined);
  }

  /**
   * Runs the handler until it succeeds; a transient failure is retried without limit (with the reconnect
   * backoff), any other counts against the event, which after `poison.maxAttempts` is handed to `onPoison`.
   * True when the event is done with (handled or dead-lettered), false when the run ended first.
   */
  private async handleBounded(run: number, event: RecordChangeEvent): Promise<boolean> {
    const maxAttempts = this.options.poison?.maxAttempts ?? POISON_DEFAULTS.maxAttempts;
    const poisonBackoff = this.options.poison?.backoff ?? POISON_DEFAULTS.backoff;
    const firstAttemptAt = new Date().toISOString();
    let attempts = 0;
    let poisonFailures = 0;
    let transientFailures = 0;
    for (;;) {
      if (run !== this.run) return false;
      attempts += 1;
      try {
        await this.options.handler(event);
        return true;
      } catch (error) {
        const failure = classifyHandlerFailure(error);
        this.current.lastError = failure.message;
        if (!failure.transient) poisonFailures += 1;
        else transientFailures += 1;
        if (!failure.transient && (poisonFailures >= maxAttempts || this.seenPoison(event, failure.code))) {
          const lastAttemptAt = new Date().toISOString();
          this.recentPoison.set(`${event.entityName}:${failure.code}`, Date.now() + SAME_POISON_WINDOW_MS);
          return this.giveUp(run, event, { ...failure, attempts, firstAttemptAt, lastAttemptAt });
        }
        const delayMs = failure.transient
          ? backoffDelay(transientFailures - 1, this.options.backoff)
          : backoffDelay(poisonFailures - 1, poisonBackoff);
        this.log.error(
          { err: error, code: failure.code, transient: failure.transient, attempt: attempts, delayMs },
          `handler for replay id ${event.replayId} failed; retrying`,
        );
        await this.sleeps.sleep(delayMs);
      }
    }
  }

  /** Whether an event of the same object was given up on with the same code a moment ago. */
  private seenPoison(event: RecordChangeEvent, code: string): boolean {
    const until = this.recentPoison.get(`${event.entityName}:${code}`);
    return until !== undefined && until > Date.now();
  }

  /** Records the event as a dead letter (retried while the store fails) so that the stream can go on. */
  private async giveUp(run: number, event: RecordChangeEvent, failure: PoisonFailure): Promise<boolean> {
    const { entityName, changeType, recordIds, replayId } = event;
    this.log.warn(
      { replayId, entityName, changeType, recordIds: recordIds.slice(0, 20), code: failure.code },
      `giving up on replay id ${replayId} after ${failure.attempts} attempts: ${failure.message}`,
    );
    const onPoison = this.options.onPoison;
    if (!onPoison) return true;
    return this.retrying(run, `recording replay id ${replayId} as a dead letter`, () => onPoison(event, failure));
  }

  /** Runs `work` until it succeeds (backing off between tries) or the run ends; false when it ended. */
  private async retrying(run: number, what: string, work: () => Promise<void>): Promise<boolean> {
    for (let attempt = 0; ; attempt += 1) {
      if (run !== this.run) return false;
      try {
        await work();
        return true;
      } catch (error) {
        if (error instanceof StaleFenceError) {
          // A newer leader follows the stream: stop here (not awaited — stop() waits for this very chain).
          this.log.error({ fence: error.fence, current: error.current }, `${what} refused: ${error.message}`);
          void this.stop();
          return false;
        }
        const delayMs = backoffDelay(attempt, this.options.backoff);
        this.current.lastError = error instanceof Error ? error.message : String(error);
        this.log.error({ err: error, attempt: attempt + 1, delayMs }, `${what} failed; retrying`);
        await this.sleeps.sleep(delayMs);
      }
    }
  }

  private handleInvalidReplay(error: string): void {
    this.log.warn(
      { replayId: this.commits.committed ?? null, error },
      'stored replay id refused (past retention); reconciling, then following new events',
    );
    this.current.lastError = error;
    this.closeClient();
    this.setState('reconnecting', 'replay id invalid');
    this.commits.refused();
    // New ids may not compare with the old ones (e.g. an org refresh), so duplicate detection starts over.
    this.lastAccepted = undefined;
    // Subscribing with -1 now and queuing the reconciliation ahead of its events leaves no window for a change
    // to slip between the reconciliation's query and the new subscription.
    this.enqueue(async (run) => {
      // Reconcile only once the -1 subscription is acknowledged: a change made before that is then in the
      // reconciliation's query, one made after is in the stream.
      await this.untilSubscribed(run);
      const done = await this.retrying(run, 'reconciliation after an invalid replay id', () =>
        this.options.onReplayInvalid(),
      );
      if (done) this.commits.reconciled();
    });
    this.openClient(REPLAY_NEW);
  }

  private handleAuthFailure(generation: number, message: FayeMessage): void {
    if (generation !== this.generation || this.stopped) return;
    const reason = (message.ext?.sfdc as { failureReason?: string } | undefined)?.failureReason ?? message.error;
    this.current.lastError = reason ?? 'authentication failed';
    void this.recovery.recoverAuth(
      `${message.channel ?? 'CometD'} refused the session: ${reason ?? 'no reason given'}`,
    );
  }

  private setState(state: StreamState, reason: string): void {
    if (this.current.state === state) return;
    this.current.state = state;
    const fields = { state, replayId: this.commits.committed ?? null };
    if (state === 'reconnecting') this.log.warn(fields, `CDC stream reconnecting: ${reason}`);
    else this.log.info(fields, `CDC stream ${state}: ${reason}`);
  }

  /** Resolves at the next acknowledged subscribe (or when the run ends). */
  private untilSubscribed(run: number): Promise<void> {
    if (run !== this.run) return Promise.resolve();
    if (this.subscribedGeneration === this.generation && this.current.state === 'live') return Promise.resolve();
    return new Promise((resolve) => this.subscribeWaiters.push(resolve));
  }
}

/** A delivered message read: its event, why it is not one, or a failure to surface on the chain as before. */
type ReadEvent = RecordChangeEvent | MalformedChangeEvent | { failed: unknown };

function readChangeEvent(channel: string, data: unknown): ReadEvent {
  try {
    return parseChangeEvent(channel, data);
  } catch (error) {
    return error instanceof MalformedChangeEvent ? error : { failed: error };
  }
}
