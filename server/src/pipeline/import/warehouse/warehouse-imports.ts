import type { Job, Worker } from 'bullmq';
import { z } from 'zod';
import type { WarehouseSourceConfig } from '../../../config/warehouse-source';
import type { Logger } from '../../../lib/logger';
import { parseJobData } from '../../../queues/job-data';
import type { QueueFactory } from '../../../queues/queue-factory';
import { syncSourceSchedulers } from '../../../queues/source-schedulers';
import { runWarehouseImport, type WarehouseImportDeps, type WarehouseImportReport } from './warehouse-importer';

/** The job a source's scheduler (or RUN_IMPORT on a worker-less process) puts on the `warehouse` queue. */
export const WAREHOUSE_JOB_NAME = 'warehouse-import';
const jobSchema = z.object({ sourceId: z.string().min(1) });
export type WarehouseImportJob = z.infer<typeof jobSchema>;

export type WarehouseImportsDeps = {
  importDeps: () => WarehouseImportDeps;
  queues: QueueFactory;
  /** The warehouse sources as loaded now (the job names a source; its settings are read at run time). */
  sources: () => readonly WarehouseSourceConfig[];
  /** Whether this process keeps the job schedulers (the `scheduler` role); others leave them alone. */
  ownsSchedules?: () => boolean;
  logger: Logger;
  /** Tests fire every second instead of waiting for the cron's minute. */
  schedulePattern?: (source: WarehouseSourceConfig) => string;
  onFinished?: (report: WarehouseImportReport) => void;
};

/**
 * Runs warehouse sources: on their schedule (one BullMQ job scheduler per scheduled source, its cron in its time
 * zone, synced after every config load by the process that owns the schedulers) and on RUN_IMPORT. One run per source at a time: a second request while it
 * runs waits for it and then runs, so nothing asked for is dropped and no two runs race on one watermark.
 */
export class WarehouseImports {
  private worker: Worker | undefined;
  private readonly running = new Map<string, Promise<WarehouseImportReport | undefined>>();

  constructor(private readonly deps: WarehouseImportsDeps) {}

  start(): void {
    this.worker ??= this.deps.queues.worker(
      'warehouse',
      async (job: Job) => {
        if (job.name !== WAREHOUSE_JOB_NAME) return;
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
   * Keeps one job scheduler per active, scheduled source; removes the rest. Returns the scheduled source ids. A
   * process that does not own the schedulers changes nothing (undefined): the owner syncs when it takes over.
   */
  async sync(sources: readonly WarehouseSourceConfig[]): Promise<string[] | undefined> {
    if (this.deps.ownsSchedules?.() === false) return undefined;
    return syncSourceSchedulers(
      this.deps.queues.queue<WarehouseImportJob>('warehouse'),
      WAREHOUSE_JOB_NAME,
      sources,
      this.deps.schedulePattern,
    );
  }

  /** Runs one source now (after a run of it already going); undefined when no active warehouse source has the id. */
  run(sourceId: string): Promise<WarehouseImportReport | undefined> {
    const before = this.running.get(sourceId) ?? Promise.resolve(undefined);
    const next = before
      .catch(() => undefined)
      .then(async () => {
        const source = this.deps.sources().find((s) => s.id === sourceId);
        if (!source) {
          this.deps.logger.warn({ sourceId }, 'no active warehouse source has this id; nothing to import');
          return undefined;
        }
        const report = await runWarehouseImport(this.deps.importDeps(), source);
        this.deps.onFinished?.(report);
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
