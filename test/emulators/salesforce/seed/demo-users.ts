/** The users of the demo org. They are not seed records: the emulator's core creates them and assigns their Ids. */

export type DemoUserRole = 'admin' | 'integration' | 'rep';

export interface DemoUser {
  role: DemoUserRole;
  username: string;
  firstName: string;
  lastName: string;
  email: string;
}

export const DEMO_ORG_NAME = 'Audience Loop Demo';

export const DEMO_USERS: readonly DemoUser[] = [
  {
    role: 'admin',
    username: 'admin@audience-loop.demo',
    firstName: 'Alex',
    lastName: 'Morgan',
    email: 'alex.morgan@audience-loop.demo',
  },
  {
    role: 'integration',
    username: 'integration@audience-loop.demo',
    firstName: 'Audience Loop',
    lastName: 'Integration',
    email: 'integration@audience-loop.demo',
  },
  {
    role: 'rep',
    username: 'rep.one@audience-loop.demo',
    firstName: 'Riley',
    lastName: 'Chen',
    email: 'riley.chen@audience-loop.demo',
  },
  {
    role: 'rep',
    username: 'rep.two@audience-loop.demo',
    firstName: 'Sam',
    lastName: 'Patel',
    email: 'sam.patel@audience-loop.demo',
  },
];

const REP_USERNAMES = DEMO_USERS.filter((user) => user.role === 'rep').map((user) => user.username);
const ADMIN_USERNAME = 'admin@audience-loop.demo';

/**
 * Who owns the record at `index` (within its object): the reps take turns, and every tenth record belongs to the
 * admin. The integration user owns nothing, so its writes are always distinguishable from owners' edits.
 */
export function ownerUsernameFor(index: number): string {
  if (index % 10 === 9) return ADMIN_USERNAME;
  return REP_USERNAMES[index % REP_USERNAMES.length] as string;
}

/** The role of `ownerUsernameFor(index)`. */
export function ownerRoleFor(index: number): 'rep' | 'admin' {
  return index % 10 === 9 ? 'admin' : 'rep';
}

/** A user who left the company: still in the org (records may still name them) but inactive, so never an owner. */
export interface FormerDemoUser {
  username: string;
  firstName: string;
  lastName: string;
  email: string;
}

export const DEMO_FORMER_USERS: readonly FormerDemoUser[] = [
  {
    username: 'former.rep@audience-loop.demo',
    firstName: 'Jordan',
    lastName: 'Blake',
    email: 'jordan.blake@audience-loop.demo',
  },
];
