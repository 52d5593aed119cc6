import { selectQuery } from './select-query';
import { idEquals } from './where';

/** One `Audience_Run__c` with what CANCEL_RUN needs to decide (its type, status and plan). */
export function runByIdQuery(runId: string): string {
  return selectQuery({
    object: 'Audience_Run__c',
    fields: ['Id', 'Type__c', 'Status__c', 'Audience_Enrichment__c'],
    where: idEquals('Id', runId),
  });
}
