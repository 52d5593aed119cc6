import { setTimeout as delay } from 'node:timers/promises';
import { parseRetryAfter } from '../../../enrich/providers/retry-after';
import type { ActionRateLimiter, RateLimit } from '../shared/action-rate-limiter';
import { httpCall, type FetchLike } from '../shared/http-call';
import { TargetError } from '../shared/target-error';

export interface SalesloftClientDeps {
  baseUrl: string;
  apiKey: string;
  limiter: ActionRateLimiter;
  fetch: FetchLike;
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Salesloft's team-wide budget: 600 cost a minute, shared with every other integration of the team. */
  rateLimit?: RateLimit;
  maxWaitMs?: number;
  timeoutMs?: number;
}

export interface SalesloftReply {
  status: number;
  body: unknown;
}

const LIMIT_NAME = 'salesloft';
const DEFAULT_RATE_LIMIT: RateLimit = { capacity: 600, windowMs: 60_000 };
const MINUTE_MS = 60_000;

/**
 * Salesloft's REST API v2 over fetch: the API key as bearer, each call's cost taken from the shared per-minute
 * budget first, `x-ratelimit-remaining-minute` at zero and 429 turned into a block every worker honours.
 * Replies other than 2xx, 404 and 422 are thrown as coded, retry-deciding errors.
 */
export class SalesloftClient {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly rateLimit: RateLimit;

  constructor(private readonly deps: SalesloftClientDeps) {
    this.sleep = deps.sleep ?? ((ms) => delay(ms));
    this.rateLimit = deps.rateLimit ?? DEFAULT_RATE_LIMIT;
  }

  async request(
    method: 'GET' | 'POST' | 'DELETE',
    path: string,
    options: { query?: Record<string, string>; body?: unknown } = {},
  ): Promise<SalesloftReply> {
    await this.takeCost();
    const url = new URL(
      path.replace(/^\/+/, ''),
      this.deps.baseUrl.endsWith('/') ? this.deps.baseUrl : `${this.deps.baseUrl}/`,
    );
    for (const [name, value] of Object.entries(options.query ?? {})) url.searchParams.append(name, value);
    const reply = await httpCall(
      {
        method,
        url,
        headers: {
          authorization: `Bearer ${this.deps.apiKey}`,
          accept: 'application/json',
          ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: options.body === undefined ? undefined : JSON.stringify(options.body),
        timeoutMs: this.deps.timeoutMs ?? 15_000,
      },
      this.deps.fetch,
    );
    const label = `Salesloft ${method} ${path}`;
    if (reply.kind === 'network') throw new TargetError('SALESLOFT_UNAVAILABLE', `${label}: ${reply.message}`, true);
    const { status, headers } = reply;
    const retryAfter = parseRetryAfter(headers.get('retry-after'), new Date(this.deps.now()));
    if (status === 429) {
      // Salesloft documents no Retry-After: without one, the minute's budget is back within a minute.
      const wait = retryAfter ?? MINUTE_MS;
      await this.deps.limiter.block(LIMIT_NAME, wait);
      throw new TargetError('SALESLOFT_RATE_LIMITED', `${label}: HTTP 429`, true, wait);
    }
    await this.observeRemaining(headers);
    const detail = errorText(reply.body);
    const described = detail ? `${label}: HTTP ${status}: ${detail}` : `${label}: HTTP ${status}`;
    if (status === 401 || status === 403) throw new TargetError('SALESLOFT_AUTH_FAILED', described, false);
    if (status >= 500 || status === 408) throw new TargetError('SALESLOFT_UNAVAILABLE', described, true, retryAfter);
    if ((status >= 200 && status < 300) || status === 404 || status === 422) return { status, body: reply.body };
    throw new TargetError('SALESLOFT_REJECTED', described, false);
  }

  private async takeCost(): Promise<void> {
    const maxWaitMs = this.deps.maxWaitMs ?? 2_000;
    for (;;) {
      const wait = await this.deps.limiter.take(LIMIT_NAME, this.rateLimit);
      if (wait === 0) return;
      if (wait > maxWaitMs) {
        throw new TargetError('SALESLOFT_RATE_LIMITED', `Salesloft team budget: next call in ${wait} ms`, true, wait);
      }
      await this.sleep(wait);
    }
  }

  // The team budget is shared with other integrations: when Salesloft says it is spent, stop for the minute.
  private async observeRemaining(headers: Headers): Promise<void> {
    const remaining = headers.get('x-ratelimit-remaining-minute') ?? headers.get('x-ratelimit-remaining-per-minute');
    if (remaining !== null && Number(remaining) <= 0) await this.deps.limiter.block(LIMIT_NAME, MINUTE_MS);
  }
}

/**
 * The messages of a Salesloft error body. Documented shapes vary (see docs/actions-reference.md §2): an `errors`
 * array of `{attribute, message}`, an `errors` object of attribute → messages, or `{error}`.
 */
export function errorText(body: unknown): string | undefined {
  if (!body || typeof body !== 'object') return undefined;
  const { errors, error } = body as { errors?: unknown; error?: unknown };
  const parts: string[] = [];
  if (Array.isArray(errors)) {
    for (const entry of errors as { attribute?: unknown; message?: unknown }[]) {
      if (typeof entry === 'string') parts.push(entry);
      else if (typeof entry?.message === 'string') {
        parts.push(typeof entry.attribute === 'string' ? `${entry.attribute} ${entry.message}` : entry.message);
      }
    }
  } else if (errors && typeof errors === 'object') {
    for (const [attribute, messages] of Object.entries(errors)) {
      for (const message of Array.isArray(messages) ? messages : [messages])
        parts.push(`${attribute} ${String(message)}`);
    }
  }
  if (typeof error === 'string') parts.push(error);
  return parts.length === 0 ? undefined : parts.join('; ').slice(0, 200);
}
