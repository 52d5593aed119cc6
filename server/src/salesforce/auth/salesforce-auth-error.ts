import { AppError } from '../../lib/errors';

/**
 * The org refused our credentials or the token endpoint misbehaved. `retryable` is true only when the endpoint
 * itself failed (5xx, network): a refused grant needs a person to fix the connected app or the user.
 */
export class SalesforceAuthError extends AppError {
  constructor(
    message: string,
    readonly oauthError: string | undefined,
    retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super('SALESFORCE_AUTH_FAILED', message, retryable, options);
  }
}
