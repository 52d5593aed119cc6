import type { WarehouseSourceConfig } from '../../../config/warehouse-source';
import type { Logger } from '../../../lib/logger';
import type { QueueFactory } from '../../../queues/queue-factory';
import { ScheduledSourceRuns } from '../../../queues/scheduled-source-runs';
import { runWarehouseImport, type WarehouseImportDeps, type WarehouseImportReport } from './warehouse-importer';

/** The job a source's scheduler (or RUN_IMPORT on a worker-less process) puts on the `warehouse` queue. */
export const WAREHOUSE_JOB_NAME = 'warehouse-import';

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
 * Runs warehouse sources on their schedule and on RUN_IMPORT (`ScheduledSourceRuns`: one run per source at a time,
 * so no two runs race on one watermark).
 */
export class WarehouseImports extends ScheduledSourceRuns<WarehouseSourceConfig, WarehouseImportReport> {
  constructor(deps: WarehouseImportsDeps) {
    super({
      ...deps,
      queue: 'warehouse',
      jobName: WAREHOUSE_JOB_NAME,
      missing: 'no active warehouse source has this id; nothing to import',
      runSource: (source) => runWarehouseImport(deps.importDeps(), source),
    });
  }
}
