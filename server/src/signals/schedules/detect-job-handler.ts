import type { Job } from 'bullmq';
import type { RedisClient as Redis } from '../../state/redis';
import type { LoopConfig } from '../../config/loop-config';
import type { Logger } from '../../lib/logger';
import type { RunRecordWriter } from '../../pipeline/runs/run-record-writer';
import type { ApiBudgetGovernor } from '../../salesforce/budget/api-budget-governor';
import type { SignalSink } from '../signal-firing';
import type { LoadedSignalRule, SignalType } from '../signal-rule';
import { budgetStop, type DetectorRunContext, type DetectorStop, type SignalDetector } from '../detectors/detector';
import { DetectorRun, type DetectorRunEnd } from '../detectors/detector-run';
import { detectJobSchema } from './detect-schedules';

export interface DetectJobDeps {
  redis: Redis;
  prefix: string;
  config: () => LoopConfig;
  detectors: readonly SignalDetector[];
  sink: SignalSink;
  governor: ApiBudgetGovernor;
  runs: RunRecordWriter;
  logger: Logger;
  now?: () => Date;
}

export type DetectJobResult =
  | { skipped: 'rule not active' | 'no detector' | 'already running' }
  | { runId?: string; status: DetectorRunEnd['status']; checked: number; fired: number; failed: number };

/** Longest a run holds its rule's lock (a crashed process frees it after this). */
const LOCK_MS = 30 * 60_000;

/**
 * The `detect` job: runs one rule's detector as an `Audience_Run__c` of type Signal. A rule gone or inactive since
 * the scheduler was made is skipped; one rule never runs twice at once (a Redis lock); at the API budget's pause level
 * the run is recorded as Paused with the reason and the next scheduled run tries again.
 */
export function createDetectJobHandler(deps: DetectJobDeps): (job: Job) => Promise<DetectJobResult> {
  const byType = new Map<SignalType, SignalDetector>(deps.detectors.map((detector) => [detector.type, detector]));
  const now = deps.now ?? (() => new Date());
  return async (job) => {
    const { ruleId } = detectJobSchema.parse(job.data);
    const rule = deps.config().signalRules.find((candidate) => candidate.id === ruleId);
    if (!rule) return { skipped: 'rule not active' };
    const detector = byType.get(rule.type);
    if (!detector) return { skipped: 'no detector' };
    const lock = `${deps.prefix}:signal:detect-lock:${rule.id}`;
    const token = `${job.id ?? 'job'}-${Date.now()}`;
    if ((await deps.redis.set(lock, token, 'PX', LOCK_MS, 'NX')) !== 'OK') return { skipped: 'already running' };
    try {
      return await runDetector(deps, detector, rule, now);
    } finally {
      // Only our own lock is freed (a run that outlived LOCK_MS must not free the next one's).
      if ((await deps.redis.get(lock)) === token) await deps.redis.del(lock);
    }
  };
}

async function runDetector(
  deps: DetectJobDeps,
  detector: SignalDetector,
  rule: LoadedSignalRule,
  now: () => Date,
): Promise<DetectJobResult> {
  const logger = deps.logger.child({ ruleId: rule.id, signalType: rule.type });
  const run = await DetectorRun.start(deps.runs, logger, rule);
  const context: DetectorRunContext = {
    sink: deps.sink,
    run,
    shouldStop: (): DetectorStop | undefined => budgetStop(deps.governor),
    now,
  };
  let end: DetectorRunEnd;
  const before = context.shouldStop();
  if (before) {
    end = before;
  } else {
    try {
      end = await (detector as SignalDetector<typeof rule.type>).detect(rule as never, context);
    } catch (error) {
      logger.error({ err: error }, 'signal detector run failed');
      end = { status: 'Failed', message: `detector failed: ${error instanceof Error ? error.message : String(error)}` };
    }
  }
  await run.finish(end);
  logger.info({ runId: run.id, status: end.status, checked: run.checked, fired: run.fired }, end.message);
  return { runId: run.id, status: end.status, checked: run.checked, fired: run.fired, failed: run.failed };
}
