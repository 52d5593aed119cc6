import { AppError } from '../../lib/errors';

/**
 * Why a change event's handler failed, as the subscriber decides on it: `transient` failures (Redis or the org
 * not answering right now, a locked row, the API budget) are retried without limit, because every other event
 * would fail the same way and dead-lettering them all would lose the stream's order for nothing; the rest are
 * counted against the event, which is dead-lettered after a few attempts (a poison event).
 */
export interface HandlerFailure {
  transient: boolean;
  /** A stable code: the AppError code, Salesforce's errorCode, Redis's reply prefix or the Node error code. */
  code: string;
  /** The error's message, cut short (it reaches logs, /readyz detail and the admin list). */
  message: string;
}

const MAX_MESSAGE = 300;

/** Salesforce errors that mean "try again later", not "this request can never work". */
const TRANSIENT_SALESFORCE_CODES = new Set([
  'UNABLE_TO_LOCK_ROW',
  'SERVER_UNAVAILABLE',
  'REQUEST_LIMIT_EXCEEDED',
  'REQUEST_RUNNING_TOO_LONG',
  'INVALID_SESSION_ID',
  'QUERY_TIMEOUT',
]);

/** Redis replies of a server that is starting, failing over or full: the store is down, the event is fine. */
const TRANSIENT_REDIS_REPLIES = /^(LOADING|BUSY|READONLY|MASTERDOWN|CLUSTERDOWN|TRYAGAIN|NOREPLICAS|MISCONF|OOM)\b/;

/** ioredis's own errors while the connection is gone. */
const REDIS_CONNECTION_MESSAGES = /Connection is closed|Stream isn't writeable|Reached the max retries per request/;

/** Node and undici network failures. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EAI_AGAIN',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNABORTED',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
]);

interface ErrorLike {
  name?: unknown;
  code?: unknown;
  errorCode?: unknown;
  message?: unknown;
  cause?: unknown;
}

/** Classifies what a handler threw (the error itself, then its causes). */
export function classifyHandlerFailure(error: unknown): HandlerFailure {
  const message = truncate(error instanceof Error ? error.message : String(error));
  for (let current: unknown = error, depth = 0; current && depth < 5; depth += 1) {
    const found = transientCode(current);
    if (found) return { transient: true, code: found, message };
    current = (current as ErrorLike).cause;
  }
  return { transient: false, code: codeOf(error), message };
}

function transientCode(error: unknown): string | undefined {
  if (error instanceof AppError) return error.retryable ? error.code : undefined;
  const e = error as ErrorLike;
  const errorCode = typeof e.errorCode === 'string' ? e.errorCode : undefined;
  if (errorCode && (TRANSIENT_SALESFORCE_CODES.has(errorCode) || /^ERROR_HTTP_5\d\d$/.test(errorCode))) {
    return errorCode;
  }
  if (errorCode) return undefined; // Salesforce answered, and not with a "later"
  const message = typeof e.message === 'string' ? e.message : '';
  const reply = TRANSIENT_REDIS_REPLIES.exec(message);
  if (reply) return `REDIS_${reply[1]}`;
  if (REDIS_CONNECTION_MESSAGES.test(message) || e.name === 'MaxRetriesPerRequestError') return 'REDIS_UNREACHABLE';
  if (typeof e.code === 'string' && NETWORK_CODES.has(e.code)) return e.code;
  if (e.name === 'FetchError' || message === 'fetch failed' || message === 'socket hang up') return 'NETWORK';
  return undefined;
}

function codeOf(error: unknown): string {
  if (error instanceof AppError) return error.code;
  const e = error as ErrorLike;
  if (typeof e?.errorCode === 'string') return e.errorCode;
  if (typeof e?.code === 'string') return e.code;
  return 'HANDLER_FAILED';
}

function truncate(text: string): string {
  return text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text;
}
