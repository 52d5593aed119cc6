import type { Env } from '../../../../env/env-schema';

/** What the Webhook target needs from the environment. */
export interface WebhookConfig {
  signingSecret: string;
  /** The secret being rotated out: deliveries carry a second `v1` made with it. */
  previousSigningSecret?: string;
  /** WEBHOOK_ALLOW_PRIVATE_TARGETS: plain http and private addresses allowed (tests, sandbox). */
  allowPrivateTargets: boolean;
}

/** Undefined when `WEBHOOK_SIGNING_SECRET` is not set: unsigned deliveries are never sent. */
export function webhookConfigFromEnv(env: Env): WebhookConfig | undefined {
  if (env.WEBHOOK_SIGNING_SECRET === undefined) return undefined;
  return {
    signingSecret: env.WEBHOOK_SIGNING_SECRET,
    previousSigningSecret: env.WEBHOOK_SIGNING_SECRET_PREVIOUS,
    allowPrivateTargets: env.WEBHOOK_ALLOW_PRIVATE_TARGETS,
  };
}
