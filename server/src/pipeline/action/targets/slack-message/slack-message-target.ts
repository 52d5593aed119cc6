import type { RedisClient as Redis } from '../../../../state/redis';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { isRetryableSlackError, slackErrorHint } from '../../../../slack/slack-errors';
import { SlackWebClient, type FetchLike } from '../../../../slack/slack-web-client';
import type { ActionApplication, ActionConfig, ActionResult, ActionTarget } from '../../action-target';
import { ActionRateLimiter } from '../shared/action-rate-limiter';
import { failed, SKIP_REASONS, skipped } from '../shared/target-results';
import { renderTemplate, templateFields } from './message-template';

export const slackMessageSettingsSchema = z.object({
  /** The message: `{Field}` from the record, `{audience}` the audience's name. */
  text: z.string().trim().min(1).max(3000),
});
export type SlackMessageSettings = z.infer<typeof slackMessageSettingsSchema>;

export interface SlackMessageConfig {
  botToken: string;
  /** `SLACK_API_URL`. */
  apiUrl: string;
}

export interface SlackMessageTargetDeps {
  config: SlackMessageConfig;
  redis: Redis;
  prefix: string;
  fetch?: FetchLike;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

/** Slack allows about one message a second per channel (chat.postMessage's special tier). */
const PER_CHANNEL = { capacity: 1, windowMs: 1_000 };
const MAX_WAIT_MS = 2_000;

/**
 * `Slack_Message`: posts the filled-in text to the channel in `Target__c`. Slack's method errors that a retry
 * cannot fix (`channel_not_found`, `not_in_channel`, `invalid_auth`…) fail the application for good; rate limits
 * (429 + Retry-After) and Slack's faults are retried. Exits do nothing: messages are not unsent.
 */
export function createSlackMessageTarget(deps: SlackMessageTargetDeps): ActionTarget<SlackMessageSettings> {
  const now = deps.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => delay(ms));
  const client = new SlackWebClient({
    token: deps.config.botToken,
    apiUrl: deps.config.apiUrl,
    fetch: deps.fetch,
    now,
  });
  const limiter = new ActionRateLimiter(deps.redis, deps.prefix, now);

  async function apply(application: ActionApplication<SlackMessageSettings>): Promise<ActionResult> {
    const channel = application.action.target;
    const limitName = `slack:${channel}`;
    for (;;) {
      const wait = await limiter.take(limitName, PER_CHANNEL);
      if (wait === 0) break;
      if (wait > MAX_WAIT_MS)
        return failed('SLACK_RATE_LIMITED', `Slack channel ${channel}: next message in ${wait} ms`, true, wait);
      await sleep(wait);
    }
    const text = renderTemplate(application.action.settings.text, application.record.fields, application.audience.name);
    const reply = await client.postMessage({ channel, text });
    if (reply.ok) {
      const ts = reply.body.ts;
      return { status: 'Succeeded', ...(typeof ts === 'string' ? { externalId: ts } : {}) };
    }
    if (reply.retryAfterMs !== undefined) await limiter.block(limitName, reply.retryAfterMs);
    const retryable = isRetryableSlackError(reply.error);
    return failed(
      `SLACK_${reply.error.toUpperCase()}`,
      `Slack: ${reply.error} (${slackErrorHint(reply.error)})`,
      retryable,
      reply.retryAfterMs,
    );
  }

  return {
    type: 'Slack_Message',
    settingsSchema: slackMessageSettingsSchema,
    objects: ['Contact', 'Lead', 'Account'],
    requiredFields: (action: ActionConfig<SlackMessageSettings>) => templateFields(action.settings.text),
    validateTarget: async (action) =>
      /^[CGD][A-Z0-9]{6,}$/.test(action.target)
        ? undefined
        : `Target__c must be a Slack channel id (C…), not "${action.target}"`,
    apply,
    remove: async () => skipped(SKIP_REASONS.notUndoable, 'messages are not unsent'),
  };
}
