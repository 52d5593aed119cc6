import { z } from 'zod';
import type { FieldValue } from '../../../../domain/mirror-record';
import type { Logger } from '../../../../lib/logger';
import { parseRetryAfter } from '../../../enrich/providers/retry-after';
import type { ActionApplication, ActionConfig, ActionResult, ActionTarget } from '../../action-target';
import { failed } from '../shared/target-results';
import { pinnedPost } from './pinned-post';
import { checkTargetAddress, resolveWithDns, type ResolveHost } from './target-address';
import type { WebhookConfig } from './webhook-config';
import { SIGNATURE_HEADER, signatureHeader } from '../../../../security/webhook-signature';

export const webhookSettingsSchema = z.object({
  /** Record fields sent in `record` (API names as the mirror holds them, `Account.Name` for a parent's). */
  fields: z
    .array(z.string().regex(/^[A-Za-z][A-Za-z0-9_]*(\.[A-Za-z][A-Za-z0-9_]*)?$/, 'must be a field API name'))
    .max(100)
    .default([]),
  /** Hours after the entry or exit after which a failing delivery is given up. */
  giveUpAfterHours: z.number().positive().max(720).default(24),
});
export type WebhookSettings = z.infer<typeof webhookSettingsSchema>;

export interface WebhookTargetDeps {
  config: WebhookConfig;
  logger: Logger;
  now?: () => number;
  /** DNS resolution (tests map made-up names); the result is checked, then pinned for the connection. */
  resolve?: ResolveHost;
  timeoutMs?: number;
}

export const EVENT_ID_HEADER = 'X-Audiences-Event-Id';

/** First retry within 10 s (5 s), doubling, at most an hour apart. */
const FIRST_RETRY_MS = 5_000;
const MAX_RETRY_MS = 3_600_000;

/**
 * `Webhook`: POSTs the entry (or, with On_Exit__c = Remove, the exit) to the URL in `Target__c`, signed
 * Stripe-style, with the application key as `X-Audiences-Event-Id` so a receiver dedupes the retries of one
 * application (at-least-once delivery). Non-2xx and network errors are retried with backoff until
 * `giveUpAfterHours` after the entry or exit, then fail for good with the last status.
 */
export function createWebhookTarget(deps: WebhookTargetDeps): ActionTarget<WebhookSettings> {
  const now = deps.now ?? Date.now;
  const resolve = deps.resolve ?? resolveWithDns;
  const timeoutMs = deps.timeoutMs ?? 10_000;
  const secrets = [deps.config.signingSecret, deps.config.previousSigningSecret].filter(
    (secret): secret is string => secret !== undefined && secret !== '',
  );

  async function deliver(application: ActionApplication<WebhookSettings>): Promise<ActionResult> {
    const { action } = application;
    const check = await checkTargetAddress(action.target, { allowPrivate: deps.config.allowPrivateTargets, resolve });
    if (!check.ok && check.refused) return failed('WEBHOOK_TARGET_REFUSED', check.message, false);

    const rawBody = JSON.stringify(eventBody(application));
    let outcome: string;
    let retryAfterMs: number | undefined;
    if (!check.ok) {
      outcome = check.message;
    } else {
      const headers = {
        'content-type': 'application/json',
        'user-agent': 'audience-loop-webhooks/1',
        [SIGNATURE_HEADER]: signatureHeader(rawBody, Math.floor(now() / 1000), secrets),
        [EVENT_ID_HEADER]: application.key,
      };
      const reply = await pinnedPost(check.url, check.address, rawBody, headers, timeoutMs);
      if (reply.kind === 'reply' && reply.status >= 200 && reply.status < 300) {
        return { status: 'Succeeded', externalId: application.key, message: `HTTP ${reply.status}` };
      }
      outcome = reply.kind === 'reply' ? `HTTP ${reply.status}` : `network error (${reply.message})`;
      if (reply.kind === 'reply') {
        const header = reply.headers['retry-after'];
        retryAfterMs = parseRetryAfter(typeof header === 'string' ? header : null, new Date(now()));
      }
    }

    const deadline = Date.parse(application.occurredAt) + action.settings.giveUpAfterHours * 3_600_000;
    const left = deadline - now();
    if (!(left > 0)) {
      return failed(
        'WEBHOOK_GAVE_UP',
        `gave up after ${action.settings.giveUpAfterHours} h of failed deliveries; last: ${outcome}`,
        false,
      );
    }
    const backoff = Math.min(FIRST_RETRY_MS * 2 ** Math.max(0, application.attempt - 1), MAX_RETRY_MS);
    // A receiver's Retry-After may ask for longer; the last try happens at the deadline, not after it.
    const wait = Math.min(Math.max(backoff, retryAfterMs ?? 0), left);
    return failed('WEBHOOK_DELIVERY_FAILED', `delivery failed: ${outcome}`, true, wait);
  }

  async function validateTarget(action: ActionConfig<WebhookSettings>): Promise<string | undefined> {
    const check = await checkTargetAddress(action.target, { allowPrivate: deps.config.allowPrivateTargets, resolve });
    return check.ok ? undefined : check.message;
  }

  return {
    type: 'Webhook',
    settingsSchema: webhookSettingsSchema,
    objects: ['Contact', 'Lead', 'Account'],
    requiredFields: (action) => [...action.settings.fields],
    validateTarget,
    apply: deliver,
    // The step calls remove only when On_Exit__c = Remove: that is when an `exited` event is wanted.
    remove: deliver,
  };
}

/** The JSON a receiver gets (documented in docs/actions-reference.md §3). */
export function eventBody(application: ActionApplication<WebhookSettings>) {
  const { record, action } = application;
  const fields: Record<string, FieldValue> = {};
  for (const name of action.settings.fields) fields[name] = record.fields[name] ?? null;
  return {
    event: application.operation === 'apply' ? 'entered' : 'exited',
    audience: { id: application.audience.id, name: application.audience.name },
    record: { ...fields, id: record.id, object: record.object },
    episodeKey: application.episodeKey,
    occurredAt: application.occurredAt,
  };
}
