import { selectQuery } from './select-query';
import { and, idEquals, idIn, textIn } from './where';

/** The log rows of these application keys (`Audience_Action_Log__c.Key__c`), to resume after losing Redis. */
export function actionLogsByKeyQuery(keys: readonly string[]): string {
  return selectQuery({
    object: 'Audience_Action_Log__c',
    fields: ['Id', 'Key__c', 'Status__c', 'External_Id__c', 'Attempts__c', 'Message__c', 'CreatedDate'],
    where: textIn('Key__c', keys),
  });
}

/** Every episode of one audience (`Key__c` ends in the episode number): to seed an empty membership state. */
export function audienceEpisodesQuery(audienceIds: readonly string[]): string {
  return selectQuery({
    object: 'Audience_Member__c',
    fields: ['Audience__c', 'Record_Id__c', 'Key__c', 'Is_Active__c'],
    where: idIn('Audience__c', audienceIds),
  });
}

/** Tasks an action created, found by their `Audience_Action_Key__c`. */
export function tasksByActionKeyQuery(keys: readonly string[]): string {
  return selectQuery({
    object: 'Task',
    fields: ['Id', 'Audience_Action_Key__c', 'IsClosed', 'OwnerId'],
    where: textIn('Audience_Action_Key__c', keys),
  });
}

/** One campaign, if it exists and the integration user can see it. */
export function campaignQuery(campaignId: string): string {
  return selectQuery({ object: 'Campaign', fields: ['Id', 'Name'], where: idEquals('Id', campaignId) });
}

/** The member statuses a campaign defines (the default one has `IsDefault`). */
export function campaignStatusesQuery(campaignId: string): string {
  return selectQuery({
    object: 'CampaignMemberStatus',
    fields: ['Label', 'IsDefault'],
    where: idEquals('CampaignId', campaignId),
  });
}

/** The memberships of these people (all Contacts or all Leads) in one campaign, with who created each and when. */
export function campaignMembersQuery(
  campaignId: string,
  personField: 'ContactId' | 'LeadId',
  personIds: readonly string[],
): string {
  return selectQuery({
    object: 'CampaignMember',
    fields: ['Id', personField, 'CreatedById', 'CreatedDate'],
    where: and(idEquals('CampaignId', campaignId), idIn(personField, personIds)),
  });
}

/** Users (task owners): active or not, and their time zone. */
export function usersQuery(userIds: readonly string[]): string {
  return selectQuery({ object: 'User', fields: ['Id', 'IsActive', 'TimeZoneSidKey'], where: idIn('Id', userIds) });
}

/** Episode rows by their `Key__c` (the log's lookup to the member needs their ids). */
export function membersByKeyQuery(keys: readonly string[]): string {
  return selectQuery({ object: 'Audience_Member__c', fields: ['Id', 'Key__c'], where: textIn('Key__c', keys) });
}
