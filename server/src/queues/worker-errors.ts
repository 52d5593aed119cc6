import { RateLimitError, UnrecoverableError, type Job, type Processor } from 'bullmq';
import { AppError } from '../lib/errors';
import type { Logger } from '../lib/logger';

/** The part of a Worker the wrapper needs: `rateLimit(ms)` holds back the whole queue for `ms`. */
export interface RateLimiter {
  rateLimit(expireTimeMs: number): Promise<void>;
}

/** Errors BullMQ uses for control flow (move to delayed/wait, rate limit, no retry); passed through untouched. */
const BULLMQ_CONTROL_ERRORS = new Set([
  'UnrecoverableError',
  'RateLimitError',
  'DelayedError',
  'WaitingError',
  'WaitingChildrenError',
]);

/** BullMQ's "the processor moved the job itself" errors: an intentional delay or wait, never a failure. */
const INTENTIONAL_MOVES = new Set(['DelayedError', 'WaitingError', 'WaitingChildrenError']);

export function isIntentionalMove(error: unknown): boolean {
  return error instanceof Error && INTENTIONAL_MOVES.has(error.name);
}

/**
 * A coded error that asks for a pause rather than a failure: it is retryable and says how long to wait. Matched by
 * shape so any folder (Salesforce budget, provider quotas) can define one without importing the queue layer.
 */
export function isRateLimitPause(error: unknown): error is AppError & { retryAfterMs: number } {
  if (!(error instanceof AppError) || !error.retryable) return false;
  const retryAfterMs = (error as { retryAfterMs?: unknown }).retryAfterMs;
  return typeof retryAfterMs === 'number' && Number.isFinite(retryAfterMs) && retryAfterMs > 0;
}

/**
 * Translates what a processor threw into what BullMQ should do:
 * - non-retryable AppError → UnrecoverableError (failed now, no retry), reason `CODE: message`;
 * - rate-limit pause → `rateLimit(ms)` + RateLimitError (back to the queue, not an attempt);
 * - retryable AppError and anything uncoded → rethrown (retried with the queue's backoff until attempts run out).
 *   Uncoded errors are retried because we cannot tell a network blip from a bug; attempts bound the cost of a bug.
 */
export async function toWorkerError(error: unknown, limiter: RateLimiter | undefined): Promise<Error> {
  if (error instanceof Error && BULLMQ_CONTROL_ERRORS.has(error.name)) return error;
  if (isRateLimitPause(error)) {
    if (limiter) {
      await limiter.rateLimit(error.retryAfterMs);
      return new RateLimitError();
    }
    return error;
  }
  if (error instanceof AppError && !error.retryable) {
    const unrecoverable = new UnrecoverableError(`${error.code}: ${error.message}`);
    unrecoverable.cause = error;
    return unrecoverable;
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Wraps a processor so its coded errors drive BullMQ's retry behaviour (see `toWorkerError`). */
export function wrapProcessor<Data, Result>(
  processor: Processor<Data, Result>,
  logger: Logger,
  limiter?: () => RateLimiter | undefined,
): Processor<Data, Result> {
  return async (job: Job<Data, Result>, token?: string, signal?: AbortSignal) => {
    try {
      return await processor(job, token, signal);
    } catch (error) {
      const mapped = await toWorkerError(error, limiter?.());
      const context = { jobId: job.id, jobName: job.name, attemptsMade: job.attemptsMade, err: error };
      // A processor that moved its own job (to delayed, to waiting-children) meant to: no failure, nothing to warn.
      if (isIntentionalMove(mapped)) logger.debug(context, 'job moved by its processor');
      else if (mapped instanceof RateLimitError) logger.info(context, 'job rate limited; back to the queue');
      else if (mapped instanceof UnrecoverableError) logger.warn(context, 'job failed for good (not retryable)');
      else logger.warn(context, 'job failed; will retry if attempts remain');
      throw mapped;
    }
  };
}
