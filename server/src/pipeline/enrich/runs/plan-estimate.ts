import type { EnrichmentPlan } from '../../../config/enrichment-plan';
import { AppError } from '../../../lib/errors';
import { estimateRunCredits, type CreditEstimate } from '../waterfall/credit-estimate';
import { activeMemberIds } from './active-members';
import { inputFieldsFor, readProviderInputs } from './record-inputs';
import type { RunnerContext } from './runner-context';

/** The pre-run estimate of a plan over its audience as it stands (inputs read up to 5,000 members). */
export async function estimatePlan(ctx: RunnerContext, plan: EnrichmentPlan): Promise<CreditEstimate> {
  const { deps, services } = ctx;
  if (!plan.audienceId) throw new AppError('ENRICH_PLAN_NO_AUDIENCE', `plan ${plan.name} has no audience`, false);
  const ids = await activeMemberIds(deps.redis, deps.keys, plan.audienceId);
  const fields = await inputFieldsFor(plan.object, plan.providers, deps.registry.providers, deps.describes);
  const inputs = ids.length <= 5000 ? await readProviderInputs(deps.org, plan.object, ids, fields) : undefined;
  const month = await services.credits.monthUsage(plan.id);
  return estimateRunCredits({
    records: inputs ? [...inputs.values()] : ids.length,
    attributes: plan.attributes,
    providerOrder: plan.providers,
    descriptors: new Map([...deps.registry.providers].map(([id, provider]) => [id, provider.descriptor])),
    hitRates: services.hitRates,
    cache: services.cache,
    budget: { perRun: plan.maxCreditsPerRun, perMonth: plan.monthlyCreditBudget, monthUsed: month.total },
  });
}
