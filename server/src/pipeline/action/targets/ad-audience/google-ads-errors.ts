/**
 * Reads a Google Ads REST error (`{"error": {code, status, message, details: [GoogleAdsFailure]}}`) into one of our
 * coded failures. Table and sources: docs/ad-audiences-reference.md §1 "Errors (REST)".
 */
import { adFailure, type AdFailure } from './ad-failure';

const DEFAULT_RETRY_MS = 60_000;

export interface GoogleAdsError {
  /** e.g. `databaseError.CONCURRENT_MODIFICATION`. */
  code: string;
  message: string;
  /** Index of the failed operation (partial failures). */
  operationIndex?: number;
  retryDelayMs?: number;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;

/** The GoogleAdsFailure errors inside a `google.rpc.Status` (an error body's `error`, or a `partialFailureError`). */
export function googleAdsErrors(status: unknown): GoogleAdsError[] {
  if (!isObject(status) || !Array.isArray(status.details)) return [];
  const found: GoogleAdsError[] = [];
  for (const detail of status.details) {
    if (!isObject(detail) || !Array.isArray(detail.errors)) continue;
    for (const error of detail.errors) {
      if (!isObject(error)) continue;
      const errorCode = isObject(error.errorCode) ? Object.entries(error.errorCode)[0] : undefined;
      const path = isObject(error.location) ? error.location.fieldPathElements : undefined;
      const first: unknown = Array.isArray(path) ? path[0] : undefined;
      const quota = isObject(error.details) ? error.details.quotaErrorDetails : undefined;
      found.push({
        code: errorCode ? `${errorCode[0]}.${String(errorCode[1])}` : 'unknown',
        message: typeof error.message === 'string' ? error.message.slice(0, 200) : '',
        operationIndex: isObject(first) && typeof first.index === 'number' ? first.index : undefined,
        retryDelayMs: isObject(quota) ? durationMs(quota.retryDelay) : undefined,
      });
    }
  }
  return found;
}

/** "30s" / "1.5s" (protobuf Duration JSON) in ms. */
function durationMs(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = /^(\d+(?:\.\d+)?)s$/.exec(value);
  return match ? Math.ceil(Number(match[1]) * 1000) : undefined;
}

/** One failed Google Ads call → our failure. `label` names the step ("create job") for the message. */
export function googleCallFailure(label: string, httpStatus: number, body: unknown): AdFailure {
  const status = isObject(body) && isObject(body.error) ? body.error : undefined;
  const errors = googleAdsErrors(status);
  const grpcStatus = typeof status?.status === 'string' ? status.status : '';
  const first = errors[0];
  const detail = first ? `${first.code}${first.message ? ` (${first.message})` : ''}` : grpcStatus || 'no detail';
  const message = `Google Ads ${label}: HTTP ${httpStatus} ${detail}`;
  const has = (pattern: RegExp) => errors.some((error) => pattern.test(error.code));

  if (has(/CUSTOMER_NOT_ALLOWLISTED_FOR_THIS_FEATURE/)) {
    return adFailure('AD_AUDIENCE_REJECTED', `${message}; Customer Match now needs the Data Manager API`);
  }
  if (httpStatus === 401 || httpStatus === 403 || has(/^(authenticationError|authorizationError)\./)) {
    return adFailure('AD_AUDIENCE_AUTH', message);
  }
  if (httpStatus === 429 || has(/^quotaError\./)) {
    const wait = errors.find((error) => error.retryDelayMs !== undefined)?.retryDelayMs ?? DEFAULT_RETRY_MS;
    return adFailure('AD_AUDIENCE_RATE_LIMITED', message, wait);
  }
  if (has(/CONCURRENT_MODIFICATION/)) return adFailure('AD_AUDIENCE_JOB_RUNNING', message, DEFAULT_RETRY_MS);
  if (httpStatus >= 500 || httpStatus === 408 || has(/^internalError\./)) {
    return adFailure('AD_AUDIENCE_UNAVAILABLE', message);
  }
  return adFailure('AD_AUDIENCE_REJECTED', message);
}
