import { ChannelPositions } from './channel-positions';
import type { FayeCallback, FayeExtension, FayeMessage } from './faye-client';

/**
 * Durable replay for several channels on one Faye client. jsforce's `StreamingExtension.Replay` follows one channel
 * and writes `ext.replay` as `{ <its channel>: id }` on every subscribe, so two of them on one client overwrite each
 * other's entry. This one asks, on every subscribe (the first, and again after a re-handshake, a dropped poll or a
 * rebuilt client), for what `ChannelPositions` says each channel should resume from, and drops the caught-up events
 * it says were published before this process listened.
 */
export class ChannelReplay implements FayeExtension {
  private readonly positions: ChannelPositions;
  private enabled = true;

  constructor(channels: readonly string[], initialReplayId = -1, now: () => number = Date.now, skewMs?: number) {
    this.positions = new ChannelPositions(channels, initialReplayId, now, skewMs);
  }

  incoming(message: FayeMessage, callback: FayeCallback): void {
    const channel = message.channel;
    if (channel === '/meta/handshake' && message.ext && 'replay' in message.ext) {
      this.enabled = message.ext.replay === true;
    } else if (channel === '/meta/subscribe') {
      this.noteSubscribed(message);
    } else if (channel && this.positions.has(channel) && !this.positions.accept(channel, message.data)) {
      callback(null);
      return;
    }
    callback(message);
  }

  outgoing(message: FayeMessage, callback: FayeCallback): void {
    if (message.channel === '/meta/subscribe' && this.enabled && typeof message.subscription === 'string') {
      const channel = message.subscription;
      const replayId = this.positions.replayIdToAsk(channel);
      if (replayId !== undefined) {
        const replay = (message.ext?.replay ?? {}) as Record<string, number>;
        message.ext = { ...message.ext, replay: { ...replay, [channel]: replayId } };
      }
    }
    callback(message);
  }

  /** The last replay id seen on a channel (the initial one before any event). */
  replayIdOf(channel: string): number {
    return this.positions.replayIdOf(channel);
  }

  private noteSubscribed(message: FayeMessage): void {
    if (message.successful !== true) return;
    const channels = typeof message.subscription === 'string' ? [message.subscription] : (message.subscription ?? []);
    for (const channel of channels) this.positions.subscribed(channel);
  }
}
