import type { Router } from 'express';
import type { Registry } from 'prom-client';
import type { Logger } from '../lib/logger';
import type { Loop } from '../runtime/compose';
import { InboundSignalIntake } from '../signals/inbound/inbound-signal-intake';
import { inboundSignalLoop } from '../signals/inbound/inbound-signal-loop';
import { registerSignalWebhookMetrics } from './signal-webhook-metrics';
import { signalWebhookRoutes } from './signal-webhook-route';

/**
 * The inbound signal webhook as `main.ts` (and the e2e tests) mount it: verified with SIGNAL_WEBHOOK_SECRET and,
 * during a rotation, SIGNAL_WEBHOOK_SECRET_PREVIOUS; counted in /metrics; firing into whichever loop runs now.
 */
export function createSignalWebhook(input: {
  secrets: readonly (string | undefined)[];
  metrics: Registry;
  loop: () => Loop | undefined;
  logger: Logger;
  now?: () => number;
}): Router {
  const counters = registerSignalWebhookMetrics(input.metrics);
  const logger = input.logger.child({ component: 'signal-webhook' });
  const intake = new InboundSignalIntake({
    secrets: input.secrets.filter((secret): secret is string => secret !== undefined && secret !== ''),
    loop: () => inboundSignalLoop(input.loop()),
    counters,
    logger,
    now: input.now,
  });
  return signalWebhookRoutes({ intake, counters, logger });
}
