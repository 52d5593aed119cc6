import type { Logger } from '../lib/logger';
import type { Loop } from '../runtime/compose';
import { CollectionsClient } from '../salesforce/writers/collections-client';
import { gatherHealthFacts } from './health-facts';
import { HealthHeartbeat } from './health-heartbeat';

/** The running server's heartbeat: `Audience_Health__c` keyed by the deployment's prefix, written once a minute. */
export function startHealthHeartbeat(
  loop: Loop,
  prefix: string,
  options: { slackConnected: boolean; logger: Logger },
): HealthHeartbeat {
  const logger = options.logger.child({ component: 'health' });
  const heartbeat = new HealthHeartbeat({
    collections: new CollectionsClient(loop.deps.org, { logger, onRequest: () => loop.apiUsage.observe() }),
    key: prefix.slice(0, 80),
    gather: () => gatherHealthFacts(loop, { slackConnected: options.slackConnected }),
    logger,
  });
  heartbeat.start();
  return heartbeat;
}
