import type { OrgClock } from '../../org-contract';
import type { StoredEvent } from './stored-event';

type AppendListener = (event: StoredEvent) => void;

/** Compact the log array once this many expired events sit before the head (and they are at least half of it). */
const COMPACT_AT = 1024;

/**
 * The org's event bus: one global log in replay-id order, filtered per channel on read. Events older than the
 * retention window (on the org clock) are purged, which is what turns a stored replay id invalid.
 *
 * Purging is O(1) amortised: the log is append-only with a `head` index past the expired events; the array is
 * compacted only when the expired prefix is large. Replay ids and receipt times both increase along the log, so
 * lookups by replay id are binary searches.
 */
export class EventBus {
  private log: StoredEvent[] = [];
  private head = 0;
  private lastReplayId = 0;
  private issued = 0;
  private readonly listeners = new Set<AppendListener>();

  constructor(
    private readonly clock: OrgClock,
    private readonly retentionMs: () => number,
  ) {}

  append(event: Omit<StoredEvent, 'replayId' | 'receivedAt'>): StoredEvent {
    this.purge();
    // Gaps of 1–3 keep clients from doing arithmetic on ids, as Salesforce warns they must not.
    this.issued += 1;
    this.lastReplayId += 1 + (this.issued % 3);
    const stored: StoredEvent = { ...event, replayId: this.lastReplayId, receivedAt: this.clock.now() };
    this.log.push(stored);
    for (const listener of this.listeners) listener(stored);
    return stored;
  }

  onAppend(listener: AppendListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Drops expired events: only looks past the head while the oldest retained event has expired. */
  purge(): void {
    const cutoff = this.clock.now() - this.retentionMs();
    const log = this.log;
    while (this.head < log.length && log[this.head]!.receivedAt < cutoff) {
      log[this.head] = undefined as unknown as StoredEvent; // let the payload be collected before compaction
      this.head += 1;
    }
    if (this.head === log.length) {
      if (this.head > 0) {
        this.log = [];
        this.head = 0;
      }
    } else if (this.head >= COMPACT_AT && this.head * 2 >= log.length) {
      this.log = log.slice(this.head);
      this.head = 0;
    }
  }

  /** True when `replayId` names an event still retained (an expired or never-issued id is not). */
  isReplayable(replayId: number): boolean {
    this.purge();
    const i = this.firstIndexAbove(replayId - 1);
    return i < this.log.length && this.log[i]!.replayId === replayId;
  }

  /** Retained events on `channel` with an id above `afterReplayId` (-2 → everything retained). */
  eventsAfter(channel: string, afterReplayId: number): StoredEvent[] {
    this.purge();
    const out: StoredEvent[] = [];
    for (let i = this.firstIndexAbove(afterReplayId); i < this.log.length; i++) {
      const e = this.log[i]!;
      if (e.channels.includes(channel)) out.push(e);
    }
    return out;
  }

  size(): number {
    this.purge();
    return this.log.length - this.head;
  }

  latestReplayId(): number {
    return this.lastReplayId;
  }

  reset(): void {
    this.log = [];
    this.head = 0;
  }

  /** Index of the first retained event whose replay id is above `replayId` (log length when none). */
  private firstIndexAbove(replayId: number): number {
    let lo = this.head;
    let hi = this.log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.log[mid]!.replayId > replayId) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}
