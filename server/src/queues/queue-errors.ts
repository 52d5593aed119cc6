import { AppError, type ErrorCode } from '../lib/errors';

// Codes still to be added to the ErrorCode union in lib/errors.ts (owned by the lead); cast until then.
const INVALID_JOB_ID = 'QUEUE_INVALID_JOB_ID' as ErrorCode;
const INVALID_JOB_DATA = 'QUEUE_INVALID_JOB_DATA' as ErrorCode;
const RATE_LIMITED = 'RATE_LIMITED' as ErrorCode;

/** A job id that BullMQ would reject or misread (a ':' breaks its key layout). A programming error: fail fast. */
export class InvalidJobIdError extends AppError {
  constructor(message: string) {
    super(INVALID_JOB_ID, message, false);
  }
}

/** Job data that does not match its stage's schema. Retrying cannot fix bad input, so it is never retried. */
export class InvalidJobDataError extends AppError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(INVALID_JOB_DATA, message, false, options);
  }
}

/**
 * A dependency asked us to slow down for `retryAfterMs`. Workers turn it into `worker.rateLimit(ms)` plus BullMQ's
 * RateLimitError, so the job goes back to the queue without counting as a failed attempt.
 */
export class RateLimitedError extends AppError {
  constructor(
    message: string,
    readonly retryAfterMs: number,
    options?: { cause?: unknown; code?: ErrorCode },
  ) {
    super(options?.code ?? RATE_LIMITED, message, true, options);
  }
}
