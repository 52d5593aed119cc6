/** Coded errors of the Snowflake reader: `retryable` says whether the next scheduled run may succeed unchanged. */
import { AppError } from '../../../../lib/errors';

export type SnowflakeErrorCode =
  | 'SNOWFLAKE_AUTH_FAILED'
  | 'SNOWFLAKE_STATEMENT_FAILED'
  | 'SNOWFLAKE_STATEMENT_TIMEOUT'
  | 'SNOWFLAKE_REQUEST_REFUSED'
  | 'SNOWFLAKE_UNAVAILABLE'
  | 'SNOWFLAKE_PROTOCOL'
  | 'SNOWFLAKE_QUERY_REFUSED';

export class SnowflakeError extends AppError {
  constructor(
    override readonly code: SnowflakeErrorCode,
    message: string,
    retryable: boolean,
    readonly details: { status?: number; snowflakeCode?: string; sqlState?: string } = {},
  ) {
    super(code, message, retryable);
  }
}

/** Maps an HTTP status and Snowflake's body to a coded error; 429/5xx are retried by the client before this. */
export function snowflakeFailure(
  status: number,
  body: { code?: string; message?: string; sqlState?: string },
): SnowflakeError {
  const said = body.message ? `: ${body.message}` : '';
  const details = { status, snowflakeCode: body.code, sqlState: body.sqlState };
  if (status === 401 || status === 403) {
    return new SnowflakeError(
      'SNOWFLAKE_AUTH_FAILED',
      `Snowflake refused the key pair (HTTP ${status})${said}`,
      false,
      details,
    );
  }
  if (status === 422) {
    const state = body.sqlState ? ` [SQLSTATE ${body.sqlState}]` : '';
    return new SnowflakeError(
      'SNOWFLAKE_STATEMENT_FAILED',
      `Snowflake statement failed${said}${state}`,
      false,
      details,
    );
  }
  if (status === 408) {
    return new SnowflakeError(
      'SNOWFLAKE_STATEMENT_TIMEOUT',
      `Snowflake cancelled the statement (timeout)${said}`,
      true,
      details,
    );
  }
  if (status === 429 || status >= 500) {
    return new SnowflakeError('SNOWFLAKE_UNAVAILABLE', `Snowflake unavailable (HTTP ${status})${said}`, true, details);
  }
  return new SnowflakeError(
    'SNOWFLAKE_REQUEST_REFUSED',
    `Snowflake refused the request (HTTP ${status})${said}`,
    false,
    details,
  );
}
