import type { RecordObject } from '../../domain/mirror-record';
import type { ActionConfig } from './action-target';

/** An active `Audience_Action__c` that passed its checks at config load, with what the loop needs to run it. */
export interface LoadedAction extends ActionConfig {
  /** The audience's object (Contact, Lead or Account). */
  object: RecordObject;
  /** Record fields the target reads: mirrored while the action is active. */
  mirrorFields: string[];
  /** `Settings__c.backfill`: members whose episode opened before the action existed get it too (once). */
  backfill: boolean;
  /** `Settings__c.removeOnSourceChange`: a `source_changed` exit removes too. */
  removeOnSourceChange: boolean;
}
