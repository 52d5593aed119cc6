import type { AudienceCommand } from './audience-command';
import type { CommandContext } from './command-context';
import { estimatePlanRun } from './estimate-plan-run';

/**
 * ESTIMATE_RUN: dispatched by what Target_Id__c names. An enrichment plan gets its run's credit estimate
 * (estimate-plan-run.ts); a `Prospects` source is another kind of target with its own estimator.
 */
export async function estimateRun(ctx: CommandContext, command: AudienceCommand): Promise<void> {
  const targetId = command.targetId;
  const plan = targetId ? ctx.enrichment.findPlan(targetId) : undefined;
  if (plan) return estimatePlanRun(ctx, plan);
  if (targetId && ctx.prospects?.find(targetId)) {
    const credits = await ctx.prospects.estimate(targetId);
    ctx.logger.info({ targetId, credits }, 'prospect search estimate written to Estimated_Credits__c');
    return;
  }
  ctx.logger.warn(
    { targetId },
    'ESTIMATE_RUN refused: Target_Id__c names no active enrichment plan or prospect search source',
  );
}
