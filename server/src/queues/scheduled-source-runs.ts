import type { Job, Worker } from 'bullmq';
import { z } from 'zod';
import type { Logger } from '../lib/logger';
import { parseJobData } from './job-data';
import type { QueueFactory } from './queue-factory';
import type { QueueName } from './queue-names';
import { syncSourceSchedulers, type ScheduledSource } from './source-schedulers';

const jobSchema = z.object({ sourceId: z.string().min(1) });

export interface ScheduledSourceRunsOptions<S extends ScheduledSource, R> {
  /** The BullMQ queue the schedulers put jobs on, and the jobs' name. */
  queue: QueueName;
  jobName: string;
  queues: QueueFactory;
  /** The sources as loaded now (a job names a source; its settings are read at run time). */
  sources: () => readonly S[];
  /** Whether this process keeps the job schedulers (the `scheduler` role); others leave them alone. */
  ownsSchedules?: (() => boolean) | undefined;
  /** Tests fire every second instead of waiting for the cron's minute. */
  schedulePattern?: ((source: S) => string) | undefined;
  logger: Logger;
  /** The warning logged when a run asks for an id no active source has. */
  missing: string;
  /** One run of a source; undefined when it could not start (the reason logged by it). */
  runSource: (source: S) => Promise<R | undefined>;
  onFinished?: ((report: R) => void) | undefined;
}

/**
 * Runs sources of one kind (warehouse imports, prospect searches): on their schedule (one BullMQ job scheduler per
 * scheduled source, its cron in its time zone, kept only by the process that owns the schedulers) and on request.
 * One run per source at a time: a second request while one runs waits for it and then runs, so nothing asked for is
 * dropped and no two runs race on one source's watermark, ceiling or "seen" set.
 */
export class ScheduledSourceRuns<S extends ScheduledSource, R> {
  private worker: Worker | undefined;
  private readonly running = new Map<string, Promise<R | undefined>>();

  constructor(private readonly options: ScheduledSourceRunsOptions<S, R>) {}

  find(sourceId: string): S | undefined {
    return this.options.sources().find((source) => source.id === sourceId);
  }

  start(): void {
    const { jobName } = this.options;
    this.worker ??= this.options.queues.worker(
      this.options.queue,
      async (job: Job) => {
        if (job.name !== jobName) return;
        await this.run(parseJobData(jobSchema, job).sourceId);
      },
      { concurrency: 1 },
    ) as unknown as Worker;
  }

  async stop(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    await worker?.close();
  }

  /**
   * Keeps one job scheduler per active, scheduled source and removes the rest; returns the scheduled source ids.
   * A process that does not own the schedulers changes nothing (undefined): the owner syncs when it takes over.
   */
  async sync(sources: readonly S[]): Promise<string[] | undefined> {
    if (this.options.ownsSchedules?.() === false) return undefined;
    return syncSourceSchedulers(
      this.options.queues.queue<{ sourceId: string }>(this.options.queue),
      this.options.jobName,
      sources,
      this.options.schedulePattern,
    );
  }

  /** Runs one source now (after a run of it already going); undefined when no active source has the id. */
  run(sourceId: string): Promise<R | undefined> {
    const before = this.running.get(sourceId) ?? Promise.resolve(undefined);
    const next = before
      .catch(() => undefined)
      .then(async () => {
        const source = this.find(sourceId);
        if (!source) {
          this.options.logger.warn({ sourceId }, this.options.missing);
          return undefined;
        }
        const report = await this.options.runSource(source);
        if (report !== undefined) this.options.onFinished?.(report);
        return report;
      });
    this.running.set(sourceId, next);
    const forget = () => {
      if (this.running.get(sourceId) === next) this.running.delete(sourceId);
    };
    next.then(forget, forget);
    return next;
  }
}
