import type { Job } from 'bullmq';
import type { Loop } from '../../../server/src/runtime/compose';
import { DETECT_JOB } from '../../../server/src/signals/schedules/detect-schedules';
import { type LoopHarness, waitFor } from './loop-harness';

/** One detector run as its `Audience_Run__c` (type Signal) says. */
export type DetectorRunRow = Record<string, unknown> & {
  Id: string;
  Status__c: string;
  Status_Message__c: string | null;
  Processed__c: number;
  Succeeded__c: number;
  Failed__c: number;
  Credits_Used__c: number | null;
  Error_Summary__c: string | null;
  Finished_At__c: string | null;
};

/** What a `detect` job answers. */
export interface DetectResult {
  runId?: string;
  status?: string;
  fired?: number;
  skipped?: string;
}

/** The detector e2e tests' reads and triggers: a rule's run records, its first scheduled run, one run on demand. */
export function detectorRuns(harness: () => LoopHarness, loop: () => Loop) {
  const runsOf = (ruleId: string) =>
    harness().query<DetectorRunRow>(
      `SELECT Id, Status__c, Status_Message__c, Processed__c, Succeeded__c, Failed__c, Credits_Used__c, ` +
        `Error_Summary__c, Finished_At__c FROM Audience_Run__c ` +
        `WHERE Type__c = 'Signal' AND Audience_Signal_Rule__c = '${ruleId}' ORDER BY Started_At__c`,
    );
  /** Waits for the first (scheduled, immediate) run of a rule to have finished and released its lock. */
  const firstRunDone = async (ruleId: string) => {
    const runs = await waitFor(
      async () => (await runsOf(ruleId)).find((run) => run.Finished_At__c) && (await runsOf(ruleId)),
      60_000,
      `the first scheduled run of ${ruleId}`,
    );
    const h = harness();
    await waitFor(
      async () => (await h.redis.exists(`${h.prefix}:signal:detect-lock:${ruleId}`)) === 0,
      10_000,
      'the rule lock to be freed',
    );
    return runs;
  };
  /** Runs the rule's detector once through the queue, as its scheduler does, and waits for the job's result. */
  const detect = async (ruleId: string): Promise<DetectResult> => {
    const job: Job = await loop().queues.queue('signals').add(DETECT_JOB, { ruleId });
    return (await job.waitUntilFinished(loop().queues.queueEventsFor('signals'), 60_000)) as DetectResult;
  };
  return { runsOf, firstRunDone, detect };
}
