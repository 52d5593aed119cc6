import { DelayedError, type Job, type Worker } from 'bullmq';
import type { RedisClient as Redis } from '../../state/redis';
import { z } from 'zod';
import { RECORD_OBJECTS } from '../../domain/records';
import type { Logger } from '../../lib/logger';
import { parseJobData } from '../../queues/job-data';
import { jobId } from '../../queues/job-ids';
import type { QueueFactory } from '../../queues/queue-factory';
import type { KeySpace } from '../../state/key-space';
import type { MirrorStore } from '../import/mirror-store';
import { ApiBudgetExceededError } from '../../salesforce/budget/budget-errors';
import type { LiveConfig } from '../live-config';
import { episodeKey as episodeKeyOf } from '../segments/membership/membership-event';
import type { MembershipStore } from '../segments/membership/membership-store';
import { ActionLogNotSavedError, ApplicationBusyError, ApplicationRetryError } from './action-errors';
import { applicationKey } from './action-target';
import type { ApplicationOutcome, ApplicationRunner, PlannedApplication } from './application-runner';
import type { LoadedAction } from './loaded-action';

/** A membership event as the `membership` queue carries it (entry, exit, or a backfill's entry). */
const eventJobSchema = z.object({
  kind: z.enum(['entry', 'exit']),
  audienceId: z.string().min(1),
  object: z.enum(RECORD_OBJECTS),
  recordId: z.string().min(1),
  episodeKey: z.string().min(1),
  at: z.string(),
  cause: z.string().optional(),
  /** The actions active when the episode opened (stamped by the fanout, or the one action a backfill is for). */
  actionIds: z.array(z.string()).optional(),
});
export type ActionEventJob = z.infer<typeof eventJobSchema>;

const pollJobSchema = z.object({
  actionId: z.string(),
  operation: z.enum(['apply', 'remove']),
  episodeKey: z.string(),
  recordId: z.string(),
  occurredAt: z.string(),
  externalId: z.string(),
  attempt: z.number().int().positive(),
});
type PollJob = z.infer<typeof pollJobSchema>;

const BUSY_RETRY_MS = 2_000;
const LOG_RETRY_MS = 5_000;
const BACKFILL_CHECK_MS = 30_000;
/**
 * An application the API budget holds back is looked at again this soon: while the budget stays past
 * API_BUDGET_PAUSE the gate keeps the queue paused, so a due job just waits there; once it resumes, it runs.
 */
const BUDGET_RETRY_MS = 5_000;
/**
 * Membership events worked on at once: a bulk entry's applications then reach the log writer and the batched
 * targets together (one Composite call per 1,000 rows). Each event stays an unacknowledged BullMQ job until every
 * application it carries has settled, so a worker that dies mid-way leaves it to be picked up again.
 */
const DEFAULT_CONCURRENCY = 1000;
/**
 * A job whose worker died is "stalled": BullMQ moves it back to waiting once its lock expired. BullMQ's default
 * fails a job that stalls twice — an event lost, with no log row, after two crashes in a row. Never give up on one.
 */
const MAX_STALLED = Number.MAX_SAFE_INTEGER;

export interface ActionStepDeps {
  queues: QueueFactory;
  config: LiveConfig;
  mirror: MirrorStore;
  membershipStore: MembershipStore;
  redis: Redis;
  keys: KeySpace;
  logger: Logger;
  concurrency?: number;
  /** How long a dead worker's job stays locked before another worker takes it again (BullMQ `lockDuration`). */
  lockMs?: number;
}

/**
 * The action step: consumes the `membership` queue. Each entry runs the apply of every action that was active
 * when the episode opened; each exit runs the remove of the actions whose `On_Exit__c` is Remove (a
 * `source_changed` exit only when the action opts in) and cancels applications that have not run yet. Pending
 * answers are polled through delayed `poll` jobs; `backfill` jobs bring an action to members it predates, once.
 */
export class ActionStep {
  private worker: Worker | undefined;
  private backfillTimer: NodeJS.Timeout | undefined;
  private runner: ApplicationRunner | undefined;

  constructor(private readonly deps: ActionStepDeps) {}

  /** The runner is made after the step (it schedules polls through it). */
  attach(runner: ApplicationRunner): void {
    this.runner = runner;
  }

  async start(): Promise<void> {
    const lockDuration = this.deps.lockMs ?? 30_000;
    this.worker = this.deps.queues.worker('membership', (job, token) => this.process(job, token), {
      concurrency: this.deps.concurrency ?? DEFAULT_CONCURRENCY,
      lockDuration,
      stalledInterval: lockDuration,
      maxStalledCount: MAX_STALLED,
    });
    await this.backfill();
    this.backfillTimer = setInterval(() => void this.backfill(), BACKFILL_CHECK_MS);
    this.backfillTimer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.backfillTimer);
    await this.worker?.close();
    this.worker = undefined;
  }

  /**
   * Slack's Enrol: applies one action to one record for one signal, once — the application's key is
   * `<actionId>-signal-<signalId>-apply`, so a second click (or a retried job) finds it settled. Throws the
   * runner's retry errors (`ApplicationRetryError`, `ApplicationBusyError`) for the caller's job to come back.
   */
  async applyForSignal(input: {
    actionId: string;
    signalId: string;
    recordId: string;
    at: string;
  }): Promise<ApplicationOutcome | undefined> {
    const runner = this.runner;
    if (!runner) throw new Error('the action step has no runner');
    const action = this.deps.config.current.actions.find((a) => a.id === input.actionId);
    if (!action) return undefined;
    const audience = this.deps.config.current.audiences.find((a) => a.id === action.audienceId);
    const record = await this.deps.mirror.get(action.object, input.recordId);
    return runner.run({
      action,
      operation: 'apply',
      audience: { id: action.audienceId, name: audience?.name ?? action.audienceId },
      episodeKey: `signal-${input.signalId}`,
      record: { id: input.recordId, fields: record?.fields },
      occurredAt: input.at,
      signalId: input.signalId,
    });
  }

  /** Queues a poll of a Pending application (later, and later again while it stays Pending). */
  async schedulePoll(planned: PlannedApplication, externalId: string, attempt: number): Promise<void> {
    const data: PollJob = {
      actionId: planned.action.id,
      operation: planned.operation,
      episodeKey: planned.episodeKey,
      recordId: planned.record.id,
      occurredAt: planned.occurredAt,
      externalId,
      attempt,
    };
    const key = applicationKey(planned.action.id, planned.episodeKey, planned.operation);
    await this.deps.queues
      .queue('membership')
      .add('poll', data, { jobId: jobId('poll', key, String(attempt)), delay: Math.min(60_000, 5_000 * attempt) });
  }

  /** Queues the current members of every backfill action not backfilled yet (once per action). */
  async backfill(): Promise<void> {
    const { config, keys, redis, membershipStore, queues, logger } = this.deps;
    for (const action of config.current.actions.filter((a) => a.backfill)) {
      if ((await redis.exists(keys.actionBackfilled(action.id))) === 1) continue;
      const members = await membershipStore.activeMembers(action.audienceId);
      const at = new Date().toISOString();
      const jobs = members.map(({ recordId, episode }) => {
        const data: ActionEventJob = {
          kind: 'entry',
          audienceId: action.audienceId,
          object: action.object,
          recordId,
          episodeKey: episodeKeyOf(action.audienceId, recordId, episode),
          at,
          actionIds: [action.id],
        };
        return { name: 'backfill', data, opts: { jobId: jobId('backfill', action.id, data.episodeKey) } };
      });
      for (let i = 0; i < jobs.length; i += 1000) await queues.queue('membership').addBulk(jobs.slice(i, i + 1000));
      await redis.set(keys.actionBackfilled(action.id), at);
      logger.info({ actionId: action.id, members: jobs.length }, 'action backfill queued');
    }
  }

  private async process(job: Job, token: string | undefined): Promise<void> {
    const runner = this.runner;
    if (!runner) throw new Error('the action step has no runner');
    let retryMs: number | undefined;
    const attempt = async (work: () => Promise<unknown>) => {
      try {
        await work();
      } catch (error) {
        if (error instanceof ApplicationRetryError) retryMs = Math.min(retryMs ?? Infinity, error.delayMs);
        else if (error instanceof ApplicationBusyError) retryMs = Math.min(retryMs ?? Infinity, BUSY_RETRY_MS);
        // Past API_BUDGET_PAUSE: background work waits (the budget gate pauses this queue meanwhile), it never
        // fails — nor does it hold the whole worker back, as a rate limit would.
        else if (error instanceof ApiBudgetExceededError) retryMs = Math.min(retryMs ?? Infinity, BUDGET_RETRY_MS);
        // The log row was not saved (Salesforce busy, a network blip): the event stays queued, the row is tried
        // again — without spending the job's attempts, which would fail the event for good with no row at all.
        else if (error instanceof ActionLogNotSavedError && error.retryable) {
          retryMs = Math.min(retryMs ?? Infinity, LOG_RETRY_MS);
        } else throw error;
      }
    };
    if (job.name === 'poll') {
      const poll = parseJobData(pollJobSchema, job);
      const planned = await this.plannedForPoll(poll);
      if (planned) await attempt(() => runner.poll(planned, poll.externalId, poll.attempt + 1));
    } else {
      const event = parseJobData(eventJobSchema, job);
      if (event.kind === 'exit' && (await this.entryInFlight(event))) {
        // The entry was taken by a worker and has not finished (that worker may have died with it; its job comes
        // back after the stalled check): the exit waits for it instead of cancelling applications it may have begun.
        await delay(job, token, BUSY_RETRY_MS, `${event.episodeKey}: its entry is still in flight`);
      }
      // The event's actions run side by side (each under its own lock), so each joins its own batch at once.
      const runs = await Promise.allSettled(
        (await this.plan(event)).map((planned) => {
          if (event.kind === 'entry' || removes(planned.action, event.cause)) return attempt(() => runner.run(planned));
          return attempt(() => runner.cancelUnstarted(planned));
        }),
      );
      const failure = runs.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) throw failure.reason;
    }
    // Settled applications of this job are skipped on the next run; only the others are tried again.
    if (retryMs !== undefined && token) await delay(job, token, retryMs, 'applications to retry');
  }

  /**
   * Whether the episode's entry (or a backfill's) was taken by a worker and is not finished yet. Only an entry no
   * worker has taken is "before the entry's action ran" for an exit: one taken and then delayed (a retry, a worker
   * killed and its job not yet handed on by BullMQ's stalled check) keeps its place before the exit, so a crash
   * never turns an applied-then-removed episode into a cancelled one.
   */
  private async entryInFlight(event: ActionEventJob): Promise<boolean> {
    const queue = this.deps.queues.queue('membership');
    const ids = [
      jobId('entry', event.episodeKey),
      ...this.deps.config.current.actions
        .filter((a) => a.audienceId === event.audienceId && a.backfill)
        .map((a) => jobId('backfill', a.id, event.episodeKey)),
    ];
    for (const id of ids) {
      const entry = await queue.getJob(id);
      if (!entry || entry.attemptsStarted === 0) continue;
      const state = await queue.getJobState(id);
      if (state !== 'completed' && state !== 'failed' && state !== 'unknown') return true;
    }
    return false;
  }

  private async plan(event: ActionEventJob): Promise<PlannedApplication[]> {
    const { config, mirror } = this.deps;
    const audience = config.current.audiences.find((a) => a.id === event.audienceId);
    const actions = config.current.actions.filter(
      (a) =>
        a.audienceId === event.audienceId &&
        // An entry gets the actions active when its episode opened; an exit may undo any of them.
        (event.kind === 'exit' || !event.actionIds || event.actionIds.includes(a.id)),
    );
    if (actions.length === 0) return [];
    const record = await mirror.get(event.object, event.recordId);
    return actions.map((action) => ({
      action,
      operation: event.kind === 'entry' ? 'apply' : 'remove',
      audience: { id: event.audienceId, name: audience?.name ?? event.audienceId },
      episodeKey: event.episodeKey,
      record: { id: event.recordId, fields: record?.fields },
      occurredAt: event.at,
    }));
  }

  private async plannedForPoll(poll: PollJob): Promise<PlannedApplication | undefined> {
    const action = this.deps.config.current.actions.find((a) => a.id === poll.actionId);
    if (!action) return undefined;
    return {
      action,
      operation: poll.operation,
      audience: { id: action.audienceId, name: action.audienceId },
      episodeKey: poll.episodeKey,
      record: { id: poll.recordId },
      occurredAt: poll.occurredAt,
    };
  }
}

/** Moves the job to delayed (no attempt spent); without a lock token it can only be retried as a failure. */
async function delay(job: Job, token: string | undefined, ms: number, why: string): Promise<never> {
  if (!token) throw new ApplicationBusyError(`job ${job.id}: ${why}`);
  await job.moveToDelayed(Date.now() + ms, token);
  throw new DelayedError();
}

/** Whether an exit undoes the action: `On_Exit__c = Remove`, and for a source change only when asked. */
export function removes(action: LoadedAction, cause: string | undefined): boolean {
  if (action.onExit !== 'Remove') return false;
  return cause !== 'source_changed' || action.removeOnSourceChange;
}
