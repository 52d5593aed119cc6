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

/** One `writeMany` call waiting for its rows' outcomes. */
interface Batch {
  outcomes: WriteOutcome[];
  left: number;
  resolve: (outcomes: WriteOutcome[]) => void;
}

interface Pending {
  update: RecordUpdate;
  /** Each caller's batch and the row's place in it (not a promise and a resolver per row: issue 19). */
  waiters: { batch: Batch; index: number }[];
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
  async write(update: RecordUpdate): Promise<WriteOutcome> {
    return (await this.writeMany([update]))[0] as WriteOutcome;
  }

  /**
   * Queues updates; resolves with their outcomes, in order, once Salesforce has answered for all of them (never
   * rejects). One promise for a page's writes: a promise, a resolver and a `Promise.all` reaction per row lived
   * as long as the Composite requests, long enough to be promoted to the old space (issue 19).
   */
  writeMany(updates: readonly RecordUpdate[]): Promise<WriteOutcome[]> {
    if (updates.length === 0) return Promise.resolve([]);
    return new Promise((resolve) => {
      const batch: Batch = { outcomes: new Array<WriteOutcome>(updates.length), left: updates.length, resolve };
      // Scheduled after each row, as separate writes were: the first row of a quiet spell still goes at once.
      updates.forEach((update, index) => {
        this.add(update, { batch, index });
        this.schedule();
      });
    });
  }

  private add(update: RecordUpdate, waiter: Pending['waiters'][number]): void {
    let buffer = this.buffers.get(update.object);
    if (!buffer) {
      buffer = new Map();
      this.buffers.set(update.object, buffer);
    }
    const pending = buffer.get(update.id);
    if (pending) {
      pending.update = { ...pending.update, fields: { ...pending.update.fields, ...update.fields } };
      pending.waiters.push(waiter);
    } else {
      buffer.set(update.id, { update, waiters: [waiter] });
      if (this.pending === 0) this.batchStartedAt = this.window.now();
      this.pending += 1;
      this.window.arrived();
    }
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
      for (const { batch, index: at } of pending.waiters) {
        batch.outcomes[at] = outcome;
        batch.left -= 1;
        if (batch.left === 0) batch.resolve(batch.outcomes);
      }
    });
  }
}
