import { AdaptiveWindow } from '../../lib/adaptive-window';
import type { Logger } from '../../lib/logger';
import type { OrgClient } from '../org-client';
import {
  CollectionsClient,
  MAX_COLLECTIONS_PER_COMPOSITE,
  MAX_RECORDS_PER_COLLECTION,
  type CollectionsStats,
} from './collections-client';
import type { RecordUpdate, WriteOutcome } from './write-types';

export interface CoalescingWriterOptions {
  /** Longest a write waits for companions before its batch is sent (DESIGN §6: ≤ 0.5 s). */
  maxWaitMs?: number;
  /**
   * Decides when a batch goes (default: an adaptive window of `maxWaitMs`, full at one Composite request): a lone
   * write goes at once, a stream of writes waits up to `maxWaitMs` so its calls stay few (issue 19).
   */
  window?: AdaptiveWindow;
  /** Tries per record for locks and 5xx, each after a longer pause and in a smaller batch. */
  maxAttempts?: number;
  baseBackoffMs?: number;
  /** Called after every request so the budget governor sees the usage the response reported. */
  onRequest?: () => void;
  logger?: Logger;
}

interface Pending {
  update: RecordUpdate;
  resolvers: ((outcome: WriteOutcome) => void)[];
}

export type WriterStats = CollectionsStats;

/**
 * Collects record updates from every caller for a short, rate-adaptive window (AdaptiveWindow: at once when nothing
 * else is coming, up to `maxWaitMs` under load) and sends them as sObject Collections, up to five per Composite
 * request. Two updates of one record in a window merge (the later value of a field wins), so a
 * record is never sent twice in one batch. Records that fail with a lock or a 5xx are retried with backoff in
 * halved batches; validation and duplicate errors are final and returned as they are.
 */
export class CoalescingWriter {
  private readonly buffers = new Map<string, Map<string, Pending>>();
  private timer: NodeJS.Timeout | undefined;
  /** When the pending timer fires (0: as soon as this tick's writes are in). */
  private timerAt = 0;
  private inFlight = new Set<Promise<void>>();
  private readonly window: AdaptiveWindow;
  private readonly client: CollectionsClient;
  /** Records buffered, and when the first of them came (the batch's deadline runs from there). */
  private pending = 0;
  private batchStartedAt = 0;

  constructor(org: OrgClient, options: CoalescingWriterOptions = {}) {
    this.window =
      options.window ??
      new AdaptiveWindow({
        maxWaitMs: options.maxWaitMs ?? 500,
        fullAt: MAX_RECORDS_PER_COLLECTION * MAX_COLLECTIONS_PER_COMPOSITE,
      });
    this.client = new CollectionsClient(org, options);
  }

  /** Requests sent, records sent and rows retried (this writer's share of the org's calls). */
  get stats(): WriterStats {
    return this.client.stats;
  }

  /** Queues an update; resolves when Salesforce has answered for this record (never rejects). */
  write(update: RecordUpdate): Promise<WriteOutcome> {
    return new Promise((resolve) => {
      let buffer = this.buffers.get(update.object);
      if (!buffer) {
        buffer = new Map();
        this.buffers.set(update.object, buffer);
      }
      const pending = buffer.get(update.id);
      if (pending) {
        pending.update = { ...pending.update, fields: { ...pending.update.fields, ...update.fields } };
        pending.resolvers.push(resolve);
      } else {
        buffer.set(update.id, { update, resolvers: [resolve] });
        if (this.pending === 0) this.batchStartedAt = this.window.now();
        this.pending += 1;
        this.window.arrived();
      }
      this.schedule();
    });
  }

  /** Sends everything buffered now and waits until every answer is in. */
  async flush(): Promise<void> {
    this.setTimer(0);
    while (this.timer || this.inFlight.size > 0) {
      await Promise.all([...this.inFlight]);
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.startSend();
      }
    }
  }

  /** Sets the timer to what the window says now; a timer due sooner stays (when it fires, it asks again). */
  private schedule(): void {
    const wait = this.window.waitMs(this.pending, this.batchStartedAt);
    if (this.timer && this.timerAt <= this.window.now() + wait) return;
    this.setTimer(wait);
  }

  private setTimer(delayMs: number): void {
    clearTimeout(this.timer);
    this.timerAt = this.window.now() + delayMs;
    // Even "now" is a timer: the writes a caller makes in one tick (a batch's records) go in one request.
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Asked again: arrivals since the wait was set may have raised the rate, and so the wait.
      const wait = delayMs > 0 ? this.window.waitMs(this.pending, this.batchStartedAt) : 0;
      if (wait > 0) this.setTimer(wait);
      else this.startSend();
    }, delayMs);
  }

  private startSend(): void {
    this.pending = 0;
    const pendings: Pending[][] = [];
    for (const [object, buffer] of this.buffers) {
      this.buffers.delete(object);
      pendings.push([...buffer.values()]);
    }
    if (pendings.length === 0) return;
    const sending = this.send(pendings.flat()).finally(() => this.inFlight.delete(sending));
    this.inFlight.add(sending);
  }

  private async send(pendings: Pending[]): Promise<void> {
    const outcomes = await this.client.save(
      'update',
      pendings.map((p) => ({ object: p.update.object, id: p.update.id, fields: p.update.fields })),
    );
    pendings.forEach((pending, index) => {
      const outcome = outcomes[index] as WriteOutcome;
      for (const resolve of pending.resolvers) resolve(outcome);
    });
  }
}
