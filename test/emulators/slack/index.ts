/**
 * A minimal Slack Web API on loopback (`SLACK_API_URL` = `baseUrl`): `auth.test` and `chat.postMessage`, with
 * Slack's conventions — HTTP 200 and `{ok:false, error}` for method errors, 429 + Retry-After for rate limits,
 * bodies as JSON or form-encoded (what @slack/web-api sends). The signals issue extends it.
 */
import express from 'express';
import { listenOnLoopback } from '../providers/fake-server';

export const SLACK_FAKE_TOKEN = 'xoxb-fake-0123456789';
/** A channel the bot is in, one it is not in, and one that is archived. */
export const SLACK_FAKE_CHANNELS = {
  member: 'C0AUDIENCE1',
  notMember: 'C0OUTSIDER1',
  archived: 'C0ARCHIVED1',
} as const;

export interface PostedMessage {
  channel: string;
  text: string;
  ts: string;
}

export interface SlackFake {
  baseUrl: string;
  messages(): readonly PostedMessage[];
  /** Every chat.postMessage call, answered or not. */
  calls(): number;
  control: {
    /** The next call answers `{ok:false, error}`. */
    failNext(error: string): void;
    /** The next call answers 429 with this Retry-After (seconds). */
    rateLimitNext(retryAfterSeconds: number): void;
    reset(): void;
  };
  stop(): Promise<void>;
}

export async function startSlackFake(): Promise<SlackFake> {
  const messages: PostedMessage[] = [];
  let calls = 0;
  let nextError: string | undefined;
  let nextRetryAfter: number | undefined;
  let counter = 0;

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  app.post('/api/:method', (req, res) => {
    const args = (req.body ?? {}) as Record<string, string>;
    const token = req.get('authorization')?.match(/^Bearer (.+)$/)?.[1] ?? args.token;
    if (req.params.method === 'chat.postMessage') calls += 1;
    if (nextRetryAfter !== undefined) {
      res.set('Retry-After', String(nextRetryAfter));
      nextRetryAfter = undefined;
      return void res.status(429).json({ ok: false, error: 'ratelimited' });
    }
    if (token !== SLACK_FAKE_TOKEN) return void res.json({ ok: false, error: token ? 'invalid_auth' : 'not_authed' });
    if (nextError) {
      const error = nextError;
      nextError = undefined;
      return void res.json({ ok: false, error });
    }
    switch (req.params.method) {
      case 'auth.test':
        return void res.json({
          ok: true,
          url: 'https://fake.slack.com/',
          team: 'Fake',
          user: 'audiences',
          team_id: 'T0FAKE',
          user_id: 'U0FAKE',
          bot_id: 'B0FAKE',
        });
      case 'chat.postMessage': {
        const channel = String(args.channel ?? '');
        const text = String(args.text ?? '');
        if (!text && !args.blocks) return void res.json({ ok: false, error: 'no_text' });
        if (channel === SLACK_FAKE_CHANNELS.notMember) return void res.json({ ok: false, error: 'not_in_channel' });
        if (channel === SLACK_FAKE_CHANNELS.archived) return void res.json({ ok: false, error: 'is_archived' });
        if (channel !== SLACK_FAKE_CHANNELS.member) return void res.json({ ok: false, error: 'channel_not_found' });
        counter += 1;
        const ts = `${Math.floor(Date.now() / 1000)}.${String(counter).padStart(6, '0')}`;
        messages.push({ channel, text, ts });
        return void res.json({
          ok: true,
          channel,
          ts,
          message: { type: 'message', subtype: 'bot_message', text, bot_id: 'B0FAKE', ts },
        });
      }
      default:
        return void res.status(404).json({ ok: false, error: 'unknown_method' });
    }
  });

  const server = await listenOnLoopback(app);
  return {
    baseUrl: `${server.origin}/api`,
    messages: () => messages,
    calls: () => calls,
    control: {
      failNext(error) {
        nextError = error;
      },
      rateLimitNext(retryAfterSeconds) {
        nextRetryAfter = retryAfterSeconds;
      },
      reset() {
        messages.length = 0;
        calls = 0;
        nextError = undefined;
        nextRetryAfter = undefined;
      },
    },
    stop: () => server.stop(),
  };
}
