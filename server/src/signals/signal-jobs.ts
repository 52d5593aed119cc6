import type { Job, Worker } from 'bullmq';
import { AppError } from '../lib/errors';
import type { Logger } from '../lib/logger';
import type { QueueFactory } from '../queues/queue-factory';

/** Handles one job of the `signals` queue; the name decides which (`detect`, `notify`, `enrol`, …). */
export type SignalJobHandler = (job: Job, token?: string) => Promise<unknown>;

/** Job names that complete without work when no part of this process handles them (Slack off: no one to tell). */
const OPTIONAL_JOBS = new Set(['notify']);

/**
 * The one worker of the `signals` queue. Detectors, Slack and the Enrol button each register the job names they
 * handle; one worker (not one per part) keeps the queue's concurrency, pause at the API budget and graceful
 * shutdown in one place, and a job whose name nobody handles fails visibly instead of being taken by the wrong part.
 */
export class SignalJobRouter {
  private readonly handlers = new Map<string, SignalJobHandler>();
  private worker: Worker | undefined;

  constructor(private readonly deps: { queues: QueueFactory; logger: Logger; concurrency?: number }) {}

  /** Registers the handler of one job name (before `start`). */
  handle(name: string, handler: SignalJobHandler): void {
    if (this.handlers.has(name)) throw new Error(`signals job "${name}" already has a handler`);
    this.handlers.set(name, handler);
  }

  handles(name: string): boolean {
    return this.handlers.has(name);
  }

  start(): void {
    this.worker ??= this.deps.queues.worker('signals', (job, token) => this.dispatch(job, token), {
      concurrency: this.deps.concurrency ?? 4,
    });
  }

  async stop(): Promise<void> {
    await this.worker?.close();
    this.worker = undefined;
  }

  private async dispatch(job: Job, token?: string): Promise<unknown> {
    const handler = this.handlers.get(job.name);
    if (handler) return handler(job, token);
    if (OPTIONAL_JOBS.has(job.name)) {
      this.deps.logger.debug({ job: job.name, id: job.id }, 'signals job with no handler in this process: skipped');
      return { skipped: 'not handled here' };
    }
    throw new AppError('SIGNAL_JOB_UNKNOWN', `no handler for signals job "${job.name}"`, false);
  }
}
