import { App, ExpressReceiver, LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import type { Router } from 'express';
import { z } from 'zod';
import type { Logger } from '../lib/logger';
import type { AudienceLookup } from './audience-lookup';
import { SIGNAL_ACTIONS, signalButtonValueSchema } from './signal-card';
import type { ButtonClick, SignalButtons } from './signal-buttons';

export const SLACK_EVENTS_PATH = '/slack/events';

/** The parts of a `block_actions` payload a button needs (Bolt verified the signature before). */
const clickSchema = z.looseObject({
  user: z.looseObject({ id: z.string().min(1) }),
  container: z.looseObject({ channel_id: z.string().optional(), message_ts: z.string().optional() }).optional(),
  channel: z.looseObject({ id: z.string() }).optional(),
  message: z.looseObject({ ts: z.string().optional(), blocks: z.array(z.unknown()).optional() }).optional(),
  actions: z.array(z.looseObject({ action_id: z.string(), value: z.string().optional() })).min(1),
});

export interface SlackInteractionsDeps {
  signingSecret: string;
  botToken: string;
  apiUrl: string;
  buttons: SignalButtons;
  lookup: AudienceLookup;
  logger: Logger;
}

/**
 * Bolt on our express app: its `ExpressReceiver` verifies Slack's v0 signature on the raw body (401 when forged or
 * older than 5 minutes) and routes the card's buttons and `/audience`. `processBeforeResponse` answers Slack once
 * the listener finished, so the work is done (or failed) when Slack — or the test's fake — gets its 200.
 */
export function createSlackInteractions(deps: SlackInteractionsDeps): { router: Router } {
  const logger = deps.logger.child({ component: 'slack-events' });
  const receiver = new ExpressReceiver({
    signingSecret: deps.signingSecret,
    endpoints: SLACK_EVENTS_PATH,
    processBeforeResponse: true,
    logger: boltLogger(logger),
  });
  const app = new App({
    receiver,
    token: deps.botToken,
    logger: boltLogger(logger),
    clientOptions: { slackApiUrl: withSlash(deps.apiUrl), retryConfig: { retries: 0 }, rejectRateLimitedCalls: true },
  });

  const onButton = (act: (click: ButtonClick) => Promise<string | undefined>) =>
    (async ({ ack, body, respond }) => {
      await ack();
      const parsed = clickSchema.safeParse(body);
      const value = parsed.success ? parseValue(parsed.data.actions[0]?.value) : undefined;
      if (!parsed.success || !value) {
        logger.warn('a signal button with an unreadable payload');
        return;
      }
      const click: ButtonClick = {
        value,
        userId: parsed.data.user.id,
        channel: parsed.data.container?.channel_id ?? parsed.data.channel?.id,
        ts: parsed.data.container?.message_ts ?? parsed.data.message?.ts,
        blocks: parsed.data.message?.blocks,
      };
      const note = await act(click);
      if (note) await respond({ response_type: 'ephemeral', replace_original: false, text: note }).catch(() => {});
    }) satisfies Parameters<typeof app.action>[1];

  app.action(
    SIGNAL_ACTIONS.dismiss,
    onButton((click) => deps.buttons.dismiss(click)),
  );
  app.action(
    SIGNAL_ACTIONS.enrol,
    onButton((click) => deps.buttons.enrol(click)),
  );
  // A URL button still tells the app it was clicked: acknowledged, nothing to do.
  app.action(SIGNAL_ACTIONS.open, async ({ ack }) => {
    await ack();
  });
  app.command('/audience', async ({ ack, command }) => {
    await ack(await deps.lookup.answer(command.text));
  });
  app.error(async (error) => {
    logger.error({ err: error }, 'a Slack interaction failed');
  });
  return { router: receiver.router };
}

function parseValue(value: string | undefined) {
  if (!value) return undefined;
  try {
    const parsed = signalButtonValueSchema.safeParse(JSON.parse(value));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

/** Bolt's logger interface over ours (its debug chatter stays at debug). */
function boltLogger(logger: Logger): BoltLogger {
  const text = (parts: unknown[]) => parts.map((p) => (typeof p === 'string' ? p : JSON.stringify(p))).join(' ');
  return {
    debug: (...parts: unknown[]) => logger.debug(text(parts)),
    info: (...parts: unknown[]) => logger.info(text(parts)),
    warn: (...parts: unknown[]) => logger.warn(text(parts)),
    error: (...parts: unknown[]) => logger.error(text(parts)),
    setLevel: () => undefined,
    getLevel: () => LogLevel.INFO,
    setName: () => undefined,
  };
}
