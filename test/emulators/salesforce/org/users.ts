import { DEMO_USERS } from '../seed/index';

export type UserRole = 'admin' | 'integration' | 'rep';

export interface OrgUser {
  role: UserRole;
  id: string;
  username: string;
  firstName: string;
  lastName: string;
  email: string;
  /** For the OAuth username-password flow. */
  password: string;
}

/** The demo org's users (from the seed module), each with a password for the username-password flow. */
export const DEFAULT_USERS: Omit<OrgUser, 'id'>[] = DEMO_USERS.map((u, i) => ({
  role: u.role,
  username: u.username,
  firstName: u.firstName,
  lastName: u.lastName,
  email: u.email,
  password: `emulator-${u.role}-${i + 1}`,
}));
