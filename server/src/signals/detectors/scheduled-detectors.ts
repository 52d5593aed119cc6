import type { Job, Queue } from 'bullmq';
import type { RedisClient as Redis } from '../../state/redis';
import type { LoopConfig } from '../../config/loop-config';
import type { Logger } from '../../lib/logger';
import type { RunRecordWriter } from '../../pipeline/runs/run-record-writer';
import type { ApiBudgetGovernor } from '../../salesforce/budget/api-budget-governor';
import type { OrgClient } from '../../salesforce/org-client';
import type { SignalSink } from '../signal-firing';
import type { LoadedSignalRule } from '../signal-rule';
import { createDetectJobHandler, type DetectJobResult } from '../schedules/detect-job-handler';
import { syncDetectSchedules } from '../schedules/detect-schedules';
import type { SignalDetector } from './detector';
import { DetectorKeys } from './detector-keys';
import { FundingCursor } from './funding/funding-cursor';
import { FundingFeedClient, type FundingFeedSettings } from './funding/funding-feed-client';
import { FundingRoundDetector } from './funding-round-detector';
import { HiringSurgeDetector, type OpenRolesWriter } from './hiring-surge-detector';
import { JobBoardClient, PUBLIC_JOB_BOARD_API_URLS, type JobBoardApiUrls } from './job-boards/job-board-client';
import { OpenRolesHistory } from './job-boards/open-roles-history';

/** How the scheduled detectors reach their sources (from the environment), and test seams. */
export interface ScheduledDetectorSettings {
  jobBoards?: Partial<JobBoardApiUrls>;
  fundingFeed?: FundingFeedSettings;
  /** How often each rule's detector runs (tests: every second). */
  everyMs?: (rule: LoadedSignalRule) => number;
  now?: () => Date;
  /** Detectors built elsewhere (Job_Change needs the enrichment providers), added to the built-in ones. */
  extra?: SignalDetector[];
}

export interface ScheduledDetectorDeps {
  org: OrgClient;
  redis: Redis;
  prefix: string;
  queue: Queue;
  config: () => LoopConfig;
  sink: SignalSink;
  governor: ApiBudgetGovernor;
  runs: RunRecordWriter;
  openRoles?: OpenRolesWriter;
  logger: Logger;
}

/** The scheduled detectors: the `detect` job's handler and the schedulers' sync after each configuration load. */
export interface ScheduledDetectors {
  handle(job: Job): Promise<DetectJobResult>;
  /** Makes the schedulers match the active rules; failures are logged (the next load tries again). */
  sync(rules: readonly LoadedSignalRule[]): Promise<void>;
}

export function createScheduledDetectors(
  deps: ScheduledDetectorDeps,
  settings: ScheduledDetectorSettings = {},
): ScheduledDetectors {
  const keys = new DetectorKeys(deps.prefix);
  const detectors: SignalDetector[] = [
    new HiringSurgeDetector({
      org: deps.org,
      boards: new JobBoardClient({ ...PUBLIC_JOB_BOARD_API_URLS, ...settings.jobBoards }),
      history: new OpenRolesHistory(deps.redis, keys),
      openRoles: deps.openRoles,
    }),
    new FundingRoundDetector({
      org: deps.org,
      feed: new FundingFeedClient(settings.fundingFeed ?? { url: 'https://api.crunchbase.com/v4' }),
      cursor: new FundingCursor(deps.redis, keys),
    }),
    ...(settings.extra ?? []),
  ];
  const handle = createDetectJobHandler({
    redis: deps.redis,
    prefix: deps.prefix,
    config: deps.config,
    detectors,
    sink: deps.sink,
    governor: deps.governor,
    runs: deps.runs,
    logger: deps.logger,
    now: settings.now,
  });
  return {
    handle,
    async sync(rules) {
      try {
        const ids = await syncDetectSchedules(deps.queue, rules, settings.everyMs);
        deps.logger.debug({ schedulers: ids }, 'signal detector schedules synced');
      } catch (error) {
        deps.logger.error({ err: error }, 'could not sync the signal detector schedules');
      }
    },
  };
}
