export type UserRole = 'admin' | 'integration' | 'rep';

export interface OrgUser {
  role: UserRole;
  id: string;
  username: string;
  firstName: string;
  lastName: string;
  email: string;
  password: string;
}

export const DEFAULT_USERS: Omit<OrgUser, 'id'>[] = [
  { role: 'admin', username: 'admin@audience-loop.emulator', firstName: 'Ada', lastName: 'Admin', email: 'admin@example.com', password: 'emulator-admin' },
  { role: 'integration', username: 'integration@audience-loop.emulator', firstName: 'Integration', lastName: 'User', email: 'integration@example.com', password: 'emulator-integration' },
  { role: 'rep', username: 'rep1@audience-loop.emulator', firstName: 'Riley', lastName: 'Rep', email: 'rep1@example.com', password: 'emulator-rep1' },
  { role: 'rep', username: 'rep2@audience-loop.emulator', firstName: 'Sam', lastName: 'Seller', email: 'rep2@example.com', password: 'emulator-rep2' },
];
