import type { Env } from './env-schema';

/** The values of every variable that holds a secret: masked in every log line, whatever encoding it appears in. */
export function secretSettings(env: Env): string[] {
  return [
    env.ADMIN_TOKEN,
    env.SALESFORCE_CLIENT_SECRET,
    env.SALESFORCE_REFRESH_TOKEN,
    env.SALESFORCE_ACCESS_TOKEN,
    env.HUNTER_API_KEY,
    env.PDL_API_KEY,
    env.APOLLO_API_KEY,
    env.SLACK_BOT_TOKEN,
    env.SLACK_SIGNING_SECRET,
    env.SIGNAL_WEBHOOK_SECRET_PREVIOUS,
    env.SIGNAL_WEBHOOK_SECRET,
    env.FUNDING_FEED_KEY,
    env.GOOGLE_ADS_DEVELOPER_TOKEN,
    env.GOOGLE_ADS_CLIENT_SECRET,
    env.GOOGLE_ADS_REFRESH_TOKEN,
    env.META_ACCESS_TOKEN,
    env.OUTREACH_CLIENT_SECRET,
    env.OUTREACH_REFRESH_TOKEN,
    env.OUTREACH_TOKEN_KEY,
    env.SALESLOFT_API_KEY,
    env.WEBHOOK_SIGNING_SECRET,
    env.WEBHOOK_SIGNING_SECRET_PREVIOUS,
  ].filter((value): value is string => value !== undefined);
}
