/**
 * Stand-in for the Apex class AudienceRecordRequestController: publishes Audience_Record_Request__e (ENRICH_RECORD)
 * over the REST API as the signed-in user, after the same checks (a supported object the user can read).
 */
import { z } from 'zod';
import { OrgRestError } from '../org-rest';
import { ApexStandinError, labelled } from './apex-error';
import { checkedId, lookupFieldFor } from './record-id';
import type { ApexStandin } from './standin-context';

const params = z.object({ recordId: z.unknown() });

export const requestEnrichment: ApexStandin = async (input, context) => {
  const recordId = checkedId(params.parse(input ?? {}).recordId, context, 'ENRICH_RECORD');
  const object = await context.org.objectOf(recordId);
  if (!object || !lookupFieldFor(object)) {
    throw new ApexStandinError(
      labelled(context.labels, 'Audience_Error_Unsupported_Record', `Unsupported record: ${recordId}`, recordId),
    );
  }
  const visible = await context.org.query(`SELECT Id FROM ${object} WHERE Id = '${recordId}'`);
  if (visible.length === 0) {
    throw new ApexStandinError(
      labelled(context.labels, 'Audience_Error_No_Record_Access', `No access to record ${recordId}`, recordId),
    );
  }
  try {
    return await context.org.publish('Audience_Record_Request__e', {
      Request__c: 'ENRICH_RECORD',
      Record_Id__c: recordId,
      Object__c: object,
    });
  } catch (error) {
    if (!(error instanceof OrgRestError)) throw error;
    throw new ApexStandinError(
      labelled(
        context.labels,
        'Audience_Error_Publish_Failed',
        'Publish failed: {0}',
        `${error.errorCode}: ${error.message}`,
      ),
    );
  }
};
