import type { EnrichmentPlan } from '../../../config/enrichment-plan';
import type { ProviderInput } from '../providers/provider-contract';
import { runWaterfall, type WaterfallResult } from '../waterfall/waterfall';
import { rememberUnderNewIdentity } from './identity-carry-over';
import type { RunnerContext } from './runner-context';

/** One record's waterfall under a plan (its providers, attributes and credit limits), booked to ledger run `runId`. */
export async function runPlanWaterfall(
  ctx: RunnerContext,
  plan: EnrichmentPlan,
  runId: string,
  input: ProviderInput,
): Promise<WaterfallResult> {
  const result = await runWaterfall({
    input,
    wanted: plan.attributes,
    providerOrder: plan.providers,
    providers: ctx.deps.registry.providers,
    ...ctx.services,
    policy: ctx.deps.policy ?? 'balanced',
    planId: plan.id,
    runId,
    limits: { perRun: plan.maxCreditsPerRun, perMonth: plan.monthlyCreditBudget },
    now: ctx.now,
    maxRateWaitMs: ctx.deps.maxRateWaitMs,
  });
  await rememberUnderNewIdentity(ctx.services, input, result);
  return result;
}
