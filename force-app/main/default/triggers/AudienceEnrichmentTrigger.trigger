/**
 * Publishes RELOAD_CONFIG for every changed Audience_Enrichment__c (see AudienceConfigTriggerHandler).
 */
trigger AudienceEnrichmentTrigger on Audience_Enrichment__c(
    after insert,
    after update,
    after delete,
    after undelete
) {
    AudienceConfigTriggerHandler.handle(Trigger.operationType, Trigger.new, Trigger.oldMap);
}
