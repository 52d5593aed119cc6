/**
 * The server's coded errors. A code is stable (logs, tests and run records match on it); `retryable` tells a
 * worker whether trying again can help (BullMQ's UnrecoverableError is thrown for the rest).
 */
export type KnownErrorCode =
  'CONFIG_INVALID_ENV' | 'CONFIG_INCOMPLETE_SALESFORCE' | 'REDIS_UNREACHABLE' | 'SALESFORCE_AUTH_FAILED' | 'INTERNAL';

/** Modules define their own codes next to their errors; the known ones above are shared across the server. */
export type ErrorCode = KnownErrorCode | (string & {});

export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** A setting that is wrong: the process cannot start until a person fixes it. */
export class ConfigError extends AppError {
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, false, options);
  }
}

/** A dependency that does not answer right now; trying later may work. */
export class UnavailableError extends AppError {
  constructor(code: ErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, true, options);
  }
}

/** Wraps anything thrown into an AppError, keeping the original as `cause`. */
export function asAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new AppError('INTERNAL', message, false, { cause: error });
}
