/**
 * Publishes RELOAD_CONFIG for every changed Audience__c (see AudienceConfigTriggerHandler).
 */
trigger AudienceTrigger on Audience__c(after insert, after update, after delete, after undelete) {
    AudienceConfigTriggerHandler.handle(Trigger.operationType, Trigger.new, Trigger.oldMap);
}
