import type { FayeCallback, FayeExtension, FayeMessage } from './faye-client';

/**
 * Durable replay for several channels on one Faye client. jsforce's `StreamingExtension.Replay` follows one channel
 * and writes `ext.replay` as `{ <its channel>: id }` on every subscribe, so two of them on one client overwrite each
 * other's entry. This one remembers the last replay id received per channel and, when Faye subscribes again after
 * a re-handshake (403::Unknown client, a dropped poll), asks for what came after it: nothing published meanwhile is
 * lost. Channels start from `initialReplayId` (-1: new events only).
 */
export class ChannelReplay implements FayeExtension {
  private readonly replayIds = new Map<string, number>();
  private enabled = true;

  constructor(
    channels: readonly string[],
    private readonly initialReplayId = -1,
  ) {
    for (const channel of channels) this.replayIds.set(channel, initialReplayId);
  }

  incoming(message: FayeMessage, callback: FayeCallback): void {
    if (message.channel === '/meta/handshake' && message.ext && 'replay' in message.ext) {
      this.enabled = message.ext.replay === true;
    } else if (message.channel && this.replayIds.has(message.channel)) {
      const replayId = (message.data as { event?: { replayId?: unknown } } | undefined)?.event?.replayId;
      if (typeof replayId === 'number') this.replayIds.set(message.channel, replayId);
    }
    callback(message);
  }

  outgoing(message: FayeMessage, callback: FayeCallback): void {
    if (message.channel === '/meta/subscribe' && this.enabled && typeof message.subscription === 'string') {
      const replayId = this.replayIds.get(message.subscription);
      if (replayId !== undefined) {
        const replay = (message.ext?.replay ?? {}) as Record<string, number>;
        message.ext = { ...message.ext, replay: { ...replay, [message.subscription]: replayId } };
      }
    }
    callback(message);
  }

  /** The last replay id seen on a channel (the initial one before any event). */
  replayIdOf(channel: string): number {
    return this.replayIds.get(channel) ?? this.initialReplayId;
  }
}
