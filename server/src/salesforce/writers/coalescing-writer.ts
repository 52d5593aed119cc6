import type { Connection } from 'jsforce';
import type { Logger } from '../../lib/logger';
import type { RecordUpdate, WriteOutcome } from './write-types';
import {
  CollectionsRequestError,
  MAX_COLLECTIONS_PER_COMPOSITE,
  MAX_RECORDS_PER_COLLECTION,
  sendCollections,
} from './collections-request';

export interface CoalescingWriterOptions {
  /** Longest a write waits for companions before its batch is sent (DESIGN §6: ≤ 0.5 s). */
  maxWaitMs?: number;
  /** Records per Collections request (Salesforce's cap is 200). */
  maxBatchSize?: number;
  /** Tries per record for locks and 5xx, each after a longer pause and in a smaller batch. */
  maxAttempts?: number;
  baseBackoffMs?: number;
  /** Called after every request so the budget governor sees `conn.limitInfo`. */
  onRequest?: (conn: Connection) => void;
  logger?: Logger;
}

interface Pending {
  update: RecordUpdate;
  resolvers: ((outcome: WriteOutcome) => void)[];
}

export interface WriterStats {
  requests: number;
  recordsSent: number;
  retries: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Collects record updates from every caller for a short window and sends them as sObject Collections, up to
 * five per Composite request. Two updates of one record in a window merge (the later value of a field wins), so a
 * record is never sent twice in one batch. Records that fail with a lock or a 5xx are retried with backoff in
 * halved batches; validation and duplicate errors are final and returned as they are.
 */
export class CoalescingWriter {
  private readonly buffers = new Map<string, Map<string, Pending>>();
  private timer: NodeJS.Timeout | undefined;
  private inFlight = new Set<Promise<void>>();
  private readonly maxWaitMs: number;
  private readonly maxBatchSize: number;
  private readonly maxAttempts: number;
  private readonly baseBackoffMs: number;
  readonly stats: WriterStats = { requests: 0, recordsSent: 0, retries: 0 };

  constructor(
    private readonly conn: Connection,
    private readonly options: CoalescingWriterOptions = {},
  ) {
    this.maxWaitMs = options.maxWaitMs ?? 500;
    this.maxBatchSize = Math.min(options.maxBatchSize ?? MAX_RECORDS_PER_COLLECTION, MAX_RECORDS_PER_COLLECTION);
    this.maxAttempts = options.maxAttempts ?? 5;
    this.baseBackoffMs = options.baseBackoffMs ?? 200;
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
      }
      if (buffer.size >= this.maxBatchSize * MAX_COLLECTIONS_PER_COMPOSITE) this.flushSoon(0);
      else this.flushSoon(this.maxWaitMs);
    });
  }

  /** Sends everything buffered now and waits until every answer is in. */
  async flush(): Promise<void> {
    this.flushSoon(0);
    while (this.timer || this.inFlight.size > 0) {
      await Promise.all([...this.inFlight]);
      if (this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
        this.startSend();
      }
    }
  }

  private flushSoon(delayMs: number): void {
    if (this.timer && delayMs > 0) return;
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.startSend();
    }, delayMs);
  }

  private startSend(): void {
    const pendings: Pending[][] = [];
    for (const [object, buffer] of this.buffers) {
      this.buffers.delete(object);
      pendings.push([...buffer.values()]);
    }
    if (pendings.length === 0) return;
    const sending = this.sendWithRetries(pendings.flat(), 1, this.maxBatchSize).finally(() =>
      this.inFlight.delete(sending),
    );
    this.inFlight.add(sending);
  }

  /** Splits into Collections by object and size, sends five at a time, retries what may succeed later. */
  private async sendWithRetries(pendings: Pending[], attempt: number, batchSize: number): Promise<void> {
    const byObject = new Map<string, Pending[]>();
    for (const p of pendings) byObject.set(p.update.object, [...(byObject.get(p.update.object) ?? []), p]);
    const collections: Pending[][] = [];
    for (const group of byObject.values()) {
      for (let i = 0; i < group.length; i += batchSize) collections.push(group.slice(i, i + batchSize));
    }
    const retry: Pending[] = [];
    for (let i = 0; i < collections.length; i += MAX_COLLECTIONS_PER_COMPOSITE) {
      const chunk = collections.slice(i, i + MAX_COLLECTIONS_PER_COMPOSITE);
      const outcomes = await this.sendChunk(chunk);
      chunk.forEach((collection, c) => {
        collection.forEach((pending, r) => {
          const outcome = (outcomes[c] as WriteOutcome[])[r] as WriteOutcome;
          if (
            !outcome.ok &&
            !outcome.final &&
            attempt < this.maxAttempts &&
            outcome.code !== 'REQUEST_LIMIT_EXCEEDED'
          ) {
            retry.push(pending);
          } else {
            for (const resolve of pending.resolvers) resolve(outcome);
          }
        });
      });
    }
    if (retry.length > 0) {
      this.stats.retries += retry.length;
      const pause = this.baseBackoffMs * 2 ** (attempt - 1) * (0.5 + Math.random());
      this.options.logger?.warn({ records: retry.length, attempt, pauseMs: Math.round(pause) }, 'retrying records');
      await sleep(pause);
      await this.sendWithRetries(retry, attempt + 1, Math.max(1, Math.floor(batchSize / 2)));
    }
  }

  private async sendChunk(chunk: Pending[][]): Promise<WriteOutcome[][]> {
    const batches = chunk.map((collection) => collection.map((p) => p.update));
    this.stats.requests += 1;
    this.stats.recordsSent += batches.reduce((n, b) => n + b.length, 0);
    try {
      return await sendCollections(this.conn, batches);
    } catch (error) {
      const failure =
        error instanceof CollectionsRequestError
          ? error
          : new CollectionsRequestError('REQUEST_FAILED', (error as Error).message, true);
      return batches.map((batch) =>
        batch.map((update): WriteOutcome => ({
          id: update.id,
          ok: false,
          code: failure.code,
          message: failure.message,
          fields: [],
          final: !failure.retryable,
        })),
      );
    } finally {
      this.options.onRequest?.(this.conn);
    }
  }
}
