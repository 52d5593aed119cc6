import { parseRetryAfter } from '../pipeline/enrich/providers/retry-after';

export type FetchLike = (input: string | URL, init?: RequestInit) => Promise<Response>;

export interface SlackWebClientOptions {
  /** `SLACK_BOT_TOKEN` (xoxb-…). */
  token: string;
  /** `SLACK_API_URL`, default `https://slack.com/api`. */
  apiUrl: string;
  fetch?: FetchLike;
  now?: () => number;
  timeoutMs?: number;
}

/**
 * What a Web API method answered. Slack answers method errors with HTTP 200 and `{ok: false, error}`; only rate
 * limits (429 + Retry-After) and transport faults use other statuses.
 */
export type SlackCallResult =
  | { ok: true; body: Record<string, unknown> }
  | { ok: false; error: string; retryAfterMs?: number; httpStatus?: number };

/**
 * A minimal Slack Web API client: POST `<api url>/<method>` with a JSON body and the bot token as bearer. No
 * retries here — the caller decides (the action step retries with the Retry-After this returns).
 */
export class SlackWebClient {
  private readonly fetch: FetchLike;
  private readonly now: () => number;

  constructor(private readonly options: SlackWebClientOptions) {
    this.fetch = options.fetch ?? fetch;
    this.now = options.now ?? Date.now;
  }

  /** `chat.postMessage`: `text` is the notification fallback and the message when there are no blocks. */
  postMessage(args: { channel: string; text: string; blocks?: unknown[] }): Promise<SlackCallResult> {
    return this.call('chat.postMessage', args);
  }

  /** `chat.update`: replaces a message the bot posted (`channel` is the conversation it landed in). */
  updateMessage(args: { channel: string; ts: string; text: string; blocks?: unknown[] }): Promise<SlackCallResult> {
    return this.call('chat.update', args);
  }

  /** `users.lookupByEmail`: `users_not_found` when no member of the workspace has that email. */
  lookupUserByEmail(email: string): Promise<SlackCallResult> {
    return this.call('users.lookupByEmail', { email });
  }

  async call(method: string, args: Record<string, unknown>): Promise<SlackCallResult> {
    const base = this.options.apiUrl.endsWith('/') ? this.options.apiUrl : `${this.options.apiUrl}/`;
    let response: Response;
    let text: string;
    try {
      response = await this.fetch(new URL(method, base), {
        method: 'POST',
        headers: {
          authorization: `Bearer ${this.options.token}`,
          'content-type': 'application/json; charset=utf-8',
        },
        body: JSON.stringify(args),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        redirect: 'error',
      });
      text = await response.text();
    } catch (error) {
      void error;
      return { ok: false, error: 'request_failed' };
    }
    if (response.status === 429) {
      return {
        ok: false,
        error: 'ratelimited',
        httpStatus: 429,
        retryAfterMs: parseRetryAfter(response.headers.get('retry-after'), new Date(this.now())) ?? 60_000,
      };
    }
    if (response.status !== 200) return { ok: false, error: `http_${response.status}`, httpStatus: response.status };
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { ok: false, error: 'invalid_response', httpStatus: 200 };
    }
    if (!body || typeof body !== 'object') return { ok: false, error: 'invalid_response', httpStatus: 200 };
    const reply = body as Record<string, unknown>;
    if (reply.ok === true) return { ok: true, body: reply };
    return { ok: false, error: typeof reply.error === 'string' ? reply.error : 'unknown_error', httpStatus: 200 };
  }
}
