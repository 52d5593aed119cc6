/**
 * Stand-in for the Apex class AudienceSetupAudienceController: an admin creates an audience — inactive, with the
 * empty filter `{"all":[]}`, so nothing joins it before the admin has built its filter — and switches it on or off.
 * A blank or too long name, a name already taken (whatever the case) and an unsupported object are refused with the
 * Apex's messages.
 */
import { z } from 'zod';
import { OrgRestError } from '../org-rest';
import { ApexStandinError, labelled } from './apex-error';
import { checkedId } from './record-id';
import { requireAdmin } from './setup-admin';
import type { ApexStandin, StandinContext } from './standin-context';

export const EMPTY_FILTER = '{"all":[]}';
const MAX_NAME_LENGTH = 80;
const MAPPED_OBJECTS = ['Contact', 'Lead', 'Account'];

/** The org's refusal of a write, as the Apex reports a failed Database.insert / update. */
function saveFailed(context: StandinContext, error: unknown): never {
  if (!(error instanceof OrgRestError)) throw error;
  throw new ApexStandinError(
    labelled(context.labels, 'Audience_Setup_Save_Failed', 'The save failed: {0}', error.message),
  );
}

export const createAudience: ApexStandin = async (input, context) => {
  await requireAdmin(context);
  const params = z.object({ name: z.unknown(), objectName: z.unknown() }).parse(input ?? {});
  const name = typeof params.name === 'string' ? params.name.trim() : '';
  if (name === '' || name.length > MAX_NAME_LENGTH) {
    throw new ApexStandinError(
      labelled(context.labels, 'Audience_Setup_Audience_Needs_Name', 'An audience needs a name of 1 to 80 characters.'),
    );
  }
  const objectName = String(params.objectName ?? '');
  if (!MAPPED_OBJECTS.includes(objectName)) {
    throw new ApexStandinError(
      labelled(context.labels, 'Audience_Setup_Unsupported_Object', 'Unsupported object: {0}', objectName),
    );
  }
  // The Apex compares with SOQL's case-insensitive `=`; the name never goes into a SOQL string here.
  const existing = await context.org.query('SELECT Name FROM Audience__c');
  if (existing.some((row) => String(row.Name ?? '').toLowerCase() === name.toLowerCase())) {
    throw new ApexStandinError(
      labelled(context.labels, 'Audience_Setup_Audience_Exists', 'An audience named {0} already exists.', name),
    );
  }
  try {
    return await context.org.create('Audience__c', {
      Name: name,
      Object__c: objectName,
      Filter__c: EMPTY_FILTER,
      Active__c: false,
    });
  } catch (error) {
    return saveFailed(context, error);
  }
};

export const setAudienceActive: ApexStandin = async (input, context) => {
  await requireAdmin(context);
  const params = z.object({ audienceId: z.unknown(), active: z.unknown() }).parse(input ?? {});
  const audienceId = checkedId(params.audienceId, context, 'audienceId');
  if ((await context.org.objectOf(audienceId)) !== 'Audience__c') {
    throw new ApexStandinError(labelled(context.labels, 'Audience_Setup_No_Access', 'No access: {0}', audienceId));
  }
  try {
    await context.org.update('Audience__c', audienceId, { Active__c: params.active === true });
  } catch (error) {
    saveFailed(context, error);
  }
  return null;
};
