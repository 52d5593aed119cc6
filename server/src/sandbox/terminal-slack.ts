import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import express from 'express';
import type { SlackSettings } from '../slack/slack-step';

/** The sandbox's Slack users: the demo org's people, so a rep who owns a record gets the DM. */
const SANDBOX_SLACK_USERS: Readonly<Record<string, string>> = {
  'riley.chen@audience-loop.demo': 'U0RILEYCHEN',
  'alex.morgan@audience-loop.demo': 'U0ALEXMORGN',
  'sam.patel@audience-loop.demo': 'U0SAMPATEL1',
};
const SANDBOX_TOKEN = 'xoxb-sandbox';

export interface TerminalSlack {
  settings: SlackSettings;
  stop(): Promise<void>;
}

/**
 * Sandbox mode's Slack: a loopback Web API (`auth.test`, `chat.postMessage`, `chat.update`,
 * `users.lookupByEmail`) that prints every message on the terminal instead of sending it anywhere. (server/src may
 * not import test/, so this is not test/emulators/slack; that fake is the one the tests use.) Any channel id is
 * accepted; a user id lands in that user's DM.
 */
export async function startTerminalSlack(print: (line: string) => void): Promise<TerminalSlack> {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  let counter = 0;
  app.post('/api/:method', (req, res) => {
    const args = (req.body ?? {}) as Record<string, unknown>;
    const text = typeof args.text === 'string' ? args.text : '';
    switch (req.params.method) {
      case 'auth.test':
        return void res.json({ ok: true, team: 'Sandbox', user: 'audiences', team_id: 'T0SANDBOX', user_id: 'U0BOT' });
      case 'users.lookupByEmail': {
        const id = SANDBOX_SLACK_USERS[String(args.email ?? '').toLowerCase()];
        return void res.json(id ? { ok: true, user: { id } } : { ok: false, error: 'users_not_found' });
      }
      case 'chat.postMessage': {
        const target = String(args.channel ?? '');
        const channel = target.startsWith('U') ? `D${target.slice(1)}` : target;
        counter += 1;
        const ts = `${Math.floor(Date.now() / 1000)}.${String(counter).padStart(6, '0')}`;
        print(`Slack ${target.startsWith('U') ? `DM to ${target}` : `#${channel}`}: ${text}`);
        return void res.json({ ok: true, channel, ts, message: { text, ts } });
      }
      case 'chat.update':
        print(`Slack message ${String(args.ts)} updated: ${text}`);
        return void res.json({ ok: true, channel: args.channel, ts: args.ts });
      default:
        return void res.status(404).json({ ok: false, error: 'unknown_method' });
    }
  });
  const server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    settings: {
      botToken: SANDBOX_TOKEN,
      // Nobody outside can click in the sandbox; a random secret keeps /slack/events closed to forgeries.
      signingSecret: process.env.SLACK_SIGNING_SECRET || randomBytes(24).toString('hex'),
      apiUrl: `http://127.0.0.1:${port}/api/`,
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
