/**
 * Publishes RELOAD_CONFIG for every changed Audience_Signal_Rule__c (see AudienceConfigTriggerHandler).
 */
trigger AudienceSignalRuleTrigger on Audience_Signal_Rule__c(
    after insert,
    after update,
    after delete,
    after undelete
) {
    AudienceConfigTriggerHandler.handle(Trigger.operationType, Trigger.new, Trigger.oldMap);
}
