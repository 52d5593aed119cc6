import type { FayeCallback, FayeExtension, FayeMessage } from './faye-client';

/** How far before our first subscription a caught-up event may be dated and still be taken (clock skew allowance). */
export const CATCH_UP_SKEW_MS = 10_000;

/**
 * Durable replay for several channels on one Faye client. jsforce's `StreamingExtension.Replay` follows one channel
 * and writes `ext.replay` as `{ <its channel>: id }` on every subscribe, so two of them on one client overwrite each
 * other's entry. This one remembers the last replay id received per channel and, when Faye subscribes again after
 * a re-handshake (403::Unknown client, a dropped poll, a rebuilt client), asks for what came after it: nothing
 * published meanwhile is lost. Channels start from `initialReplayId` (-1: new events only).
 *
 * A channel that has had no event yet has no replay id to resume from, and -1 again would lose what was published
 * while the client was away (a rep's Enrich now click during a re-handshake waited forever). So such a channel
 * re-subscribes with -2 (every retained event) and keeps only the events dated from its first subscription on,
 * less `skewMs` for the clock difference between this machine and the org; older ones were published before this
 * process listened at all, and are dropped as -1 would have.
 */
export class ChannelReplay implements FayeExtension {
  private readonly replayIds = new Map<string, number>();
  /** When each channel's first subscription was acknowledged (this machine's clock). */
  private readonly listeningSince = new Map<string, number>();
  /** Channels re-subscribed with -2: events dated before the floor are dropped until one passes it. */
  private readonly catchUpFloor = new Map<string, number>();
  private enabled = true;

  constructor(
    channels: readonly string[],
    private readonly initialReplayId = -1,
    private readonly now: () => number = Date.now,
    private readonly skewMs = CATCH_UP_SKEW_MS,
  ) {
    for (const channel of channels) this.replayIds.set(channel, initialReplayId);
  }

  incoming(message: FayeMessage, callback: FayeCallback): void {
    const channel = message.channel;
    if (channel === '/meta/handshake' && message.ext && 'replay' in message.ext) {
      this.enabled = message.ext.replay === true;
    } else if (channel === '/meta/subscribe') {
      this.noteSubscribed(message);
    } else if (channel && this.replayIds.has(channel)) {
      if (this.isBeforeFloor(channel, message)) {
        callback(null);
        return;
      }
      this.catchUpFloor.delete(channel);
      const replayId = (message.data as { event?: { replayId?: unknown } } | undefined)?.event?.replayId;
      if (typeof replayId === 'number') this.replayIds.set(channel, replayId);
    }
    callback(message);
  }

  outgoing(message: FayeMessage, callback: FayeCallback): void {
    if (message.channel === '/meta/subscribe' && this.enabled && typeof message.subscription === 'string') {
      const channel = message.subscription;
      const replayId = this.replayIdToAsk(channel);
      if (replayId !== undefined) {
        const replay = (message.ext?.replay ?? {}) as Record<string, number>;
        message.ext = { ...message.ext, replay: { ...replay, [channel]: replayId } };
      }
    }
    callback(message);
  }

  /** The last replay id seen on a channel (the initial one before any event). */
  replayIdOf(channel: string): number {
    return this.replayIds.get(channel) ?? this.initialReplayId;
  }

  private replayIdToAsk(channel: string): number | undefined {
    const replayId = this.replayIds.get(channel);
    if (replayId === undefined) return undefined;
    const since = this.listeningSince.get(channel);
    if (replayId !== this.initialReplayId || this.initialReplayId !== -1 || since === undefined) return replayId;
    this.catchUpFloor.set(channel, since - this.skewMs);
    return -2;
  }

  private noteSubscribed(message: FayeMessage): void {
    if (message.successful !== true) return;
    const channels = typeof message.subscription === 'string' ? [message.subscription] : (message.subscription ?? []);
    for (const channel of channels) {
      if (this.replayIds.has(channel) && !this.listeningSince.has(channel))
        this.listeningSince.set(channel, this.now());
    }
  }

  /** A caught-up event dated before the floor (or undated) was published before this process listened. */
  private isBeforeFloor(channel: string, message: FayeMessage): boolean {
    const floor = this.catchUpFloor.get(channel);
    if (floor === undefined) return false;
    const createdDate = (message.data as { payload?: { CreatedDate?: unknown } } | undefined)?.payload?.CreatedDate;
    const created = typeof createdDate === 'string' ? Date.parse(createdDate) : Number.NaN;
    return Number.isNaN(created) || created < floor;
  }
}
