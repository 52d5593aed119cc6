import type { OrgClock } from '../../org-contract';
import type { StoredEvent } from './stored-event';

type AppendListener = (event: StoredEvent) => void;

/**
 * The org's event bus: one global log in replay-id order, filtered per channel on read. Events older than the
 * retention window (on the org clock) are purged, which is what turns a stored replay id invalid.
 */
export class EventBus {
  private log: StoredEvent[] = [];
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

  purge(): void {
    const cutoff = this.clock.now() - this.retentionMs();
    const firstKept = this.log.findIndex((e) => e.receivedAt >= cutoff);
    this.log = firstKept === -1 ? [] : this.log.slice(firstKept);
  }

  /** True when `replayId` names an event still retained (an expired or never-issued id is not). */
  isReplayable(replayId: number): boolean {
    this.purge();
    return this.log.some((e) => e.replayId === replayId);
  }

  /** Retained events on `channel` with an id above `afterReplayId` (-2 → everything retained). */
  eventsAfter(channel: string, afterReplayId: number): StoredEvent[] {
    this.purge();
    return this.log.filter((e) => e.replayId > afterReplayId && e.channels.includes(channel));
  }

  size(): number {
    this.purge();
    return this.log.length;
  }

  latestReplayId(): number {
    return this.lastReplayId;
  }

  reset(): void {
    this.log = [];
  }
}
