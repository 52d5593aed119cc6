import { selectQuery } from './select-query';
import { and, booleanEquals, idEquals, idIn, textIn } from './where';

/** The fields Slack shows and acts on. */
export const SIGNAL_FIELDS = [
  'Id',
  'Key__c',
  'Type__c',
  'Summary__c',
  'Evidence__c',
  'Confidence__c',
  'Status__c',
  'Record_Id__c',
  'Fired_At__c',
  'Audience_Signal_Rule__c',
  'Notification_Message__c',
  'CreatedDate',
] as const;

/** One `Audience_Signal__c`. */
export function signalByIdQuery(signalId: string): string {
  return selectQuery({ object: 'Audience_Signal__c', fields: SIGNAL_FIELDS, where: idEquals('Id', signalId) });
}

/** A record's newest signals first (the `/audience` answer). */
export function latestSignalsQuery(recordId: string, limit: number): string {
  return selectQuery({
    object: 'Audience_Signal__c',
    fields: SIGNAL_FIELDS,
    where: textIn('Record_Id__c', [recordId]),
    orderBy: [
      { field: 'Fired_At__c', order: 'DESC', nulls: 'LAST' },
      { field: 'CreatedDate', order: 'DESC' },
    ],
    limit,
  });
}

/** The record a signal is about: its name, owner and (people) email. */
export function signalSubjectQuery(object: 'Contact' | 'Lead' | 'Account', recordId: string): string {
  const fields = object === 'Account' ? ['Id', 'Name', 'OwnerId'] : ['Id', 'Name', 'Email', 'OwnerId'];
  return selectQuery({ object, fields, where: idEquals('Id', recordId) });
}

/** People with this email (the `/audience <email>` lookup). */
export function peopleByEmailQuery(object: 'Contact' | 'Lead', email: string): string {
  return selectQuery({ object, fields: ['Id', 'Name', 'Email', 'OwnerId'], where: textIn('Email', [email]), limit: 5 });
}

/** The owners' emails (to find them in Slack). */
export function userEmailsQuery(userIds: readonly string[]): string {
  return selectQuery({ object: 'User', fields: ['Id', 'Name', 'Email'], where: idIn('Id', userIds) });
}

/** The audiences a record is in now. */
export function activeMembershipsQuery(recordId: string): string {
  return selectQuery({
    object: 'Audience_Member__c',
    fields: ['Id', 'Audience__c'],
    where: and(textIn('Record_Id__c', [recordId]), booleanEquals('Is_Active__c', true)),
  });
}
