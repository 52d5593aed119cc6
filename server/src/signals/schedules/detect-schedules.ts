import type { Queue } from 'bullmq';
import { z } from 'zod';
import type { LoadedSignalRule, SignalType } from '../signal-rule';

/** The job a rule's scheduler adds to the `signals` queue: run that rule's detector once. */
export const DETECT_JOB = 'detect';
export const detectJobSchema = z.object({ ruleId: z.string().min(1) });
export type DetectJob = z.infer<typeof detectJobSchema>;

/** The types a scheduler runs; Field_Threshold follows CDC and Webhook is pushed to us. */
export const SCHEDULED_SIGNAL_TYPES: ReadonlySet<SignalType> = new Set(['Hiring_Surge', 'Funding_Round', 'Job_Change']);

const HOUR_MS = 3_600_000;

/**
 * How often a rule's detector runs: Hiring_Surge every `cadenceHours`, Funding_Round every `pollMinutes`; Job_Change
 * every day, each run asking about that day's share of the records (so each is asked once per `cadenceDays`).
 */
export function detectEveryMs(rule: LoadedSignalRule): number {
  switch (rule.type) {
    case 'Hiring_Surge':
      return rule.settings.cadenceHours * HOUR_MS;
    case 'Funding_Round':
      return rule.settings.pollMinutes * 60_000;
    default:
      return 24 * HOUR_MS;
  }
}

export const detectSchedulerId = (ruleId: string) => `signal-detect:${ruleId}`;

/**
 * One BullMQ job scheduler per active scheduled rule on the `signals` queue (id `signal-detect:<ruleId>`), and the
 * schedulers of rules gone, inactive or in error removed. Called after every configuration load. `everyFor` lets a
 * test run a detector every second.
 */
export async function syncDetectSchedules(
  queue: Queue,
  rules: readonly LoadedSignalRule[],
  everyFor: (rule: LoadedSignalRule) => number = detectEveryMs,
): Promise<string[]> {
  const scheduled = rules.filter((rule) => SCHEDULED_SIGNAL_TYPES.has(rule.type));
  const wanted = new Set(scheduled.map((rule) => detectSchedulerId(rule.id)));
  for (const existing of await queue.getJobSchedulers(0, -1)) {
    if (existing.name === DETECT_JOB && !wanted.has(existing.key)) await queue.removeJobScheduler(existing.key);
  }
  for (const rule of scheduled) {
    const data: DetectJob = { ruleId: rule.id };
    await queue.upsertJobScheduler(
      detectSchedulerId(rule.id),
      { every: everyFor(rule) },
      { name: DETECT_JOB, data, opts: { attempts: 1, removeOnComplete: 100, removeOnFail: 100 } },
    );
  }
  return [...wanted];
}
