/** What every Apex stand-in gets: the org as the signed-in user, that user's id, and force-app's custom labels. */
import type { OrgRest } from '../org-rest';

export type StandinContext = { org: OrgRest; userId: string; labels: Map<string, string> };

/** One stand-in: checks its own parameters (zod) and answers what the Apex method returns. */
export type ApexStandin = (params: unknown, context: StandinContext) => Promise<unknown>;
