/**
 * Publishes RELOAD_CONFIG for every changed Audience_Action__c (see AudienceConfigTriggerHandler).
 */
trigger AudienceActionTrigger on Audience_Action__c(
    after insert,
    after update,
    after delete,
    after undelete
) {
    AudienceConfigTriggerHandler.handle(Trigger.operationType, Trigger.new, Trigger.oldMap);
}
