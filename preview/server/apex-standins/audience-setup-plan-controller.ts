/**
 * Stand-in for the Apex class AudienceSetupPlanController (the setup tab's Enrichment plans): reads plans, saves them
 * in bulk after the server's own plan check (`parseEnrichmentPlan`, which the Apex mirrors), and publishes
 * ESTIMATE_RUN / RUN_ENRICHMENT for an active plan. Saves and commands are for admins only.
 */
import { z } from 'zod';
import { parseEnrichmentPlan } from '../../../server/src/config/enrichment-plan';
import { ATTRIBUTE_KEYS } from '../../../server/src/domain/attributes';
import { ApexStandinError, labelled } from './apex-error';
import { checkedId } from './record-id';
import { requireAdmin } from './setup-admin';
import { editable, saveRows, storedById, storedOf, type SObjectRow } from './setup-row-save';
import type { ApexStandin, StandinContext } from './standin-context';

export const PROVIDER_IDS = ['offline', 'hunter', 'pdl', 'apollo'] as const;
const PROVIDER_SHAPE = /^(offline|hunter|pdl|apollo|http:[a-z0-9][a-z0-9_-]{0,39})$/;
const PLAN_FIELDS = [
  'Name',
  'Object__c',
  'Audience__c',
  'Attributes__c',
  'Providers__c',
  'Schedule__c',
  'Time_Zone__c',
  'Run_On_Entry__c',
  'Max_Credits_Per_Run__c',
  'Monthly_Credit_Budget__c',
  'Active__c',
] as const;
/** Object__c is set on insert only; the rest the section may edit. */
const EDITABLE = PLAN_FIELDS.filter((f) => f !== 'Object__c');

const rowsParams = z.object({ rows: z.array(z.record(z.string(), z.unknown())).nullish() });
const planParams = z.object({ planId: z.unknown() });

function list(value: unknown): string[] {
  return String(value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export const getPlans: ApexStandin = async (_input, context) => {
  const rows = await context.org.query(
    `SELECT Id, ${PLAN_FIELDS.join(', ')}, Audience__r.Name, Estimated_Credits__c, Status__c, Status_Message__c FROM Audience_Enrichment__c ORDER BY Name LIMIT 200`,
  );
  return rows.map((r) => ({
    id: r.Id,
    name: r.Name,
    objectName: r.Object__c,
    audienceId: r.Audience__c ?? null,
    audienceName: (r.Audience__r as { Name?: string } | null)?.Name ?? null,
    attributes: list(r.Attributes__c),
    providers: list(r.Providers__c),
    schedule: r.Schedule__c ?? null,
    timeZone: r.Time_Zone__c ?? null,
    runOnEntry: r.Run_On_Entry__c === true,
    maxCreditsPerRun: r.Max_Credits_Per_Run__c ?? null,
    monthlyCreditBudget: r.Monthly_Credit_Budget__c ?? null,
    estimatedCredits: r.Estimated_Credits__c ?? null,
    active: r.Active__c === true,
    status: r.Status__c ?? null,
    statusMessage: r.Status_Message__c ?? null,
  }));
};

export const getPlanOptions: ApexStandin = async () => ({
  attributes: [...ATTRIBUTE_KEYS],
  providers: [...PROVIDER_IDS],
});

/** The problems of a plan as it will be after the save, or null. Only the shape of provider ids is checked here. */
export function planProblem(plan: SObjectRow, labels: Map<string, string>): string | null {
  if (!plan.Id && (!String(plan.Name ?? '').trim() || !String(plan.Object__c ?? '').trim())) {
    return labelled(labels, 'Audience_Setup_Plan_Needs_Name', 'A new plan needs a name and an object.');
  }
  const shaped = new Set(list(plan.Providers__c).filter((p) => PROVIDER_SHAPE.test(p)));
  const parsed = parseEnrichmentPlan(
    {
      Id: plan.Id ?? 'new',
      Object__c: String(plan.Object__c ?? ''),
      Audience__c: (plan.Audience__c as string | null | undefined) ?? null,
      Attributes__c: (plan.Attributes__c as string | null | undefined) ?? null,
      Providers__c: (plan.Providers__c as string | null | undefined) ?? null,
      Schedule__c: (plan.Schedule__c as string | null | undefined) ?? null,
      Time_Zone__c: (plan.Time_Zone__c as string | null | undefined) ?? null,
      Max_Credits_Per_Run__c: (plan.Max_Credits_Per_Run__c as number | null | undefined) ?? null,
      Monthly_Credit_Budget__c: (plan.Monthly_Credit_Budget__c as number | null | undefined) ?? null,
    },
    shaped,
  );
  return 'problems' in parsed ? parsed.problems.join('; ') : null;
}

export const savePlans: ApexStandin = async (input, context) => {
  await requireAdmin(context);
  const rows = (rowsParams.parse(input ?? {}).rows ?? []) as SObjectRow[];
  const stored = await storedById(context, 'Audience_Enrichment__c', PLAN_FIELDS, rows);
  const problems = rows.map((row) => {
    const before = storedOf(stored, row.Id);
    if (row.Id && !before) return labelled(context.labels, 'Audience_Setup_No_Access', 'No access: {0}', row.Id);
    return planProblem({ ...(before ?? {}), ...row }, context.labels);
  });
  const edits = rows.map((row) => editable(row, row.Id ? EDITABLE : PLAN_FIELDS));
  return saveRows(context, 'Audience_Enrichment__c', edits, problems);
};

async function publishForActivePlan(input: unknown, context: StandinContext, command: string): Promise<string> {
  await requireAdmin(context);
  const planId = checkedId(planParams.parse(input ?? {}).planId, context, command);
  const [plan] = await context.org.query(`SELECT Id, Active__c FROM Audience_Enrichment__c WHERE Id = '${planId}'`);
  if (!plan) {
    throw new ApexStandinError(labelled(context.labels, 'Audience_Setup_No_Access', 'No access: {0}', planId));
  }
  if (plan.Active__c !== true) {
    throw new ApexStandinError(
      labelled(
        context.labels,
        'Audience_Setup_Plan_Inactive',
        'Activate and save the plan before estimating or running it.',
      ),
    );
  }
  return context.org.publish('Audience_Command__e', { Command__c: command, Target_Id__c: planId });
}

export const estimatePlan: ApexStandin = (input, context) => publishForActivePlan(input, context, 'ESTIMATE_RUN');
export const runPlan: ApexStandin = (input, context) => publishForActivePlan(input, context, 'RUN_ENRICHMENT');
