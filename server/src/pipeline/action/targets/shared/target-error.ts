import { AppError, type ErrorCode } from '../../../../lib/errors';
import type { ActionResult } from '../../action-target';
import { failed } from './target-results';

/**
 * A step of a target that could not finish: `retryable` decides whether the action step tries the application
 * again, `retryAfterMs` when (a rate limit's Retry-After, a webhook's backoff).
 */
export class TargetError extends AppError {
  constructor(
    code: ErrorCode,
    message: string,
    retryable: boolean,
    readonly retryAfterMs?: number,
    options?: { cause?: unknown },
  ) {
    super(code, message, retryable, options);
  }
}

/** The `Failed` result for anything a target threw; unknown errors are retryable (a bug, or a dependency down). */
export function resultFromError(error: unknown, fallbackCode: string): ActionResult {
  if (error instanceof TargetError) return failed(error.code, error.message, error.retryable, error.retryAfterMs);
  if (error instanceof AppError) return failed(error.code, error.message, error.retryable);
  const message = error instanceof Error ? error.message : String(error);
  return failed(fallbackCode, message, true);
}
