import type { EnrichmentPlan } from '../../../config/enrichment-plan';
import { AppError } from '../../../lib/errors';
import { toRunFields } from '../waterfall/run-progress';
import { EnrichmentRunRecord } from './enrichment-run-record';
import type { RunOutcome } from './run-outcome';
import type { RunnerContext } from './runner-context';

/** How long a cancel request waits for its running run to reach a page boundary. */
const CANCEL_REQUEST_TTL_MS = 24 * 3600 * 1000;

export interface RunToCancel {
  id: string;
  status: string;
  type: string;
  planId?: string;
}

/** What CANCEL_RUN did: a paused run is cancelled at once, a running one at its next page. */
export type CancelResult = { kind: 'cancelled' | 'requested'; message: string };

export async function cancelRequested(ctx: RunnerContext, runId: string): Promise<boolean> {
  return (await ctx.deps.redis.exists(ctx.runKeys.cancelRequested(runId))) === 1;
}

/** A running run stops: status Cancelled, its resumable state (paused marker, finished ids) discarded. */
export async function finishCancelled(
  ctx: RunnerContext,
  plan: EnrichmentPlan,
  record: EnrichmentRunRecord,
): Promise<RunOutcome> {
  const runId = record.id;
  const snapshot = toRunFields(await ctx.services.progress.snapshot(runId));
  await discardResumableState(ctx, plan.id, runId);
  const message = `${plan.name}: cancelled by an admin`;
  await record.status('Cancelled', message, snapshot, ctx.now());
  await ctx.status.flush({ runId, stage: 'done', message });
  ctx.deps.logger.info({ plan: plan.name, runId }, 'enrichment run cancelled');
  return { status: 'Cancelled', runId, message };
}

async function discardResumableState(ctx: RunnerContext, planId: string | undefined, runId: string): Promise<void> {
  const { redis } = ctx.deps;
  if (planId && (await redis.get(ctx.runKeys.pausedRun(planId))) === runId) {
    await redis.del(ctx.runKeys.pausedRun(planId));
  }
  await redis.del(ctx.runKeys.doneRecords(runId), ctx.runKeys.cancelRequested(runId));
}

/**
 * CANCEL_RUN of an enrichment run: a paused run is cancelled now (it can no longer be resumed), a running one is
 * asked to stop at its next page; a finished run, or a run of another type, is refused with a coded error.
 */
export async function cancelEnrichmentRun(ctx: RunnerContext, run: RunToCancel): Promise<CancelResult> {
  if (run.type !== 'Enrichment') {
    throw new AppError(
      'CANCEL_RUN_TYPE',
      `run ${run.id} is a ${run.type} run; only enrichment runs can be cancelled`,
      false,
    );
  }
  if (run.status === 'Paused') {
    await discardResumableState(ctx, run.planId, run.id);
    const record = EnrichmentRunRecord.reopen(ctx.deps.org, ctx.deps.logger, run.id);
    const message = 'cancelled by an admin while paused; it will not resume';
    await record.status('Cancelled', message, undefined, ctx.now());
    return { kind: 'cancelled', message };
  }
  if (run.status === 'Running' || run.status === 'Queued') {
    await ctx.deps.redis.set(ctx.runKeys.cancelRequested(run.id), '1', 'PX', CANCEL_REQUEST_TTL_MS);
    return { kind: 'requested', message: 'the run stops at its next page' };
  }
  throw new AppError(
    'CANCEL_RUN_FINISHED',
    `run ${run.id} already ended (${run.status}); there is nothing to cancel`,
    false,
  );
}
