/** The `Id.valueOf` check the Apex does before any query: a stand-in puts only a checked id in SOQL. */
import { SALESFORCE_ID } from '../org-rest';
import { ApexStandinError, labelled } from './apex-error';
import type { StandinContext } from './standin-context';

export function checkedId(value: unknown, context: StandinContext, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') {
    throw new ApexStandinError(
      labelled(context.labels, 'Audience_Error_Record_Required', `${what} is required.`, what),
    );
  }
  const id = value.trim();
  if (!SALESFORCE_ID.test(id)) {
    throw new ApexStandinError(labelled(context.labels, 'Audience_Error_Invalid_Id', `Invalid id: ${id}`, id));
  }
  return id;
}

/** The lookup field on Audience_Member__c / Audience_Signal__c that points at a record of this object. */
export function lookupFieldFor(object: string): string | undefined {
  return ({ Contact: 'Contact__c', Lead: 'Lead__c', Account: 'Account__c' } as Record<string, string>)[object];
}
