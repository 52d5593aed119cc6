/**
 * Publishes RELOAD_CONFIG for every changed Audience_Source__c (see AudienceConfigTriggerHandler).
 */
trigger AudienceSourceTrigger on Audience_Source__c(
    after insert,
    after update,
    after delete,
    after undelete
) {
    AudienceConfigTriggerHandler.handle(Trigger.operationType, Trigger.new, Trigger.oldMap);
}
