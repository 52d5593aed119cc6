import { AppError } from '../../lib/errors';

/**
 * The application's key is held by another worker (its entry and exit, or a backfill and an entry, at once), or
 * its apply is still in flight when the exit comes: try again shortly, never in parallel.
 */
export class ApplicationBusyError extends AppError {
  constructor(message: string) {
    super('ACTION_BUSY', message, true);
  }
}

/** The target answered `Failed` + retryable: the job waits `delayMs` and the application is tried again. */
export class ApplicationRetryError extends AppError {
  constructor(
    message: string,
    readonly delayMs: number,
  ) {
    super('ACTION_RETRY', message, true);
  }
}

/** An Audience_Action_Log__c row Salesforce did not save; `retryable` follows the row's error. */
export class ActionLogNotSavedError extends AppError {
  constructor(code: string, message: string, retryable: boolean) {
    super(`ACTION_LOG_${code}`, message, retryable);
  }
}
