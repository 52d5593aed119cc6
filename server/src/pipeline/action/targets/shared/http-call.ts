/**
 * One HTTP call of an action target: fetch with a timeout, no redirects, the reply read as text and parsed as JSON
 * when it is JSON. Transport failures come back as a value, never thrown, so each target maps them to a retryable
 * result. Nothing here logs: URLs and headers may carry keys.
 */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface HttpCall {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  url: URL;
  headers: Record<string, string>;
  /** Sent as is (already serialised). */
  body?: string;
  timeoutMs: number;
}

export type HttpReply =
  { kind: 'reply'; status: number; headers: Headers; body: unknown } | { kind: 'network'; message: string };

const MAX_REPLY_BYTES = 1024 * 1024;

export async function httpCall(call: HttpCall, fetchImpl: FetchLike): Promise<HttpReply> {
  try {
    const response = await fetchImpl(call.url, {
      method: call.method,
      headers: call.headers,
      body: call.body,
      signal: AbortSignal.timeout(call.timeoutMs),
      redirect: 'error',
    });
    if (Number(response.headers.get('content-length') ?? 0) > MAX_REPLY_BYTES) {
      await response.body?.cancel();
      return { kind: 'reply', status: response.status, headers: response.headers, body: undefined };
    }
    const text = await response.text();
    return { kind: 'reply', status: response.status, headers: response.headers, body: parseJson(text) };
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    return { kind: 'network', message: timedOut ? `no reply within ${call.timeoutMs} ms` : describe(error) };
  }
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describe(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error instanceof Error ? error.message : String(error)}${cause}`;
}
