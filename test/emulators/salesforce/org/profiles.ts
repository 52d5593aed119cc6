/** The profiles a new org has, with the one each emulated user is assigned (stable ids, like the users'). */
import type { ObjectSpec } from '../schema/field-builders';
import { to18 } from './ids';
import type { RecordStore } from './store';
import type { UserRole } from './users';

const PROFILES = [
  { role: 'admin', Name: 'System Administrator', PermissionsModifyAllData: true, PermissionsViewAllData: true },
  { role: 'rep', Name: 'Standard User', PermissionsModifyAllData: false, PermissionsViewAllData: false },
  {
    role: 'integration',
    Name: 'Minimum Access - API Only Integrations',
    PermissionsModifyAllData: false,
    PermissionsViewAllData: false,
  },
] as const;

/** Stores the profiles; returns the profile id for each user role. */
export function loadProfiles(store: RecordStore, profile: ObjectSpec, adminId: string): Record<UserRole, string> {
  const ids = PROFILES.map((_, i) => to18(`00eHs${String(i + 1).padStart(10, '0')}`));
  store.load(
    profile,
    PROFILES.map(({ role: _role, ...p }, i) => ({
      Id: ids[i],
      UserType: 'Standard',
      PermissionsApiEnabled: true,
      ...p,
    })),
    adminId,
  );
  return Object.fromEntries(PROFILES.map((p, i) => [p.role, ids[i]!])) as Record<UserRole, string>;
}
