import type { Logger } from '../lib/logger';
import type { EnrichmentRunner } from '../pipeline/enrich/runs/enrichment-runner';
import type { ImportRunner } from '../pipeline/import/import-runner';
import type { WarehouseImports } from '../pipeline/import/warehouse/warehouse-imports';
import type { ProspectSearches } from '../pipeline/prospects/prospect-searches';
import type { RecordRereader } from '../pipeline/import/intake/record-rereader';
import type { MirrorStore } from '../pipeline/import/mirror-store';
import type { LiveConfig } from '../pipeline/live-config';
import type { RecordRefresher } from '../pipeline/refresh-records';
import type { OrgClient } from '../salesforce/org-client';
import type { CommandRefusals } from './command-refusals';
import type { ConfigReloader } from './config-reloader';
import type { RecordRequestLimit } from './record-request-limit';

/** What the command handlers use: the use-cases they start, never an adapter of their own. */
export interface CommandContext {
  /** The integration user's org (dry-run records and files, RUN_EXPORT's Mode__c updates, run records). */
  org: OrgClient;
  config: LiveConfig;
  reloader: ConfigReloader;
  imports: ImportRunner;
  /** Warehouse sources' runs; absent when this process has no warehouse connections. */
  warehouse?: WarehouseImports | undefined;
  /** Prospect search sources' runs and estimates. */
  prospects?: ProspectSearches | undefined;
  rereader: RecordRereader;
  mirror: MirrorStore;
  refresher: RecordRefresher;
  enrichment: EnrichmentRunner;
  /** Record requests per requester and hour. */
  recordRequests: RecordRequestLimit;
  refusals: CommandRefusals;
  /** The integration user: our own config writes need no reload. */
  integrationUserId: () => string;
  logger: Logger;
}
