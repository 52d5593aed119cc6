/**
 * Runs prospect search sources: on their schedule (one BullMQ job scheduler per scheduled source, its cron in its
 * time zone, kept only by the process that owns the schedulers) and on RUN_IMPORT; estimates a run on ESTIMATE_RUN.
 * One run per source at a time: a second request while one runs waits for it, so two runs never race on one
 * source's monthly ceiling or its "seen" set.
 */
import type { Job, Worker } from 'bullmq';
import { z } from 'zod';
import type { ProspectSourceConfig } from '../../config/prospect-source';
import type { Logger } from '../../lib/logger';
import { parseJobData } from '../../queues/job-data';
import type { QueueFactory } from '../../queues/queue-factory';
import { syncSourceSchedulers } from '../../queues/source-schedulers';
import { estimateProspectRun } from './estimate-prospect-run';
import type { ProspectProviders } from './prospect-providers';
import { runProspectSearch, type ProspectRunDeps, type ProspectRunResult } from './prospect-search-run';

export const PROSPECT_JOB_NAME = 'prospect-search';
const jobSchema = z.object({ sourceId: z.string().min(1) });
type ProspectSearchJob = z.infer<typeof jobSchema>;

export type ProspectSearchReport = ProspectRunResult & { sourceId: string };

export type ProspectSearchesDeps = {
  runDeps: () => Omit<ProspectRunDeps, 'provider'>;
  providers: ProspectProviders;
  queues: QueueFactory;
  /** The prospect sources as loaded now (a job names a source; its settings are read at run time). */
  sources: () => readonly ProspectSourceConfig[];
  /** Whether this process keeps the job schedulers (the `scheduler` role); others leave them alone. */
  ownsSchedules?: () => boolean;
  logger: Logger;
  /** Tests fire every second instead of waiting for the cron's minute. */
  schedulePattern?: (source: ProspectSourceConfig) => string;
  onFinished?: (report: ProspectSearchReport) => void;
};

export class ProspectSearches {
  private worker: Worker | undefined;
  private readonly running = new Map<string, Promise<ProspectSearchReport | undefined>>();

  constructor(private readonly deps: ProspectSearchesDeps) {}

  find(sourceId: string): ProspectSourceConfig | undefined {
    return this.deps.sources().find((source) => source.id === sourceId);
  }

  start(): void {
    this.worker ??= this.deps.queues.worker(
      'prospects',
      async (job: Job) => {
        if (job.name !== PROSPECT_JOB_NAME) return;
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
  async sync(sources: readonly ProspectSourceConfig[]): Promise<string[] | undefined> {
    if (this.deps.ownsSchedules?.() === false) return undefined;
    return syncSourceSchedulers(
      this.deps.queues.queue<ProspectSearchJob>('prospects'),
      PROSPECT_JOB_NAME,
      sources,
      this.deps.schedulePattern,
    );
  }

  /** Runs one source now (after a run of it already going); undefined when no active prospect source has the id. */
  run(sourceId: string): Promise<ProspectSearchReport | undefined> {
    const before = this.running.get(sourceId) ?? Promise.resolve(undefined);
    const next = before
      .catch(() => undefined)
      .then(async () => {
        const source = this.find(sourceId);
        if (!source) {
          this.deps.logger.warn({ sourceId }, 'no active prospect search source has this id; nothing to run');
          return undefined;
        }
        const provider = this.deps.providers.get(source.settings.provider);
        if (!provider) {
          // The loader refuses such a source; this is a source loaded before the key was removed.
          this.deps.logger.warn({ sourceId }, this.deps.providers.problem(source.settings.provider));
          return undefined;
        }
        const result = await runProspectSearch(source, { ...this.deps.runDeps(), provider });
        const report = { ...result, sourceId };
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

  /** ESTIMATE_RUN: writes the run's credit estimate to the source; undefined when no active source has the id. */
  async estimate(sourceId: string): Promise<number | undefined> {
    const source = this.find(sourceId);
    if (!source) return undefined;
    const { org, ledger } = this.deps.runDeps();
    return estimateProspectRun(source, { org, ledger });
  }
}
