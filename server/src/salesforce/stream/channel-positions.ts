import { REPLAY_ALL, REPLAY_NEW } from './replay-position';

/** How far before our first subscription a caught-up event may be dated and still be taken (clock skew allowance). */
export const CATCH_UP_SKEW_MS = 10_000;

/**
 * Where each of several event channels stands, whatever transport follows them (CometD: `ChannelReplay`; the
 * Pub/Sub API: `PubSubCommandChannels`). It remembers the last replay id received per channel, so a channel that
 * subscribes again (a re-handshake, a dropped gRPC stream) asks for what came after it: nothing published
 * meanwhile is lost. Channels start from `initialReplayId` (-1: new events only).
 *
 * A channel that has had no event yet has no replay id to resume from, and -1 again would lose what was published
 * while the client was away (a rep's Enrich now click during a re-handshake waited forever). So such a channel
 * re-subscribes with -2 (every retained event) and keeps only the events dated from its first subscription on,
 * less `skewMs` for the clock difference between this machine and the org; older ones were published before this
 * process listened at all, and are dropped as -1 would have.
 */
export class ChannelPositions {
  private readonly replayIds = new Map<string, number>();
  /**
   * From when a channel that must catch up keeps events (epoch ms): its first subscription less the skew, or the
   * last event taken before the org refused its replay id.
   */
  private readonly keepFrom = new Map<string, number>();
  /** Channels re-subscribed with -2: events dated before the floor are dropped until one passes it. */
  private readonly catchUpFloor = new Map<string, number>();
  /** The `CreatedDate` (epoch ms) of the last event taken per channel, for a resume after a refused replay id. */
  private readonly lastCreated = new Map<string, number>();

  constructor(
    channels: readonly string[],
    private readonly initialReplayId = REPLAY_NEW,
    private readonly now: () => number = Date.now,
    private readonly skewMs = CATCH_UP_SKEW_MS,
  ) {
    for (const channel of channels) this.replayIds.set(channel, initialReplayId);
  }

  has(channel: string): boolean {
    return this.replayIds.has(channel);
  }

  /** The last replay id seen on a channel (the initial one before any event). */
  replayIdOf(channel: string): number {
    return this.replayIds.get(channel) ?? this.initialReplayId;
  }

  /** The replay id a (re)subscription should ask for; -2 for a channel that has listened but seen nothing yet. */
  replayIdToAsk(channel: string): number | undefined {
    const replayId = this.replayIds.get(channel);
    if (replayId === undefined) return undefined;
    const keepFrom = this.keepFrom.get(channel);
    if (replayId !== this.initialReplayId || this.initialReplayId !== REPLAY_NEW || keepFrom === undefined)
      return replayId;
    this.catchUpFloor.set(channel, keepFrom);
    return REPLAY_ALL;
  }

  /** The channel's subscription was made (acknowledged on CometD, written on Pub/Sub); the first one counts. */
  subscribed(channel: string): void {
    if (this.replayIds.has(channel) && !this.keepFrom.has(channel))
      this.keepFrom.set(channel, this.now() - this.skewMs);
  }

  /**
   * An event arrived: false when it was caught up from before this process listened (drop it); otherwise its
   * replay id is now where the channel stands.
   */
  accept(channel: string, data: unknown): boolean {
    if (!this.replayIds.has(channel)) return true;
    const created = createdDateOf(data);
    const floor = this.catchUpFloor.get(channel);
    // A caught-up event dated before the floor (or undated) was published before this process listened.
    if (floor !== undefined && (Number.isNaN(created) || created < floor)) return false;
    this.catchUpFloor.delete(channel);
    const replayId = (data as { event?: { replayId?: unknown } } | undefined)?.event?.replayId;
    if (typeof replayId === 'number') this.replayIds.set(channel, replayId);
    if (!Number.isNaN(created)) this.lastCreated.set(channel, created);
    return true;
  }

  /**
   * The org refused the channel's replay id (past retention, ids reset): the next subscription asks for every
   * retained event from the last one taken on (that one may come again: commands are idempotent to repeat), or
   * from the first subscription on when none was taken.
   */
  forget(channel: string): void {
    if (!this.replayIds.has(channel)) return;
    this.replayIds.set(channel, this.initialReplayId);
    const last = this.lastCreated.get(channel);
    if (last !== undefined) this.keepFrom.set(channel, last);
  }
}

function createdDateOf(data: unknown): number {
  const createdDate = (data as { payload?: { CreatedDate?: unknown } } | undefined)?.payload?.CreatedDate;
  return typeof createdDate === 'string' ? Date.parse(createdDate) : Number.NaN;
}
