/** Deterministic seed data for the Salesforce org emulator: the demo org, scaled orgs and the demo users. */
export type { ContactRow, Row, SeedData } from './types';
export { DEMO_COUNTS, generateDemoOrg } from './demo-org';
export { generateScaledOrg, scaledCounts } from './scaled-org';
export { MAX_SCALED_CONTACTS, seedDataFor } from './seed-option';
export { DEMO_FORMER_USERS, DEMO_ORG_NAME, DEMO_USERS, ownerRoleFor, ownerUsernameFor } from './demo-users';
export type { DemoUser, DemoUserRole, FormerDemoUser } from './demo-users';
export { DEMO_QUEUES } from './demo-queues';
export type { DemoQueue } from './demo-queues';
export { FIELD_LIMITS, NUMBER_LIMITS } from './field-limits';
export { ACCOUNT_TYPES, INDUSTRIES, LEAD_SOURCES, LEAD_STATUSES } from './picklists';
