import type { Env } from '../env/env';
import type { SlackSettings } from './slack-step';

/** The Slack step's settings, or none when `SLACK_BOT_TOKEN` is not set (the step is then off). */
export function slackSettingsFromEnv(
  env: Pick<Env, 'SLACK_BOT_TOKEN' | 'SLACK_SIGNING_SECRET' | 'SLACK_API_URL'>,
): SlackSettings | undefined {
  if (!env.SLACK_BOT_TOKEN) return undefined;
  return { botToken: env.SLACK_BOT_TOKEN, signingSecret: env.SLACK_SIGNING_SECRET, apiUrl: env.SLACK_API_URL };
}
