import { selectQuery } from './select-query';
import { and, apiNameEquals, booleanEquals } from './where';

/** Every record of a config object with the fields the server's schema names (filters are checked after). */
export function configRecordsQuery(object: string, fields: readonly string[]): string {
  return selectQuery({ object, fields: ['Id', ...fields.filter((f) => f !== 'Id')] });
}

/** The audiences that have at least one active action (their entries and exits are worth queueing). */
export function activeActionAudiencesQuery(): string {
  return selectQuery({
    object: 'Audience_Action__c',
    fields: ['Audience__c'],
    where: booleanEquals('Active__c', true),
  });
}

/** Active enrichment plans. */
export function activePlansQuery(fields: readonly string[]): string {
  return selectQuery({ object: 'Audience_Enrichment__c', fields, where: booleanEquals('Active__c', true) });
}

/** The active field maps of one object, with their rules. */
export function activeFieldRulesQuery(object: string): string {
  return selectQuery({
    object: 'Audience_Field_Map__c',
    fields: ['Id', 'Field__c', 'Write_Rule__c'],
    where: and(apiNameEquals('Object__c', object), booleanEquals('Active__c', true)),
  });
}
