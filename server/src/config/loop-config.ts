import type { FieldMap } from '../domain/field-map';
import type { RecordObject } from '../domain/mirror-record';
import type { LoadedAction } from '../pipeline/action/loaded-action';
import type { Filter } from '../pipeline/segments/filter';
import type { LoadedSignalRule } from '../signals/signal-rule';
import type { ProspectSourceConfig } from './prospect-source';
import type { WarehouseSourceConfig } from './warehouse-source';

/** An active `Audience_Source__c` of type Salesforce: what to import and follow. */
export interface SourceConfig {
  id: string;
  name: string;
  object: RecordObject;
  filter: Filter;
  lastFullSyncAt?: string;
}

/** An active `Audience__c`: a segment evaluated over the mirror. */
export interface AudienceConfig {
  id: string;
  name: string;
  object: RecordObject;
  filter: Filter;
  memberCount?: number;
}

/** A config record that could not be used, with the message written to its `Status_Message__c`. */
export interface ConfigProblem {
  object: string;
  id: string;
  name?: string;
  message: string;
}

/** Everything the loop runs on, loaded from the config objects in Salesforce. */
export interface LoopConfig {
  sources: SourceConfig[];
  /** Active Postgres / Snowflake sources whose settings and query passed their checks (read on schedule). */
  warehouseSources?: WarehouseSourceConfig[];
  /** Active prospect search sources whose settings parsed and whose provider is configured here. */
  prospectSources?: ProspectSourceConfig[];
  audiences: AudienceConfig[];
  fieldMaps: FieldMap[];
  /** Active audiences with at least one active `Audience_Action__c`: only their entries and exits are queued. */
  actionAudienceIds: string[];
  /** Active `Audience_Action__c` records that passed their checks (type, settings, target, object). */
  actions: LoadedAction[];
  /** Active `Audience_Signal_Rule__c` records that passed their checks (type, object, settings, channel, Enrol). */
  signalRules: LoadedSignalRule[];
  problems: ConfigProblem[];
  loadedAt: string;
}
