/**
 * Reads a Graph API error (`{"error": {message, type, code, error_subcode, fbtrace_id}}`) into one of our coded
 * failures. Table and sources: docs/ad-audiences-reference.md §2 "Errors".
 */
import { adFailure, type AdFailure } from './ad-failure';

const DEFAULT_RETRY_MS = 60_000;
/** Application, user, ad-account and business-use-case request limits. */
const RATE_LIMIT_CODES = new Set([4, 17, 32, 613]);
const isBusinessUseCaseLimit = (code: number) => code >= 80000 && code <= 80014;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;

/** The longest `estimated_time_to_regain_access` (minutes) in `X-Business-Use-Case-Usage`, in ms. */
export function businessUseCaseWaitMs(header: string | null): number | undefined {
  if (!header) return undefined;
  try {
    const usage: unknown = JSON.parse(header);
    if (!isObject(usage)) return undefined;
    const minutes = Object.values(usage)
      .flatMap((entries) => (Array.isArray(entries) ? entries : []))
      .map((entry) => (isObject(entry) ? Number(entry.estimated_time_to_regain_access) : NaN))
      .filter((value) => Number.isFinite(value) && value > 0);
    return minutes.length > 0 ? Math.max(...minutes) * 60_000 : undefined;
  } catch {
    return undefined;
  }
}

export function metaCallFailure(label: string, httpStatus: number, body: unknown, headers: Headers): AdFailure {
  const error = isObject(body) && isObject(body.error) ? body.error : undefined;
  const code = typeof error?.code === 'number' ? error.code : undefined;
  const subcode = typeof error?.error_subcode === 'number' ? error.error_subcode : undefined;
  const text = typeof error?.message === 'string' ? error.message.slice(0, 200) : '';
  const message =
    `Meta ${label}: HTTP ${httpStatus}` +
    (code === undefined ? '' : ` code ${code}${subcode === undefined ? '' : `/${subcode}`}`) +
    (text ? ` (${text})` : '');

  if (httpStatus === 429 || (code !== undefined && (RATE_LIMIT_CODES.has(code) || isBusinessUseCaseLimit(code)))) {
    const wait = businessUseCaseWaitMs(headers.get('x-business-use-case-usage')) ?? DEFAULT_RETRY_MS;
    return adFailure('AD_AUDIENCE_RATE_LIMITED', message, wait);
  }
  if (code === 190 || code === 10 || (code !== undefined && code >= 200 && code <= 299) || httpStatus === 401) {
    return adFailure('AD_AUDIENCE_AUTH', message);
  }
  if (code === 1 || code === 2 || error?.is_transient === true || httpStatus >= 500) {
    return adFailure('AD_AUDIENCE_UNAVAILABLE', message);
  }
  return adFailure('AD_AUDIENCE_REJECTED', message);
}
