/**
 * The one HTTP call every network provider makes: fetch with a timeout, then classify the reply into parsed JSON or
 * one of the contract's outcomes. Reasons never contain the URL or request headers (they may carry keys), and any
 * configured secret that a provider echoes back is masked in every encoding (raw, URL-encoded, base64).
 */
import type { ProviderOutcome } from './provider-contract';
import { maskSecrets } from '../../../lib/secret-mask';
import { retryAfterMs } from './retry-after';

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

export type FailureOutcome = Extract<
  ProviderOutcome,
  { kind: 'retry_later' | 'quota_exhausted' | 'bad_credentials' | 'bad_reply' }
>;

export type HttpJsonResult =
  | { kind: 'json'; status: number; body: unknown; headers: Headers }
  | { kind: 'no_match'; status: number }
  | FailureOutcome;

type StatusReading = 'retry_later' | 'quota_exhausted' | 'bad_credentials' | 'no_match';

export interface HttpJsonRequest {
  /** Names the provider and endpoint in reasons, e.g. "hunter email-finder". */
  label: string;
  url: URL;
  method?: 'GET' | 'POST';
  headers?: Readonly<Record<string, string>>;
  /** Sent as JSON. */
  body?: unknown;
  timeoutMs: number;
  signal?: AbortSignal;
  /** Statuses the provider uses for "nothing found" (PDL 404; a configured provider's noMatchStatuses). */
  noMatchStatuses?: readonly number[];
  /** 2xx statuses meaning "still working, ask again" (Hunter's verifier 202, 222). */
  pendingStatuses?: readonly number[];
  /** Statuses a provider documents differently from the common reading (Hunter's 403 is a rate limit). */
  statusOverrides?: Readonly<Partial<Record<number, StatusReading>>>;
  /** Values to mask if they ever show up in a reason. */
  secrets?: readonly string[];
}

export interface HttpJsonDeps {
  fetch: FetchLike;
  now: () => Date;
}

const MAX_DETAIL = 200;
const MAX_REPLY_BYTES = 2 * 1024 * 1024;

export async function requestJson(request: HttpJsonRequest, deps: HttpJsonDeps): Promise<HttpJsonResult> {
  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  if (request.body !== undefined) headers['content-type'] = 'application/json';

  let response: Response;
  let text: string;
  try {
    response = await deps.fetch(request.url, {
      method: request.method ?? 'GET',
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
      signal,
      redirect: 'error',
    });
    // A reply this large is not an enrichment record; refuse it before reading it into memory.
    if (Number(response.headers.get('content-length') ?? 0) > MAX_REPLY_BYTES) {
      await response.body?.cancel();
      return { kind: 'bad_reply', reason: `${request.label}: HTTP ${response.status} reply is larger than 2 MB` };
    }
    text = await response.text();
  } catch (error) {
    return transportFailure(request, error, timeout);
  }
  return classify(request, response, text, deps.now());
}

function transportFailure(request: HttpJsonRequest, error: unknown, timeout: AbortSignal): FailureOutcome {
  if (timeout.aborted) {
    return { kind: 'retry_later', reason: `${request.label}: no reply within ${request.timeoutMs} ms` };
  }
  if (request.signal?.aborted) return { kind: 'retry_later', reason: `${request.label}: call cancelled` };
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'retry_later', reason: `${request.label}: network error (${maskSecrets(message, request.secrets)})` };
}

function classify(request: HttpJsonRequest, response: Response, text: string, now: Date): HttpJsonResult {
  const { status, headers } = response;
  const label = `${request.label}: HTTP ${status}`;
  if (request.pendingStatuses?.includes(status)) {
    return withRetryAfter({ kind: 'retry_later', reason: `${label} (still working, ask again)` }, headers, now);
  }
  if (status >= 200 && status < 300) {
    const parsed = parseJson(text);
    if (!parsed.ok) {
      const type = headers.get('content-type') ?? 'no content type';
      return { kind: 'bad_reply', reason: `${label} reply is not JSON (${type.split(';')[0]})` };
    }
    return { kind: 'json', status, body: parsed.value, headers };
  }

  const detail = errorDetail(text, request.secrets);
  const reason = detail ? `${label}: ${detail}` : label;
  // Whatever the status, a Retry-After means "come back later" (Hunter's docs and client disagree on 403/429).
  if (headers.get('retry-after') !== null) return withRetryAfter({ kind: 'retry_later', reason }, headers, now);
  const override = request.statusOverrides?.[status];
  if (override === 'no_match') return { kind: 'no_match', status };
  if (override === 'retry_later') return withRetryAfter({ kind: override, reason }, headers, now);
  if (override) return { kind: override, reason };
  if (request.noMatchStatuses?.includes(status)) return { kind: 'no_match', status };
  if (status === 401 || status === 403) return { kind: 'bad_credentials', reason };
  if (status === 402) return { kind: 'quota_exhausted', reason };
  if (status === 429 || status === 408 || status >= 500) {
    return withRetryAfter({ kind: 'retry_later', reason }, headers, now);
  }
  // Other 4xx: the provider rejected this record's request; it is this provider's error for this record.
  return { kind: 'bad_reply', reason };
}

function withRetryAfter(outcome: { kind: 'retry_later'; reason: string }, headers: Headers, now: Date): FailureOutcome {
  const wait = retryAfterMs(headers, now);
  return wait === undefined ? outcome : { ...outcome, retryAfterMs: wait };
}

function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false };
  }
}

// The first human-readable message in the common error envelopes: Hunter `errors[].details`, PDL `error.message`,
// or a plain `message` / `error` string.
function errorDetail(text: string, secrets: readonly string[] | undefined): string | undefined {
  const parsed = parseJson(text);
  if (!parsed.ok || !parsed.value || typeof parsed.value !== 'object') return undefined;
  const body = parsed.value as Record<string, unknown>;
  const candidates: unknown[] = [];
  if (Array.isArray(body.errors)) {
    const first: unknown = body.errors[0];
    if (first && typeof first === 'object') candidates.push((first as Record<string, unknown>).details);
  }
  if (body.error && typeof body.error === 'object') candidates.push((body.error as Record<string, unknown>).message);
  candidates.push(body.message, body.error, body.error_message);
  const found = candidates.find((candidate): candidate is string => typeof candidate === 'string' && candidate !== '');
  return found === undefined ? undefined : maskSecrets(found, secrets).slice(0, MAX_DETAIL);
}
