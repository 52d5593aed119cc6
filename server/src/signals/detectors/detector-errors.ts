import { AppError } from '../../lib/errors';

/**
 * A source a detector reads answered something it cannot use. `retryable` says whether the next run may do better
 * (a 5xx, a 429) or a person must fix something first (a 404 board, an HTML page, a refused key).
 */
export class DetectorSourceError extends AppError {
  constructor(code: DetectorSourceErrorCode, message: string, retryable: boolean) {
    super(code, message, retryable);
  }
}

export type DetectorSourceErrorCode =
  | 'JOB_BOARD_URL_UNKNOWN'
  | 'JOB_BOARD_NOT_FOUND'
  | 'JOB_BOARD_NOT_JSON'
  | 'JOB_BOARD_UNEXPECTED_SHAPE'
  | 'JOB_BOARD_UNAVAILABLE'
  | 'FUNDING_FEED_NOT_CONFIGURED'
  | 'FUNDING_FEED_KEY_REFUSED'
  | 'FUNDING_FEED_UNAVAILABLE'
  | 'FUNDING_FEED_UNEXPECTED_SHAPE';

/** Status codes worth trying again on a later run. */
export function retryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}
