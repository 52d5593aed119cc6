import type { EnrichmentPlan } from '../config/enrichment-plan';
import type { CommandContext } from './command-context';

/**
 * ESTIMATE_RUN of an enrichment plan: the credit estimator's expected credits for a run over the plan's audience as
 * it stands, written to the plan's `Estimated_Credits__c` (the setup tab shows it before Run now).
 */
export async function estimatePlanRun(ctx: CommandContext, plan: EnrichmentPlan): Promise<void> {
  try {
    const estimate = await ctx.enrichment.estimate(plan);
    await ctx.org.update('Audience_Enrichment__c', plan.id, { Estimated_Credits__c: estimate.expectedCredits });
    ctx.logger.info(
      {
        plan: plan.name,
        expected: estimate.expectedCredits,
        low: estimate.low,
        high: estimate.high,
        records: estimate.records,
      },
      'ESTIMATE_RUN written to the plan',
    );
  } catch (error) {
    ctx.logger.warn({ err: error, plan: plan.name }, 'ESTIMATE_RUN failed');
  }
}
