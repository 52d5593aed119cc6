/**
 * Stand-in for the Apex class AudienceSetupDeleteController: an admin deletes one action, enrichment plan, signal
 * rule or audience. An audience is refused while it is active, while it has actions, and once it has membership
 * records (the Apex's reasons and messages); any other object is refused.
 */
import { z } from 'zod';
import { OrgRestError } from '../org-rest';
import { ApexStandinError, labelled } from './apex-error';
import { checkedId } from './record-id';
import { requireAdmin } from './setup-admin';
import type { ApexStandin, StandinContext } from './standin-context';

export const DELETABLE = ['Audience_Action__c', 'Audience_Enrichment__c', 'Audience_Signal_Rule__c', 'Audience__c'];

async function refuseAudienceInUse(context: StandinContext, audienceId: string): Promise<void> {
  const [audience] = await context.org.query(`SELECT Id, Active__c FROM Audience__c WHERE Id = '${audienceId}'`);
  if (!audience) {
    throw new ApexStandinError(labelled(context.labels, 'Audience_Setup_No_Access', 'No access: {0}', audienceId));
  }
  if (audience.Active__c === true) {
    throw new ApexStandinError(
      labelled(context.labels, 'Audience_Setup_Delete_Active_Audience', 'Deactivate this audience first.'),
    );
  }
  const actions = await context.org.count(`SELECT COUNT() FROM Audience_Action__c WHERE Audience__c = '${audienceId}'`);
  if (actions > 0) {
    throw new ApexStandinError(
      labelled(
        context.labels,
        'Audience_Setup_Delete_Audience_Actions',
        'Delete its actions first ({0}).',
        `${actions}`,
      ),
    );
  }
  const members = await context.org.count(`SELECT COUNT() FROM Audience_Member__c WHERE Audience__c = '${audienceId}'`);
  if (members > 0) {
    throw new ApexStandinError(
      labelled(context.labels, 'Audience_Setup_Delete_Audience_Members', 'It has members ({0}).', `${members}`),
    );
  }
}

export const deleteRecord: ApexStandin = async (input, context) => {
  await requireAdmin(context);
  const recordId = checkedId(z.object({ recordId: z.unknown() }).parse(input ?? {}).recordId, context, 'recordId');
  const object = await context.org.objectOf(recordId);
  if (!object || !DELETABLE.includes(object)) {
    throw new ApexStandinError(
      labelled(context.labels, 'Audience_Setup_Cannot_Delete', 'Cannot delete: {0}', recordId),
    );
  }
  if (object === 'Audience__c') await refuseAudienceInUse(context, recordId);
  try {
    await context.org.delete(object, recordId);
  } catch (error) {
    if (!(error instanceof OrgRestError)) throw error;
    throw new ApexStandinError(
      labelled(context.labels, 'Audience_Setup_Delete_Failed', 'The delete failed: {0}', error.message),
    );
  }
  return null;
};
