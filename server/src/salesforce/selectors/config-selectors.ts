import { selectQuery } from './select-query';
import { and, apiNameEquals, booleanEquals } from './where';

/** Every record of a config object with the fields the server's schema names (filters are checked after). */
export function configRecordsQuery(object: string, fields: readonly string[]): string {
  return selectQuery({ object, fields: ['Id', ...fields.filter((f) => f !== 'Id')] });
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
