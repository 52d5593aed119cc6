/**
 * Who may publish which platform event. On the platform, publishing is creating a record of the event, so it needs
 * create permission on it (a permission set's `objectPermissions.allowCreate`); Apex in system context (triggers)
 * needs none. The emulated users carry the force-app permission sets a real org would assign them.
 */
import type { ForceAppModel } from '@audience-loop/force-app-model';
import { RecordErrors, recordError } from '../errors';
import type { UserRole } from './users';

/** The permission sets each seeded user is assigned (DESIGN §4: admins, reps, the integration user). */
export const PERMISSION_SETS_BY_ROLE: Readonly<Record<UserRole, readonly string[]>> = {
  admin: ['Audience_Admin'],
  rep: ['Audience_User'],
  integration: ['Audience_Integration'],
};

export class EventPublishPermissions {
  private readonly creatable = new Map<UserRole, Set<string>>();

  constructor(forceApp: ForceAppModel | undefined) {
    for (const [role, names] of Object.entries(PERMISSION_SETS_BY_ROLE) as [UserRole, readonly string[]][]) {
      const events = new Set<string>();
      for (const permissionSet of forceApp?.permissionSets ?? []) {
        if (!names.includes(permissionSet.name)) continue;
        for (const grant of permissionSet.objectPermissions) {
          if (grant.allowCreate && grant.object.endsWith('__e')) events.add(grant.object.toLowerCase());
        }
      }
      this.creatable.set(role, events);
    }
  }

  /** Whether a user of this role may publish the event; an unknown user may publish nothing. */
  mayPublish(role: UserRole | undefined, eventName: string): boolean {
    return !!role && (this.creatable.get(role)?.has(eventName.toLowerCase()) ?? false);
  }

  /**
   * The refusal a real org gives a publish without create permission: REST `POST /sobjects/<Event>__e` answers 400
   * `[{"errorCode":"CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY","message":"entity type cannot be inserted: <Label>"}]`
   * (the object's label). Observed for objects a user may not create, e.g. "entity type cannot be inserted:
   * Apex Debugger Session" in forcedotcom/salesforcedx-vscode (packages/salesforcedx-apex-debugger tests) and
   * "entity type cannot be inserted: Scratch Org Info" for a Dev Hub user without the Dev Hub permission set;
   * a platform event is inserted like any sObject (Platform Events Developer Guide, "Publish Event Messages with
   * Salesforce APIs"), so the same check and error apply.
   */
  static refusal(label: string): RecordErrors {
    return new RecordErrors([
      recordError('CANNOT_INSERT_UPDATE_ACTIVATE_ENTITY', `entity type cannot be inserted: ${label}`),
    ]);
  }
}
