import { randomUUID } from 'node:crypto';
import type { RecordObject } from '../../../domain/mirror-record';
import type { Logger } from '../../../lib/logger';
import { memberOf, type IntakeBuffer, type IntakeEntry } from './intake-buffer';

/** What processing a batch of one object's records reports: the ids whose work must be tried again. */
export type ProcessBatch = (object: RecordObject, recordIds: string[]) => Promise<{ retry: string[] }>;

export interface IntakeDrainerOptions {
  buffer: IntakeBuffer;
  process: ProcessBatch;
  logger: Logger;
  /** True while nothing may be processed (the API budget is exhausted); claims wait in Redis meanwhile. */
  paused?: () => boolean;
  /** Records given up after every attempt: reported, never silently dropped. */
  onGivenUp?: (entries: IntakeEntry[]) => void;
  /** Records per claim. One claim is processed as one batch, so its writes share Collections/Composite calls. */
  batchSize?: number;
  /** Batches processed at the same time (default `DEFAULT_INTAKE_CONCURRENCY`). */
  concurrency?: number;
  /** How often the due set is looked at when the last look found nothing. */
  pollMs?: number;
  heartbeatMs?: number;
}

/**
 * Batches in flight at once. A batch stays in flight until the writer has answered for its records, and under load
 * the writer holds a batch open for up to its 0.5 s window: every batch claimed meanwhile (one per 50 ms poll) must
 * be able to join that window, or the changes behind them wait in Redis for a slot and then for a whole new window.
 * With 4 slots a 200 edits/s stream had p50/p95 697/1,009 ms on a quiet machine; with 16, 441/664 ms at the same
 * calls per write-back budget (docs/performance.md, "Change → write-back windows").
 */
export const DEFAULT_INTAKE_CONCURRENCY = 16;

/**
 * Takes due records from the intake buffer in batches and processes them, DESIGN §5. A batch's records go through
 * the processor together (one ledger read, one pipeline of marks, writes coalesced), which is what makes a stream
 * of changes cost about what an import page costs per record. Writes that can succeed later go back with backoff.
 */
export class IntakeDrainer {
  readonly owner = `intake-${randomUUID()}`;
  private readonly batchSize: number;
  private readonly concurrency: number;
  private readonly pollMs: number;
  private readonly heartbeatMs: number;
  private running = false;
  private readonly inFlight = new Set<Promise<void>>();
  /** What this drainer is processing, so its heartbeat can tell an orphaned claim (lost reply) from a held one. */
  private readonly held = new Map<string, IntakeEntry>();
  private pollTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;

  constructor(private readonly options: IntakeDrainerOptions) {
    this.batchSize = options.batchSize ?? 500;
    this.concurrency = options.concurrency ?? DEFAULT_INTAKE_CONCURRENCY;
    this.pollMs = options.pollMs ?? 50;
    this.heartbeatMs = options.heartbeatMs ?? 2_000;
  }

  /**
   * Runs `work` on the records of these ids that no intake batch (of any process) is processing, holding them
   * meanwhile, so two processings of one record never overlap: their writes could land in one order and their
   * ledger entries in the other. With `requeueBusy` (an import page) the ids left out are queued again: the batch
   * holding one may have read it from the mirror before the caller stored a newer copy, so it is processed once
   * more after that batch, on the copy the caller stored.
   */
  async exclusive(
    object: RecordObject,
    recordIds: string[],
    work: (recordIds: string[]) => Promise<void>,
    options: { requeueBusy?: boolean } = {},
  ) {
    const wanted = recordIds.map((recordId): IntakeEntry => ({ object, recordId }));
    const entries = await this.options.buffer.claimRecords(this.owner, wanted);
    for (const entry of entries) this.held.set(memberOf(entry), entry);
    try {
      if (options.requeueBusy) {
        // The kill -9 chaos loss: a batch reclaimed from a dead worker planned a record from its pre-edit copy while
        // the restarted import stored the edited one and left the record to that batch; nothing processed the edit.
        const got = new Set(entries.map(memberOf));
        const busy = wanted.filter((entry) => !got.has(memberOf(entry)));
        if (busy.length > 0) await this.options.buffer.enqueue(busy);
      }
      await work(entries.map((entry) => entry.recordId));
    } finally {
      await this.release([], entries);
      for (const entry of entries) this.held.delete(memberOf(entry));
    }
  }

  async start(): Promise<void> {
    if (this.running) return;
    this.running = true;
    // Takes back what a process that died (this one, before a restart) had claimed and left unfinished.
    const reclaimed = await this.options.buffer.heartbeat(this.owner);
    if (reclaimed > 0) this.options.logger.info({ reclaimed }, 'intake: records of a stopped worker queued again');
    this.heartbeatTimer = setInterval(() => void this.beat(), this.heartbeatMs);
    this.heartbeatTimer.unref();
    this.schedule(0);
  }

  /** Stops claiming, lets the batches in flight finish, then retires this owner. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.pollTimer);
    clearInterval(this.heartbeatTimer);
    await this.polling;
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
    await this.options.buffer.retire(this.owner).catch(() => undefined);
  }

  private async beat(): Promise<void> {
    try {
      const reclaimed = await this.options.buffer.heartbeat(this.owner, [...this.held.values()]);
      if (reclaimed > 0) this.options.logger.warn({ reclaimed }, 'intake: orphaned claims queued again');
    } catch (error) {
      this.options.logger.warn({ err: error }, 'intake heartbeat failed');
    }
  }

  private schedule(delayMs: number): void {
    if (!this.running) return;
    clearTimeout(this.pollTimer);
    this.pollTimer = setTimeout(() => {
      // One look at a time: a look already under way schedules the next one itself.
      if (this.polling) return;
      this.polling = this.poll().finally(() => {
        this.polling = undefined;
      });
    }, delayMs);
  }

  private async poll(): Promise<void> {
    let next = this.pollMs;
    try {
      if (this.inFlight.size < this.concurrency && !this.options.paused?.()) {
        const entries = await this.options.buffer.claim(this.owner, this.batchSize);
        if (entries.length > 0) {
          for (const entry of entries) this.held.set(memberOf(entry), entry);
          const batch = this.runBatch(entries).finally(() => {
            this.inFlight.delete(batch);
            // A slot is free: look again at once rather than at the next poll.
            if (!this.polling) this.schedule(0);
          });
          this.inFlight.add(batch);
          // A full claim means more may be due right now.
          if (entries.length === this.batchSize) next = 0;
        }
      }
    } catch (error) {
      // Redis unreachable: ioredis reconnects; claims stay in Redis and are looked at again.
      this.options.logger.warn({ err: error }, 'intake claim failed');
      next = 1_000;
    }
    this.schedule(next);
  }

  private async runBatch(entries: IntakeEntry[]): Promise<void> {
    try {
      await this.processBatch(entries);
    } finally {
      for (const entry of entries) this.held.delete(memberOf(entry));
    }
  }

  private async processBatch(entries: IntakeEntry[]): Promise<void> {
    const byObject = new Map<RecordObject, string[]>();
    for (const entry of entries) byObject.set(entry.object, [...(byObject.get(entry.object) ?? []), entry.recordId]);
    const retry: IntakeEntry[] = [];
    for (const [object, ids] of byObject) {
      try {
        const outcome = await this.options.process(object, ids);
        for (const recordId of outcome.retry) retry.push({ object, recordId });
      } catch (error) {
        // Anything unexpected (Redis, an HTTP failure outside the writer): the whole group is tried again later.
        this.options.logger.warn({ err: error, object, records: ids.length }, 'intake batch failed; will retry');
        for (const recordId of ids) retry.push({ object, recordId });
      }
    }
    const retried = new Set(retry.map(memberOf));
    const done = entries.filter((e) => !retried.has(memberOf(e)));
    const givenUp = await this.release(retry, done);
    if (givenUp.length > 0) {
      this.options.logger.error(
        { records: givenUp.length, sample: givenUp.slice(0, 5) },
        'intake: records given up after every attempt',
      );
      this.options.onGivenUp?.(givenUp);
    }
  }

  /** Hands the batch back; a Redis blip is waited out, since a claim never released would hold its record forever. */
  private async release(retry: IntakeEntry[], done: IntakeEntry[]): Promise<IntakeEntry[]> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        const givenUp = await this.options.buffer.retry(this.owner, retry);
        await this.options.buffer.complete(this.owner, done);
        return givenUp;
      } catch (error) {
        this.options.logger.warn({ err: error, attempt }, 'intake could not release a batch; trying again');
        // Stopped meanwhile: the claims stay with this owner and return to the due set once its heartbeat ends.
        if (!this.running && attempt >= 3) return [];
        await new Promise((resolve) => setTimeout(resolve, Math.min(attempt * 500, 5_000)));
      }
    }
  }
}
