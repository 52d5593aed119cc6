import { AppError } from '../../../lib/errors';

/**
 * Why a warehouse read could not run. `WAREHOUSE_QUERY_REFUSED` (not one read-only SELECT/WITH) and
 * `WAREHOUSE_BAD_SETTINGS` need a person; `WAREHOUSE_UNREACHABLE` (connection, timeout) is retried on the next
 * schedule; `WAREHOUSE_QUERY_FAILED` is the warehouse rejecting the statement (unknown column, permission).
 */
export type WarehouseErrorCode =
  'WAREHOUSE_QUERY_REFUSED' | 'WAREHOUSE_BAD_SETTINGS' | 'WAREHOUSE_UNREACHABLE' | 'WAREHOUSE_QUERY_FAILED';

export class WarehouseError extends AppError {
  constructor(
    override readonly code: WarehouseErrorCode,
    message: string,
    options?: { cause?: unknown; retryable?: boolean },
  ) {
    super(code, message, options?.retryable ?? code === 'WAREHOUSE_UNREACHABLE', options);
  }
}
