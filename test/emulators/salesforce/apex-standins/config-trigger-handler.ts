import type { CommittedTransaction, EmulatorContext, RecordChange } from '../org-contract';

/**
 * Stand-in for the project's Apex (`force-app/.../AudienceConfigTriggerHandler.cls` and the six config-object
 * triggers), NOT platform behaviour: after insert/update/delete/undelete of a configuration record it publishes
 * one `Audience_Command__e` RELOAD_CONFIG per record, as the deployed triggers do in a real org.
 */
export const CONFIG_OBJECTS: readonly string[] = [
  'Audience_Source__c',
  'Audience__c',
  'Audience_Field_Map__c',
  'Audience_Enrichment__c',
  'Audience_Signal_Rule__c',
  'Audience_Action__c',
];

/** Mirrors `IGNORED_FIELDS`: an update touching only these is the server's own status write, not an edit. */
const IGNORED_FIELDS = new Set([
  'status__c',
  'status_message__c',
  'member_count__c',
  'last_full_sync_at__c',
  'last_evaluated_at__c',
  'lastmodifieddate',
  'lastmodifiedbyid',
  'systemmodstamp',
  'lastvieweddate',
  'lastreferenceddate',
]);

export const RELOAD_CONFIG = 'RELOAD_CONFIG';
const COMMAND_EVENT = 'Audience_Command__e';

function isConfigChange(change: RecordChange): boolean {
  if (!CONFIG_OBJECTS.includes(change.entityName)) return false;
  if (change.changeType !== 'UPDATE') return true;
  return change.changedFields.some((field) => !IGNORED_FIELDS.has(field.toLowerCase()));
}

/** The ids whose change the trigger handler would report, in commit order. */
export function changedConfigRecordIds(tx: CommittedTransaction): string[] {
  return tx.changes.filter(isConfigChange).map((change) => change.recordId);
}

export function publishConfigReloads(
  ctx: EmulatorContext,
  tx: CommittedTransaction,
  log: (line: string) => void,
): void {
  for (const recordId of changedConfigRecordIds(tx)) {
    try {
      // Triggers run in system context: the saving user needs no create permission on the event, and the
      // platform still stamps that user as its CreatedById.
      ctx.publishPlatformEvent(COMMAND_EVENT, { Command__c: RELOAD_CONFIG, Target_Id__c: recordId }, tx.commitUserId, {
        systemMode: true,
      });
    } catch (err) {
      // The handler logs a refused publish instead of failing the admin's save.
      log(`audience-loop: RELOAD_CONFIG for ${recordId} was not published: ${(err as Error).message}`);
    }
  }
}
