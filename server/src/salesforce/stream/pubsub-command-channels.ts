import type { Connection } from 'jsforce';
import type { Logger } from '../../lib/logger';
import type { BackoffOptions } from './backoff';
import type { CdcTransport, CdcTransportSession } from './cdc-transport';
import { ChannelPositions } from './channel-positions';
import { REPLAY_NEW } from './replay-position';
import { SessionRecovery } from './session-recovery';
import { WakeableSleeps } from './wakeable-sleeps';

export interface PubSubCommandChannelsOptions {
  /** The org connection: a refused session is renewed through it (jsforce), a renewed token reopens the streams. */
  conn: Connection;
  /** The Pub/Sub API transport (one Subscribe stream per channel: the API takes one topic per stream). */
  transport: CdcTransport;
  channels: readonly string[];
  /** One event of a channel, in CometD's shape and replay order. Not awaited: commands run beside the stream. */
  deliver: (channel: string, data: unknown) => void;
  logger: Logger;
  /** Delays between reopenings (tests shorten them). */
  backoff?: BackoffOptions;
  /** This machine's clock (tests move it). */
  now?: () => number;
}

/**
 * The command channels over the Pub/Sub API, resuming like the CometD client does (`ChannelPositions`): each
 * channel from its last event, and a channel with no event yet from every retained event dated from its first
 * subscription on (less the clock skew) — LATEST again would lose what was published while its stream was down.
 * A stream neither reconnects nor renews tokens by itself; each failure reopens that channel's stream.
 */
export class PubSubCommandChannels {
  private readonly followers: ChannelFollower[];

  constructor(options: PubSubCommandChannelsOptions) {
    const positions = new ChannelPositions(options.channels, REPLAY_NEW, options.now);
    this.followers = options.channels.map((channel) => new ChannelFollower(channel, positions, options));
  }

  start(): void {
    for (const follower of this.followers) follower.start();
  }

  stop(): void {
    for (const follower of this.followers) follower.stop();
  }
}

class ChannelFollower {
  private session: CdcTransportSession | undefined;
  /** Bumped by start and stop: a recovery of an older run gives up. */
  private run = 0;
  /** Bumped by every open: reports of an older stream are ignored. */
  private generation = 0;
  private stopped = true;
  private readonly recovery: SessionRecovery;
  private readonly sleeps = new WakeableSleeps();
  private readonly log: Logger;
  private readonly onRefresh = (): void => this.recovery.tokenRefreshed();

  constructor(
    private readonly channel: string,
    private readonly positions: ChannelPositions,
    private readonly options: PubSubCommandChannelsOptions,
  ) {
    this.log = options.logger.child({ channel, transport: options.transport.name });
    this.recovery = new SessionRecovery({
      conn: options.conn,
      log: this.log,
      backoff: options.backoff,
      currentRun: () => this.run,
      isStopped: () => this.stopped,
      closeClient: () => this.close(),
      openClient: () => this.open(),
      reconnecting: (reason) => this.log.warn({ reason }, 'command channel reconnecting'),
      noteError: () => undefined,
      sleep: (ms) => this.sleeps.sleep(ms),
    });
  }

  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.run += 1;
    this.recovery.resetAttempts();
    this.options.conn.on('refresh', this.onRefresh);
    this.open();
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    this.run += 1;
    this.options.conn.removeListener('refresh', this.onRefresh);
    this.recovery.cancel();
    this.sleeps.wakeAll();
    this.close();
  }

  private open(): void {
    const generation = ++this.generation;
    const current = (): boolean => generation === this.generation && !this.stopped;
    const { channel, positions, recovery } = this;
    const replayFrom = positions.replayIdToAsk(channel) ?? REPLAY_NEW;
    this.session = this.options.transport.open(channel, replayFrom, {
      subscribed: () => {
        if (!current()) return;
        positions.subscribed(channel);
        recovery.resetAttempts();
      },
      event: (data, done) => {
        done();
        if (current() && positions.accept(channel, data)) this.options.deliver(channel, data);
      },
      invalidReplay: (error) => {
        if (!current()) return;
        this.log.warn({ error }, 'the org refused the replay id; resuming from the last event taken');
        positions.forget(channel);
        recovery.reconnect(error, true);
      },
      authFailed: (reason) => {
        if (current()) void recovery.recoverAuth(`the org refused the session: ${reason}`);
      },
      lost: (reason) => {
        if (current()) recovery.reconnect(reason, true);
      },
    });
    this.log.info({ replayFrom }, 'subscribing to a command channel');
  }

  private close(): void {
    this.generation += 1;
    this.session?.close();
    this.session = undefined;
  }
}
