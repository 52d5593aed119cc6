/**
 * `AudienceSetupController.requireAdmin()` for the setup stand-ins: the signed-in user must hold the
 * `Audience_Admin` permission set (a PermissionSetAssignment query, as the Apex does), else the admin-only message.
 */
import { ApexStandinError, labelled } from './apex-error';
import type { StandinContext } from './standin-context';

export const ADMIN_PERMISSION_SET = 'Audience_Admin';

export async function isAdmin(context: StandinContext): Promise<boolean> {
  // userId comes from the org's userinfo answer, never from the page; checked like any id before SOQL.
  if (!/^[a-zA-Z0-9]{15,18}$/.test(context.userId)) return false;
  const rows = await context.org.query(
    `SELECT Id FROM PermissionSetAssignment WHERE AssigneeId = '${context.userId}' AND PermissionSet.Name = '${ADMIN_PERMISSION_SET}'`,
  );
  return rows.length > 0;
}

export async function requireAdmin(context: StandinContext): Promise<void> {
  if (!(await isAdmin(context))) {
    throw new ApexStandinError(
      labelled(
        context.labels,
        'Audience_Setup_Admin_Only',
        'Only users with the Audience Admin permission set can change the audience setup.',
      ),
    );
  }
}
