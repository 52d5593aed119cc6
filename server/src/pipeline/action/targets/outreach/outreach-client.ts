import { setTimeout as delay } from 'node:timers/promises';
import { retryAfterFromRateHeaders, retryAfterMs } from '../../../enrich/providers/retry-after';
import type { ActionRateLimiter, RateLimit } from '../shared/action-rate-limiter';
import { httpCall, type FetchLike } from '../shared/http-call';
import { TargetError } from '../shared/target-error';
import type { OutreachTokenStore } from './outreach-token-store';

export interface OutreachClientDeps {
  baseUrl: string;
  tokens: OutreachTokenStore;
  limiter: ActionRateLimiter;
  fetch: FetchLike;
  now: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Outreach's documented limit is 10,000 requests an hour per user; every worker shares it. */
  rateLimit?: RateLimit;
  /** Longer waits for a token end the attempt (retryable, with the wait) instead of holding the worker. */
  maxWaitMs?: number;
  timeoutMs?: number;
}

export interface OutreachReply {
  status: number;
  body: unknown;
}

const LIMIT_NAME = 'outreach';
const JSON_API = 'application/vnd.api+json';
const DEFAULT_RATE_LIMIT: RateLimit = { capacity: 10_000, windowMs: 3_600_000 };

/**
 * Outreach's JSON:API over fetch: bearer token from the shared token store (one new token after a 401), the
 * shared rate limit taken before each call, `X-RateLimit-*` and 429 + Retry-After turned into a block every worker
 * honours. Replies other than 2xx, 404 and 422 are thrown as coded, retry-deciding errors.
 */
export class OutreachClient {
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly rateLimit: RateLimit;

  constructor(private readonly deps: OutreachClientDeps) {
    this.sleep = deps.sleep ?? ((ms) => delay(ms));
    this.rateLimit = deps.rateLimit ?? DEFAULT_RATE_LIMIT;
  }

  async request(
    method: 'GET' | 'POST' | 'PATCH',
    path: string,
    options: { query?: Record<string, string>; body?: unknown } = {},
  ): Promise<OutreachReply> {
    const url = endpoint(this.deps.baseUrl, path, options.query);
    let token = await this.deps.tokens.accessToken();
    for (let attempt = 1; ; attempt += 1) {
      await this.takeToken();
      const reply = await httpCall(
        {
          method,
          url,
          headers: {
            authorization: `Bearer ${token}`,
            accept: JSON_API,
            ...(options.body === undefined ? {} : { 'content-type': JSON_API }),
          },
          body: options.body === undefined ? undefined : JSON.stringify(options.body),
          timeoutMs: this.deps.timeoutMs ?? 15_000,
        },
        this.deps.fetch,
      );
      if (reply.kind === 'network') {
        throw new TargetError('OUTREACH_UNAVAILABLE', `Outreach ${method} ${path}: ${reply.message}`, true);
      }
      const { status } = reply;
      // On a 429 Retry-After decides (below); otherwise a rate header at zero blocks until its reset.
      if (status !== 429) await this.observeRateHeaders(reply.headers);
      if (status === 401 && attempt === 1) {
        token = await this.deps.tokens.replace(token);
        continue;
      }
      const label = `Outreach ${method} ${path}: HTTP ${status}`;
      const detail = errorDetail(reply.body);
      if (status === 401 || status === 403) {
        throw new TargetError('OUTREACH_AUTH_FAILED', detail ? `${label}: ${detail}` : label, false);
      }
      if (status === 429) {
        const wait = retryAfterMs(reply.headers, new Date(this.deps.now())) ?? 60_000;
        await this.deps.limiter.block(LIMIT_NAME, wait);
        throw new TargetError('OUTREACH_RATE_LIMITED', label, true, wait);
      }
      if (status >= 500 || status === 408) {
        throw new TargetError(
          'OUTREACH_UNAVAILABLE',
          label,
          true,
          retryAfterMs(reply.headers, new Date(this.deps.now())),
        );
      }
      if ((status >= 200 && status < 300) || status === 404 || status === 422) return { status, body: reply.body };
      throw new TargetError('OUTREACH_REJECTED', detail ? `${label}: ${detail}` : label, false);
    }
  }

  private async takeToken(): Promise<void> {
    const maxWaitMs = this.deps.maxWaitMs ?? 2_000;
    for (;;) {
      const wait = await this.deps.limiter.take(LIMIT_NAME, this.rateLimit);
      if (wait === 0) return;
      if (wait > maxWaitMs) {
        throw new TargetError('OUTREACH_RATE_LIMITED', `Outreach rate limit: next call in ${wait} ms`, true, wait);
      }
      await this.sleep(wait);
    }
  }

  // Outreach sends X-RateLimit-* on every reply: at zero remaining, nobody calls until the reset.
  private async observeRateHeaders(headers: Headers): Promise<void> {
    const remaining = headers.get('x-ratelimit-remaining');
    if (remaining === null || Number(remaining) > 0) return;
    await this.deps.limiter.block(LIMIT_NAME, retryAfterFromRateHeaders(headers, new Date(this.deps.now())) ?? 60_000);
  }
}

function endpoint(baseUrl: string, path: string, query: Record<string, string> = {}): URL {
  const url = new URL(path.replace(/^\/+/, ''), baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  return url;
}

/** The first JSON:API error's `detail` (or `title`), cut short. */
export function errorDetail(body: unknown): string | undefined {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  if (!Array.isArray(errors)) return undefined;
  const first = errors[0] as { detail?: unknown; title?: unknown } | undefined;
  const text = typeof first?.detail === 'string' ? first.detail : typeof first?.title === 'string' ? first.title : '';
  return text === '' ? undefined : text.slice(0, 200);
}

/** The first JSON:API error's `id` (`validationError`, `resourceNotFound`…). */
export function errorId(body: unknown): string | undefined {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  const first = Array.isArray(errors) ? (errors[0] as { id?: unknown } | undefined) : undefined;
  return typeof first?.id === 'string' ? first.id : undefined;
}
