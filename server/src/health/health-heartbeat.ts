import type { Logger } from '../lib/logger';
import type { CollectionsClient } from '../salesforce/writers/collections-client';
import { healthChecks, type HealthFacts } from './health-checks';

const HEALTH_OBJECT = 'Audience_Health__c';
/** At most one heartbeat a minute: the setup tab reads it, and an org's API budget is shared. */
export const HEARTBEAT_INTERVAL_MS = 60_000;

export interface HealthHeartbeatDeps {
  collections: CollectionsClient;
  /** One record per deployment (the Redis prefix): several processes of one deployment share it. */
  key: string;
  gather: () => Promise<HealthFacts>;
  logger: Logger;
  now?: () => Date;
  minIntervalMs?: number;
}

/**
 * The server's heartbeat (`Audience_Health__c`, upserted by Key__c): the loop's state, the last change event, the
 * API budget, each provider's key and circuit, Slack, and the change channel's members, each failed item with how
 * to fix it. `beat` writes at most once per interval whoever calls it; a failed write is logged and tried again at
 * the next beat.
 */
export class HealthHeartbeat {
  private lastWrittenAt = Number.NEGATIVE_INFINITY;
  private timer: NodeJS.Timeout | undefined;
  private readonly now: () => Date;
  private readonly minIntervalMs: number;

  constructor(private readonly deps: HealthHeartbeatDeps) {
    this.now = deps.now ?? (() => new Date());
    this.minIntervalMs = deps.minIntervalMs ?? HEARTBEAT_INTERVAL_MS;
  }

  /** Writes the heartbeat unless one was written less than an interval ago; true when it wrote. */
  async beat(): Promise<boolean> {
    const now = this.now();
    if (now.getTime() - this.lastWrittenAt < this.minIntervalMs) return false;
    const facts = await this.deps.gather();
    const checks = healthChecks(facts);
    const [outcome] = await this.deps.collections.save(
      { upsert: { object: HEALTH_OBJECT, externalIdField: 'Key__c' } },
      [
        {
          object: HEALTH_OBJECT,
          fields: {
            Key__c: this.deps.key,
            Reported_At__c: now.toISOString(),
            Loop_Running__c: facts.streamState === 'live',
            Stream_State__c: facts.streamState.slice(0, 40),
            Last_Change_Event_At__c: facts.lastChangeEventAt,
            // Percent fields hold 0..100.
            Api_Budget_Used__c:
              facts.apiBudgetUsed === undefined ? null : Math.round(facts.apiBudgetUsed * 10_000) / 100,
            Channel_Members__c: JSON.stringify(facts.channelMembers),
            Providers__c: JSON.stringify(facts.providers),
            Slack_Connected__c: facts.slackConnected,
            Checks__c: JSON.stringify(checks),
            Failed_Checks__c: checks.filter((c) => !c.ok).length,
          },
        },
      ],
    );
    if (!outcome?.ok) {
      this.deps.logger.warn({ outcome }, 'could not write the health heartbeat');
      return false;
    }
    this.lastWrittenAt = now.getTime();
    return true;
  }

  /** Beats now and then every interval until `stop`. */
  start(): void {
    if (this.timer) return;
    const tick = () => void this.beat().catch((error) => this.deps.logger.warn({ err: error }, 'heartbeat failed'));
    tick();
    this.timer = setInterval(tick, this.minIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
