/**
 * Runs prospect search sources on their schedule and on RUN_IMPORT (`ScheduledSourceRuns`: one run per source at a
 * time, so two runs never race on one source's monthly ceiling or its "seen" set); estimates a run on ESTIMATE_RUN.
 */
import type { ProspectSourceConfig } from '../../config/prospect-source';
import type { Logger } from '../../lib/logger';
import type { QueueFactory } from '../../queues/queue-factory';
import { ScheduledSourceRuns } from '../../queues/scheduled-source-runs';
import { estimateProspectRun } from './estimate-prospect-run';
import type { ProspectProviders } from './prospect-providers';
import { runProspectSearch, type ProspectRunDeps, type ProspectRunResult } from './prospect-search-run';

export const PROSPECT_JOB_NAME = 'prospect-search';

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

export class ProspectSearches extends ScheduledSourceRuns<ProspectSourceConfig, ProspectSearchReport> {
  constructor(private readonly deps: ProspectSearchesDeps) {
    super({
      ...deps,
      queue: 'prospects',
      jobName: PROSPECT_JOB_NAME,
      missing: 'no active prospect search source has this id; nothing to run',
      runSource: async (source) => {
        const provider = deps.providers.get(source.settings.provider);
        if (!provider) {
          // The loader refuses such a source; this is a source loaded before the key was removed.
          deps.logger.warn({ sourceId: source.id }, deps.providers.problem(source.settings.provider));
          return undefined;
        }
        const result = await runProspectSearch(source, { ...deps.runDeps(), provider });
        return { ...result, sourceId: source.id };
      },
    });
  }

  /** ESTIMATE_RUN: writes the run's credit estimate to the source; undefined when no active source has the id. */
  async estimate(sourceId: string): Promise<number | undefined> {
    const source = this.find(sourceId);
    if (!source) return undefined;
    const { org, ledger } = this.deps.runDeps();
    return estimateProspectRun(source, { org, ledger });
  }
}
