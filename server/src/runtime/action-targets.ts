import type { RedisClient as Redis } from '../state/redis';
import type { Env } from '../env/env';
import type { Logger } from '../lib/logger';
import type { ActionTarget } from '../pipeline/action/action-target';
import { adAudienceEnvFrom } from '../pipeline/action/targets/ad-audience/ad-audience-env';
import { createAdAudienceTarget } from '../pipeline/action/targets/ad-audience/create-ad-audience-target';
import { outreachConfigFromEnv } from '../pipeline/action/targets/outreach/outreach-config';
import { createOutreachTarget } from '../pipeline/action/targets/outreach/outreach-target';
import { salesloftConfigFromEnv } from '../pipeline/action/targets/salesloft/salesloft-config';
import { createSalesloftTarget } from '../pipeline/action/targets/salesloft/salesloft-target';
import { createSlackMessageTarget } from '../pipeline/action/targets/slack-message/slack-message-target';
import { webhookConfigFromEnv } from '../pipeline/action/targets/webhook/webhook-config';
import { createWebhookTarget } from '../pipeline/action/targets/webhook/webhook-target';

/**
 * The action targets beyond Salesforce's own (Campaign, Task), built from the environment. A target whose settings
 * are missing is left out: its actions are reported on their record at config load ("no target configured"), never
 * half-run. `Ad_Audience` is always there: it reports per platform which credentials are missing.
 */
export function actionTargetsFromEnv(env: Env, deps: { redis: Redis; prefix: string; logger: Logger }): ActionTarget[] {
  const { redis, prefix } = deps;
  const logger = deps.logger.child({ component: 'action-targets' });
  const targets: ActionTarget[] = [createAdAudienceTarget({ env: adAudienceEnvFrom(env), redis, prefix, logger })];
  const outreach = outreachConfigFromEnv(env);
  if (outreach) targets.push(createOutreachTarget({ config: outreach, redis, prefix, logger }));
  const salesloft = salesloftConfigFromEnv(env);
  if (salesloft) targets.push(createSalesloftTarget({ config: salesloft, redis, prefix }));
  const webhook = webhookConfigFromEnv(env);
  if (webhook) targets.push(createWebhookTarget({ config: webhook, logger }));
  if (env.SLACK_BOT_TOKEN) {
    targets.push(
      createSlackMessageTarget({ config: { botToken: env.SLACK_BOT_TOKEN, apiUrl: env.SLACK_API_URL }, redis, prefix }),
    );
  }
  return targets as ActionTarget[];
}
