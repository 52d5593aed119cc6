import { Job, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { buildDedupId } from './job-ids';
import { intakeJobSchema, mergeIntakeJobs, type IntakeJobData } from './intake-job';
import { parseJobData } from './job-data';

export const INTAKE_JOB_NAME = 'intake-record';
export const DEFAULT_DEBOUNCE_WINDOW_MS = 300;

/** States in which a job's data can still change before a worker reads it, but BullMQ's `replace` cannot touch it. */
const WAITING_STATES = new Set(['waiting', 'prioritized']);

export type DebounceOutcome =
  /** A delayed job holds this change (a new one, or the one it replaced); the window restarted. */
  | 'scheduled'
  /** The record's job had left the delay window but not started: this change was folded into its data. */
  | 'merged'
  /** The record's job is running: BullMQ keeps this change and queues it when that job finishes. */
  | 'after-active'
  /** The job already ran or was removed (a very short window). Nothing more to do. */
  | 'finished';

export interface RecordDebouncer {
  /** Queues a change to one record; a burst of changes within the window becomes one job with the latest state. */
  enqueue(change: IntakeJobData): Promise<{ jobId: string; outcome: DebounceOutcome }>;
}

/**
 * Per-record debounce on the `intake` queue, built on BullMQ 6 deduplication in debounce mode:
 * `delay` = window, `deduplication: { id: intake-<recordId>, extend, replace, keepLastIfActive }`.
 * While the record's job is delayed, `replace` removes it and adds the new one with a fresh delay (the window
 * slides); while it is active, `keepLastIfActive` stores the latest change and queues it when the job finishes.
 * Two gaps BullMQ leaves are closed here: `replace` drops the older job's data (so changed fields are united
 * first), and an add while the job is waiting (past its delay, not yet picked up) is silently discarded (so the
 * change is merged into the waiting job's data instead). Calls for one record are serialised in this process.
 */
export function createRecordDebouncer(
  queue: Queue<IntakeJobData>,
  /**
   * Used to read the change BullMQ holds for after an active job (its internal `dn:<dedup id>` hash keeps only the
   * last one), so changes arriving while the record's job runs are united too.
   */
  redis: Redis,
  options: { windowMs?: number } = {},
): RecordDebouncer {
  const windowMs = options.windowMs ?? DEFAULT_DEBOUNCE_WINDOW_MS;
  const inFlight = new Map<string, Promise<unknown>>();

  const readData = (job: Pick<Job<IntakeJobData>, 'id' | 'name' | 'data'>): IntakeJobData | undefined => {
    try {
      return parseJobData(intakeJobSchema, job);
    } catch {
      return undefined; // a malformed older job is simply replaced by the new change
    }
  };

  async function current(dedupId: string) {
    const id = await queue.getDeduplicationJobId(dedupId);
    if (!id) return undefined;
    const job = await Job.fromId<IntakeJobData>(queue, id);
    if (!job?.id) return undefined;
    return { job, id: job.id, state: await job.getState() };
  }

  /** The change BullMQ holds for after the active job (keepLastIfActive), if any. */
  async function pendingAfterActive(dedupId: string): Promise<IntakeJobData | undefined> {
    const raw = await redis.hget(queue.toKey(`dn:${dedupId}`), 'data');
    if (!raw) return undefined;
    try {
      return readData({ id: undefined, name: INTAKE_JOB_NAME, data: JSON.parse(raw) as IntakeJobData });
    } catch {
      return undefined;
    }
  }

  async function enqueueNow(change: IntakeJobData): Promise<{ jobId: string; outcome: DebounceOutcome }> {
    const dedupId = buildDedupId('intake', change.recordId);
    let data = change;
    // A few rounds at most: each one only repeats when a job changed state between two Redis calls.
    for (let round = 0; round < 3; round += 1) {
      const existing = await current(dedupId);
      const existingData = existing && readData(existing.job);
      if (existing && existingData && WAITING_STATES.has(existing.state)) {
        data = mergeIntakeJobs(existingData, data);
        await existing.job.updateData(data);
        if (WAITING_STATES.has(await existing.job.getState())) return { jobId: existing.id, outcome: 'merged' };
        continue; // picked up meanwhile: add again so the change is kept for after it
      }
      if (existing?.state === 'delayed' && existingData) data = mergeIntakeJobs(existingData, data);
      if (existing?.state === 'active') {
        const pending = await pendingAfterActive(dedupId);
        if (pending) data = mergeIntakeJobs(pending, data);
      }
      const job = await queue.add(INTAKE_JOB_NAME, data, {
        delay: windowMs,
        deduplication: { id: dedupId, ttl: windowMs, extend: true, replace: true, keepLastIfActive: true },
      });
      const jobId = job.id ?? '';
      const state = await queue.getJobState(jobId);
      if (state === 'delayed') return { jobId, outcome: 'scheduled' };
      if (state === 'active') return { jobId, outcome: 'after-active' };
      if (!WAITING_STATES.has(state)) return { jobId, outcome: 'finished' };
      // Waiting: either our own job already left its window, or BullMQ discarded our add; the next round merges.
    }
    const last = await current(dedupId);
    return { jobId: last?.id ?? '', outcome: 'merged' };
  }

  return {
    async enqueue(change) {
      // Fail fast at the producer too: a bad change is a bug in the caller, not something to queue.
      const parsed = parseJobData(intakeJobSchema, { id: undefined, name: INTAKE_JOB_NAME, data: change });
      const previous = inFlight.get(parsed.recordId) ?? Promise.resolve();
      const next = previous.catch(() => undefined).then(() => enqueueNow(parsed));
      inFlight.set(parsed.recordId, next);
      void next
        .finally(() => {
          if (inFlight.get(parsed.recordId) === next) inFlight.delete(parsed.recordId);
        })
        .catch(() => undefined);
      return next;
    },
  };
}
