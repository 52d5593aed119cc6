import type { RedisClient as Redis } from '../../../state/redis';
import type { OrgClient } from '../../../salesforce/org-client';
import type { CollectionsClient } from '../../../salesforce/writers/collections-client';
import type { EnrichmentPlan } from '../../../config/enrichment-plan';
import type { RecordObject } from '../../../domain/mirror-record';
import type { Logger } from '../../../lib/logger';
import type { QueueFactory } from '../../../queues/queue-factory';
import type { DescribeCache } from '../../../salesforce/schema/describe-cache';
import type { KeySpace } from '../../../state/key-space';
import type { MirrorStore } from '../../import/mirror-store';
import type { RecordRefresher } from '../../refresh-records';
import type { ProviderRegistry } from '../providers/provider-registry';
import type { EmailPolicy } from '../waterfall/email-validation-policy';

/** What the composition root gives the enrichment runner (and, through it, each of its parts). */
export interface EnrichmentRunnerDeps {
  org: OrgClient;
  /** Writes the plans' Status__c / Status_Message__c. */
  statuses: CollectionsClient;
  redis: Redis;
  prefix: string;
  keys: KeySpace;
  mirror: MirrorStore;
  describes: DescribeCache;
  refresher: RecordRefresher;
  queues: QueueFactory;
  registry: ProviderRegistry;
  logger: Logger;
  now?: () => Date;
  policy?: EmailPolicy;
  /** Records per page (one query for inputs, one refresher call). */
  pageSize?: number;
  /** Waterfalls in flight at once within a page. */
  concurrency?: number;
  /** Passes over records a provider asked to retry later (429, 5xx, circuit open) before they count as failed. */
  retryPasses?: number;
  retryDelayMs?: number;
  maxRateWaitMs?: number;
  statusIntervalMs?: number;
  /**
   * Runs work on the records no intake batch is processing right now (`IntakeDrainer.exclusive`), so a paid value
   * and a change to the same record are never written by two overlapping processings. Without it, no exclusion.
   */
  exclusive?: ExclusiveRecords;
  /** Tests only: the cron pattern given to BullMQ instead of the plan's (e.g. every second). */
  schedulePattern?: (plan: EnrichmentPlan) => string;
  /** Whether this process keeps the run schedulers (the `scheduler` role's lease holder; default yes). */
  ownsSchedules?: () => boolean;
}

/** Holds records against overlapping intake batches; `work` gets the ids it may process now. */
export type ExclusiveRecords = (
  object: RecordObject,
  recordIds: string[],
  work: (recordIds: string[]) => Promise<void>,
) => Promise<void>;
