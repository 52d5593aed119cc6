import { z } from 'zod';
import { writeConfigStatuses, type ConfigStatusVerdict } from '../../../config/config-status-writer';
import { parseEnrichmentPlan, type EnrichmentPlan } from '../../../config/enrichment-plan';
import type { Logger } from '../../../lib/logger';
import type { OrgClient } from '../../../salesforce/org-client';
import { activePlansQuery } from '../../../salesforce/selectors/config-selectors';
import type { CollectionsClient } from '../../../salesforce/writers/collections-client';

const planRowSchema = z.looseObject({
  Id: z.string(),
  Name: z.string().nullish(),
  Object__c: z.string(),
  Audience__c: z.string().nullish(),
  Attributes__c: z.string().nullish(),
  Providers__c: z.string().nullish(),
  Schedule__c: z.string().nullish(),
  Time_Zone__c: z.string().nullish(),
  Run_On_Entry__c: z.boolean().nullish(),
  Max_Credits_Per_Run__c: z.number().nullish(),
  Monthly_Credit_Budget__c: z.number().nullish(),
  Status__c: z.string().nullish(),
  Status_Message__c: z.string().nullish(),
});

type PlanRow = z.infer<typeof planRowSchema>;

const PLAN_FIELDS = Object.keys(planRowSchema.shape);
const OBJECTS: ReadonlySet<string> = new Set(['Contact', 'Lead', 'Account']);

export interface LoadedPlans {
  plans: EnrichmentPlan[];
  /** Plans refused, with the message written to their Status_Message__c. */
  problems: { id: string; message: string }[];
}

function verdictFor(row: PlanRow, knownProviders: ReadonlySet<string>): { plan?: EnrichmentPlan; message?: string } {
  if (!OBJECTS.has(row.Object__c)) return { message: `Object__c ${row.Object__c} cannot be enriched` };
  const parsed = parseEnrichmentPlan(
    { ...row, Run_On_Entry__c: row.Run_On_Entry__c === true, Object__c: row.Object__c },
    knownProviders,
  );
  if ('problems' in parsed) return { message: parsed.problems.join('; ').slice(0, 255) };
  return { plan: parsed.plan };
}

/**
 * Reads the active `Audience_Enrichment__c` records, validates each with `parseEnrichmentPlan`, and writes
 * `Status__c` / `Status_Message__c` back only where they change (as the config loader does), so our own status
 * write does not start an endless reload.
 */
export async function loadEnrichmentPlans(
  org: OrgClient,
  statuses: CollectionsClient,
  knownProviders: ReadonlySet<string>,
  logger: Logger,
): Promise<LoadedPlans> {
  const rows = await org.query<Record<string, unknown>>(activePlansQuery(PLAN_FIELDS));
  const plans: EnrichmentPlan[] = [];
  const problems: LoadedPlans['problems'] = [];
  const verdicts: ConfigStatusVerdict[] = [];
  for (const raw of rows) {
    const row = planRowSchema.safeParse(raw);
    if (!row.success) {
      logger.warn({ id: raw.Id, issues: row.error.issues }, 'enrichment plan record has an unexpected shape');
      continue;
    }
    const verdict = verdictFor(row.data, knownProviders);
    if (verdict.plan) plans.push(verdict.plan);
    else if (verdict.message) problems.push({ id: row.data.Id, message: verdict.message });
    verdicts.push({
      object: 'Audience_Enrichment__c',
      record: row.data,
      problem: verdict.plan ? undefined : verdict.message,
    });
  }
  await writeConfigStatuses(statuses, verdicts, logger);
  return { plans, problems };
}
