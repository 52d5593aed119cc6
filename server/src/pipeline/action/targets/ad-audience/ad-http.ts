/**
 * The one HTTP call the ad platforms get: fetch with a timeout, the reply read as JSON when it is JSON. Never throws
 * for a reply or a network failure (both are outcomes the caller maps); never puts a URL or header in a message.
 */
export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

export type HttpReply =
  { kind: 'reply'; status: number; headers: Headers; body: unknown } | { kind: 'network'; message: string };

export interface HttpRequest {
  url: string;
  method: 'GET' | 'POST' | 'DELETE';
  headers?: Record<string, string>;
  /** JSON body, or form fields when `form` is set. */
  json?: unknown;
  form?: Record<string, string>;
  timeoutMs: number;
}

export async function sendRequest(request: HttpRequest, fetchImpl: FetchLike): Promise<HttpReply> {
  const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
  let body: string | undefined;
  if (request.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(request.form).toString();
  } else if (request.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(request.json);
  }
  try {
    const response = await fetchImpl(request.url, {
      method: request.method,
      headers,
      body,
      redirect: 'error',
      signal: AbortSignal.timeout(request.timeoutMs),
    });
    const text = await response.text();
    return { kind: 'reply', status: response.status, headers: response.headers, body: parseJson(text) };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const message =
      name === 'TimeoutError' ? `no reply within ${request.timeoutMs} ms` : 'network error (connection failed)';
    return { kind: 'network', message };
  }
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text.slice(0, 200);
  }
}
