/**
 * Publishes RELOAD_CONFIG for every changed Audience_Field_Map__c (see AudienceConfigTriggerHandler).
 */
trigger AudienceFieldMapTrigger on Audience_Field_Map__c(
    after insert,
    after update,
    after delete,
    after undelete
) {
    AudienceConfigTriggerHandler.handle(Trigger.operationType, Trigger.new, Trigger.oldMap);
}
