/**
 * A Slack workspace on loopback (`SLACK_API_URL` = `baseUrl`). Its Web API half answers `auth.test`,
 * `chat.postMessage`, `chat.update` and `users.lookupByEmail` with Slack's conventions — HTTP 200 and
 * `{ok:false, error}` for method errors, 429 + Retry-After for rate limits, bodies as JSON or form-encoded (what
 * @slack/web-api sends, non-scalar args JSON-stringified) — and records every call. Its other half plays Slack
 * calling us: it signs interactive payloads (`block_actions`) and slash commands with the v0 scheme and posts them
 * to our `/slack/events` (see external-apis.md §4.4–4.5).
 */
import express from 'express';
import { listenOnLoopback } from '../providers/fake-server';
import { signSlackRequest } from './slack-signature';

export { signSlackRequest } from './slack-signature';

export const SLACK_FAKE_TOKEN = 'xoxb-fake-0123456789';
/** A channel the bot is in, one it is not in, and one that is archived. */
export const SLACK_FAKE_CHANNELS = {
  member: 'C0AUDIENCE1',
  notMember: 'C0OUTSIDER1',
  archived: 'C0ARCHIVED1',
} as const;

/** Workspace members by email: the demo org's reps, so the sandbox's owners have a Slack user. */
export const SLACK_FAKE_USERS: Readonly<Record<string, string>> = {
  'riley.chen@audience-loop.demo': 'U0RILEYCHEN',
  'alex.morgan@audience-loop.demo': 'U0ALEXMORGN',
};

export interface PostedMessage {
  /** The conversation the message is in (a DM to a user id lands in `D…`). */
  channel: string;
  text: string;
  blocks?: unknown[];
  ts: string;
  /** Each chat.update of this message, oldest first. */
  updates: { text: string; blocks?: unknown[] }[];
}

export interface SlackApiCall {
  method: string;
  args: Record<string, unknown>;
  /** How the body came: `json` or `form`. */
  encoding: 'json' | 'form';
  /** What the fake answered (`ok` or the error code; `ratelimited` for a 429). */
  answer: string;
  /** When it arrived (ms since the epoch). */
  at: number;
}

/** A signed request the fake sent to our receiver, and what it answered. */
export interface SlackDelivery {
  status: number;
  body: string;
  json(): unknown;
}

export interface SlackClicker {
  id: string;
  username: string;
}

export interface SlackFake {
  baseUrl: string;
  messages(): readonly PostedMessage[];
  /** Every chat.postMessage call, answered or not. */
  calls(): number;
  /** Every Web API call in order, with its arguments and the answer. */
  requests(): readonly SlackApiCall[];
  /** The DM conversation id of a user id (`U…` → `D…`). */
  dmChannel(userId: string): string;
  /** Called with each message posted (the sandbox prints them). */
  onMessage(listener: (message: PostedMessage) => void): void;
  control: {
    /** The next call (of `method`, when given) answers `{ok:false, error}`. */
    failNext(error: string, method?: string): void;
    /** The next call (of `method`, when given) answers 429 with this Retry-After (seconds). */
    rateLimitNext(retryAfterSeconds: number, method?: string): void;
    /** A workspace member `users.lookupByEmail` finds. */
    addUser(email: string, userId: string): void;
    reset(): void;
  };
  /** Slack calling our app: signed block_actions and slash commands posted to `url` (our `/slack/events`). */
  interactivity(url: string, signingSecret: string): SlackInteractivity;
  stop(): Promise<void>;
}

export interface SignOptions {
  /** Unix seconds used in the signature (default now): an old one makes a stale request. */
  timestamp?: number;
  /** Sign with this secret instead (a forged request). */
  secret?: string;
}

export interface SlackInteractivity {
  /** A click on a button of a posted message (`block_actions`, form field `payload`). */
  click(message: PostedMessage, actionId: string, user: SlackClicker, options?: SignOptions): Promise<SlackDelivery>;
  /** A slash command (`/audience <text>`), form-encoded. */
  command(command: string, text: string, user: SlackClicker, options?: SignOptions): Promise<SlackDelivery>;
  /** Posts any form body, signed (tests of the verifier). */
  send(body: string, options?: SignOptions): Promise<SlackDelivery>;
}

/** Slack sends non-scalar args JSON-stringified inside a form body. */
function decodeArg(value: unknown): unknown {
  if (typeof value !== 'string') return value;
  if (!/^[[{]/.test(value)) return value;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

export async function startSlackFake(options: { users?: Record<string, string> } = {}): Promise<SlackFake> {
  const messages: PostedMessage[] = [];
  const requests: SlackApiCall[] = [];
  const listeners: ((message: PostedMessage) => void)[] = [];
  const users = new Map(Object.entries(options.users ?? SLACK_FAKE_USERS));
  let postCalls = 0;
  let nextError: { error: string; method?: string } | undefined;
  let nextRetryAfter: { seconds: number; method?: string } | undefined;
  let counter = 0;
  const dmChannel = (userId: string) => `D${userId.slice(1)}`;
  const knownUser = (userId: string) => [...users.values()].includes(userId);

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  app.post('/api/:method', (req, res) => {
    const method = req.params.method;
    const raw = (req.body ?? {}) as Record<string, unknown>;
    const encoding = req.is('application/json') ? 'json' : 'form';
    const args = Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, decodeArg(v)]));
    const call: SlackApiCall = { method, args, encoding, answer: 'ok', at: Date.now() };
    requests.push(call);
    const answer = (status: number, body: Record<string, unknown>) => {
      call.answer = body.ok === true ? 'ok' : String(body.error);
      res.status(status).json(body);
    };
    const token = req.get('authorization')?.match(/^Bearer (.+)$/)?.[1] ?? (args.token as string | undefined);
    if (method === 'chat.postMessage') postCalls += 1;
    if (nextRetryAfter && (!nextRetryAfter.method || nextRetryAfter.method === method)) {
      res.set('Retry-After', String(nextRetryAfter.seconds));
      nextRetryAfter = undefined;
      return answer(429, { ok: false, error: 'ratelimited' });
    }
    if (token !== SLACK_FAKE_TOKEN) return answer(200, { ok: false, error: token ? 'invalid_auth' : 'not_authed' });
    if (nextError && (!nextError.method || nextError.method === method)) {
      const error = nextError.error;
      nextError = undefined;
      return answer(200, { ok: false, error });
    }
    switch (method) {
      case 'auth.test':
        return answer(200, {
          ok: true,
          url: 'https://fake.slack.com/',
          team: 'Fake',
          user: 'audiences',
          team_id: 'T0FAKE',
          user_id: 'U0FAKE',
          bot_id: 'B0FAKE',
        });
      case 'users.lookupByEmail': {
        const email = String(args.email ?? '').toLowerCase();
        const id = users.get(email);
        if (!id) return answer(200, { ok: false, error: 'users_not_found' });
        return answer(200, {
          ok: true,
          user: { id, team_id: 'T0FAKE', name: email.split('@')[0], profile: { email } },
        });
      }
      case 'chat.postMessage': {
        const target = String(args.channel ?? '');
        const text = String(args.text ?? '');
        const blocks = Array.isArray(args.blocks) ? (args.blocks as unknown[]) : undefined;
        if (!text && !blocks) return answer(200, { ok: false, error: 'no_text' });
        if (target === SLACK_FAKE_CHANNELS.notMember) return answer(200, { ok: false, error: 'not_in_channel' });
        if (target === SLACK_FAKE_CHANNELS.archived) return answer(200, { ok: false, error: 'is_archived' });
        // A user id opens the bot's DM with that user.
        const channel = knownUser(target) ? dmChannel(target) : target;
        if (channel !== SLACK_FAKE_CHANNELS.member && !channel.startsWith('D')) {
          return answer(200, { ok: false, error: 'channel_not_found' });
        }
        counter += 1;
        const ts = `${Math.floor(Date.now() / 1000)}.${String(counter).padStart(6, '0')}`;
        const message: PostedMessage = { channel, text, ...(blocks && { blocks }), ts, updates: [] };
        messages.push(message);
        for (const listener of listeners) listener(message);
        return answer(200, {
          ok: true,
          channel,
          ts,
          message: { type: 'message', subtype: 'bot_message', text, bot_id: 'B0FAKE', ts },
        });
      }
      case 'chat.update': {
        const message = messages.find((m) => m.channel === args.channel && m.ts === args.ts);
        if (!message) return answer(200, { ok: false, error: 'message_not_found' });
        const blocks = Array.isArray(args.blocks) ? (args.blocks as unknown[]) : undefined;
        message.updates.push({ text: String(args.text ?? ''), ...(blocks && { blocks }) });
        return answer(200, { ok: true, channel: message.channel, ts: message.ts, text: args.text });
      }
      default:
        return answer(404, { ok: false, error: 'unknown_method' });
    }
  });

  const server = await listenOnLoopback(app);

  const interactivity = (url: string, signingSecret: string): SlackInteractivity => {
    const send = async (body: string, sign: SignOptions = {}): Promise<SlackDelivery> => {
      const timestamp = sign.timestamp ?? Math.floor(Date.now() / 1000);
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'x-slack-request-timestamp': String(timestamp),
          'x-slack-signature': signSlackRequest(sign.secret ?? signingSecret, timestamp, body),
        },
        body,
      });
      const text = await response.text();
      return { status: response.status, body: text, json: () => JSON.parse(text) as unknown };
    };
    return {
      send,
      click(message, actionId, user, sign) {
        const actions = (message.blocks ?? []).flatMap((block) => {
          const b = block as { type?: string; block_id?: string; elements?: Record<string, unknown>[] };
          return b.type === 'actions'
            ? (b.elements ?? []).map((e): Record<string, unknown> => ({ ...e, block_id: b.block_id }))
            : [];
        });
        const button = actions.find((a) => a.action_id === actionId);
        if (!button) throw new Error(`the message has no button "${actionId}"`);
        const payload = {
          type: 'block_actions',
          user: { id: user.id, username: user.username, name: user.username, team_id: 'T0FAKE' },
          api_app_id: 'A0FAKE',
          token: 'deprecated-verification-token',
          container: { type: 'message', message_ts: message.ts, channel_id: message.channel, is_ephemeral: false },
          trigger_id: `${Date.now()}.1.abc`,
          team: { id: 'T0FAKE', domain: 'fake' },
          channel: { id: message.channel, name: message.channel },
          message: { type: 'message', ts: message.ts, text: message.text, blocks: message.blocks },
          response_url: `${server.origin}/response/${message.ts}`,
          actions: [{ ...button, type: 'button', action_ts: `${Date.now() / 1000}` }],
        };
        return send(new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), sign);
      },
      command(command, text, user, sign) {
        const body = new URLSearchParams({
          token: 'deprecated-verification-token',
          team_id: 'T0FAKE',
          team_domain: 'fake',
          channel_id: SLACK_FAKE_CHANNELS.member,
          channel_name: 'audiences',
          user_id: user.id,
          user_name: user.username,
          command,
          text,
          api_app_id: 'A0FAKE',
          is_enterprise_install: 'false',
          response_url: `${server.origin}/response/command`,
          trigger_id: `${Date.now()}.1.def`,
        });
        return send(body.toString(), sign);
      },
    };
  };

  return {
    baseUrl: `${server.origin}/api`,
    messages: () => messages,
    calls: () => postCalls,
    requests: () => requests,
    dmChannel,
    onMessage: (listener) => void listeners.push(listener),
    control: {
      failNext(error, method) {
        nextError = { error, method };
      },
      rateLimitNext(retryAfterSeconds, method) {
        nextRetryAfter = { seconds: retryAfterSeconds, method };
      },
      addUser(email, userId) {
        users.set(email.toLowerCase(), userId);
      },
      reset() {
        messages.length = 0;
        requests.length = 0;
        postCalls = 0;
        nextError = undefined;
        nextRetryAfter = undefined;
      },
    },
    interactivity,
    stop: () => server.stop(),
  };
}
