import { SaveRefusedError } from '../../../salesforce/org-client';

/** The Salesforce error code of a refused save or a failed request (jsforce puts it on `errorCode`). */
export function salesforceErrorCode(error: unknown): string {
  if (error instanceof SaveRefusedError) return error.errors[0]?.statusCode ?? 'UNKNOWN_ERROR';
  const e = error as { errorCode?: string; name?: string };
  return e.errorCode ?? e.name ?? 'REQUEST_FAILED';
}

/** Codes a later try can get past (locks, a busy or unreachable org); everything else is the record's fault. */
const PASSING = new Set([
  'UNABLE_TO_LOCK_ROW',
  'SERVER_UNAVAILABLE',
  'REQUEST_LIMIT_EXCEEDED',
  'FetchError',
  'ECONNRESET',
  'ECONNREFUSED',
  'REQUEST_FAILED',
]);

export function isPassingError(code: string): boolean {
  return PASSING.has(code) || code.startsWith('ERROR_HTTP_5');
}
