import type { DeliveredMessage } from '../events/stored-event';

export type ReleaseReason = 'events' | 'timeout' | 'replaced' | 'disconnected' | 'unknownClient' | 'closed';

interface HeldPoll {
  timer: NodeJS.Timeout;
  release: (reason: ReleaseReason) => void;
  drop: () => void;
}

/** One handshaken CometD client: its subscriptions, the events waiting for its next poll, its held poll. */
export class CometdClient {
  readonly subscriptions = new Set<string>();
  /** The first connect after a handshake is answered at once, later ones are held. */
  connectedOnce = false;
  private queue: DeliveredMessage[] = [];
  private held: HeldPoll | undefined;
  private flushScheduled = false;

  constructor(
    readonly id: string,
    readonly userId: string,
    readonly browserId: string,
    /** Org-clock ms of the last reply sent; the idle window counts from here. */
    public lastSeen: number,
  ) {}

  enqueue(message: DeliveredMessage): void {
    this.queue.push(message);
    // Wait one turn so the events of one transaction leave in one reply.
    if (this.held && !this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => {
        this.flushScheduled = false;
        this.release('events');
      });
    }
  }

  pendingCount(): number {
    return this.queue.length;
  }

  takeQueue(): DeliveredMessage[] {
    const taken = this.queue;
    this.queue = [];
    return taken;
  }

  isHolding(): boolean {
    return this.held !== undefined;
  }

  /** Holds a poll; the returned handle lets its HTTP request forget it without touching a later poll. */
  hold(ms: number, release: (reason: ReleaseReason) => void, drop: () => void): object {
    this.release('replaced');
    const timer = setTimeout(() => this.release('timeout'), ms);
    const held = { timer, release, drop };
    this.held = held;
    return held;
  }

  /** Answers the held poll (if any) with whatever is queued. */
  release(reason: ReleaseReason): void {
    const held = this.held;
    if (!held) return;
    this.held = undefined;
    clearTimeout(held.timer);
    held.release(reason);
  }

  /** Ends the held poll without a reply, as a network drop would; queued events stay for the retry. */
  drop(): boolean {
    const held = this.held;
    if (!held) return false;
    this.held = undefined;
    clearTimeout(held.timer);
    held.drop();
    return true;
  }

  /** The client went away (socket closed) while this poll was held. */
  forgetHeld(handle: object): void {
    if (this.held !== handle) return;
    clearTimeout(this.held.timer);
    this.held = undefined;
  }
}
