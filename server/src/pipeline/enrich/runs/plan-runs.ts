import type { EnrichmentPlan } from '../../../config/enrichment-plan';
import { emptyWaterfallResult } from '../waterfall/waterfall-result';
import type { AttributeValue } from '../../../domain/attributes';
import { classifyRecord, toRunFields } from '../waterfall/run-progress';
import type { WaterfallResult } from '../waterfall/waterfall';
import { activeMemberIds } from './active-members';
import { EnrichmentRunRecord } from './enrichment-run-record';
import { finishedRunStatus } from '../../runs/run-status';
import { logRunFailures } from './run-failure-log';
import { mapLimit } from './map-limit';
import { cancelRequested, finishCancelled } from './run-cancel';
import { estimatePlan } from './plan-estimate';
import { runPlanWaterfall } from './plan-waterfall';
import { inputFieldsFor, readProviderInputs } from './record-inputs';
import type { RunListener, RunOutcome } from './run-outcome';
import type { RunnerContext } from './runner-context';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const RETRYABLE_ERRORS: ReadonlySet<string> = new Set(['retry_later']);
const RETRYABLE_SKIPS: ReadonlySet<string> = new Set(['rate_limited', 'circuit_open']);

/** A failure a later pass may turn into a success: a provider said "later", or was skipped for now. */
function wantsRetry(result: WaterfallResult): boolean {
  const outcome = classifyRecord(result);
  if (outcome.outcome !== 'failed') return false;
  return (
    result.errors.some((error) => RETRYABLE_ERRORS.has(error.kind)) ||
    result.skipped.some((skip) => RETRYABLE_SKIPS.has(skip.reason))
  );
}

/**
 * One run of a plan over its audience's active members (the caller holds the plan's run lock): an `Audience_Run__c`
 * opened (or its paused run reopened), pages of records through their waterfalls, passes over the records a provider
 * asked to retry later, and the run's end — succeeded, partially, paused at a credit limit, or failed.
 */
export class PlanRuns {
  constructor(private readonly ctx: RunnerContext) {}

  async run(plan: EnrichmentPlan & { audienceId: string }, listener: RunListener): Promise<RunOutcome> {
    const { deps, runKeys, status, services, now } = this.ctx;
    const { org, logger, redis } = deps;
    const estimate = await estimatePlan(this.ctx, plan);
    listener.onEstimate?.(estimate, plan);
    const ids = await activeMemberIds(redis, deps.keys, plan.audienceId);
    const pausedId = await redis.get(runKeys.pausedRun(plan.id));
    const estimateText =
      `estimate ${estimate.expectedCredits} credits (${estimate.low}–${estimate.high}, ` +
      `worst case ${estimate.worstCase}) for ${estimate.records} records`;
    let record: EnrichmentRunRecord;
    if (pausedId) {
      record = EnrichmentRunRecord.reopen(org, logger, pausedId);
      await record.status('Running', `resumed; ${estimateText}`);
    } else {
      record = await EnrichmentRunRecord.create(org, logger, {
        planId: plan.id,
        audienceId: plan.audienceId,
        total: ids.length,
        message: `running ${plan.name}; ${estimateText}`,
        now: now(),
      });
    }
    const runId = record.id;
    await status.publish({ runId, stage: 'enrichment', progress: 0, message: `${plan.name}: ${estimateText}` });
    try {
      return await this.execute(plan, record, ids, listener);
    } catch (error) {
      const fields = toRunFields(await services.progress.snapshot(runId));
      await record.status('Failed', (error as Error).message, fields, now());
      await status.flush({ runId, stage: 'enrichment', message: `failed: ${(error as Error).message}` });
      throw error;
    }
  }

  private async execute(
    plan: EnrichmentPlan,
    record: EnrichmentRunRecord,
    allIds: readonly string[],
    listener: RunListener,
  ): Promise<RunOutcome> {
    const { deps, runKeys, status, services } = this.ctx;
    const { redis } = deps;
    const runId = record.id;
    const doneKey = runKeys.doneRecords(runId);
    const done = new Set(await redis.smembers(doneKey));
    let pending = allIds.filter((id) => !done.has(id));
    const fields = await inputFieldsFor(plan.object, plan.providers, deps.registry.providers, deps.describes);
    const pageSize = deps.pageSize ?? 50;
    const passes = Math.max(1, deps.retryPasses ?? 3);
    const total = allIds.length;
    const report = async (message: string) => {
      const snapshot = await services.progress.snapshot(runId);
      listener.onProgress?.(snapshot.processed, total);
      await record.progress(toRunFields(snapshot), total);
      await status.publish({
        runId,
        stage: 'enrichment',
        progress: total === 0 ? 100 : (snapshot.processed / total) * 100,
        message,
      });
    };

    for (let pass = 1; pending.length > 0 && pass <= passes; pass += 1) {
      if (pass > 1) await sleep(deps.retryDelayMs ?? 2000);
      const deferred: string[] = [];
      for (let start = 0; start < pending.length; start += pageSize) {
        // CANCEL_RUN: stop between pages (a page's paid calls are never cut off halfway) and forget the run.
        if (await cancelRequested(this.ctx, runId)) return finishCancelled(this.ctx, plan, record);
        const page = pending.slice(start, start + pageSize);
        const outcome = await this.enrichPage(plan, runId, page, fields, pass < passes);
        deferred.push(...outcome.deferred);
        await report(
          `${plan.name}: pass ${pass}, ${Math.min(start + page.length, pending.length)} of ${pending.length}`,
        );
        if (outcome.paused) {
          await redis.set(runKeys.pausedRun(plan.id), runId);
          const snapshot = toRunFields(await services.progress.snapshot(runId));
          await record.status('Paused', outcome.paused, snapshot);
          await status.flush({ runId, stage: 'paused', message: outcome.paused });
          deps.logger.warn({ plan: plan.name, runId, message: outcome.paused }, 'enrichment run paused');
          return { status: 'Paused', runId, message: outcome.paused };
        }
      }
      pending = deferred;
    }

    await redis.del(runKeys.pausedRun(plan.id));
    const snapshot = await services.progress.snapshot(runId);
    const runStatus = finishedRunStatus(snapshot) as 'Succeeded' | 'Partially_Succeeded' | 'Failed';
    const message =
      `${plan.name}: ${snapshot.processed} processed, ${snapshot.succeeded} succeeded, ${snapshot.failed} failed, ` +
      `${snapshot.skipped} skipped; ${snapshot.creditsUsed} credits`;
    listener.onProgress?.(snapshot.processed, total);
    const runFields = toRunFields(snapshot);
    await record.status(runStatus, message, runFields, this.ctx.now());
    logRunFailures(deps.logger, { plan: plan.name, runId, status: runStatus }, snapshot, runFields.Error_Summary__c);
    await status.flush({ runId, stage: 'done', progress: 100, message });
    return { status: runStatus, runId, message };
  }

  /** One page: inputs, waterfalls, counting, then the refresher writes what was won. */
  private async enrichPage(
    plan: EnrichmentPlan,
    runId: string,
    ids: readonly string[],
    fields: { fields: string[]; parentFields: string[] },
    mayDefer: boolean,
  ): Promise<{ deferred: string[]; paused?: string }> {
    const { deps, runKeys, services, writes } = this.ctx;
    const inputs = await readProviderInputs(deps.org, plan.object, ids, fields);
    const records = await writes.recordsFor(plan.object, [...inputs.keys()], inputs);
    const deferred: string[] = [];
    let paused: string | undefined;
    const extra = new Map<string, AttributeValue[]>();
    const results = await mapLimit(records, deps.concurrency ?? 4, async (mirrorRecord) => {
      const input = inputs.get(mirrorRecord.id) ?? {};
      return { id: mirrorRecord.id, result: await runPlanWaterfall(this.ctx, plan, runId, input) };
    });
    const doneKey = runKeys.doneRecords(runId);
    for (const { id, result } of results) {
      if (result.values.length > 0) extra.set(id, result.values);
      if (result.paused) {
        paused ??= result.paused.message;
        continue;
      }
      if (mayDefer && wantsRetry(result)) {
        deferred.push(id);
        continue;
      }
      await services.progress.record(runId, result);
      await deps.redis
        .multi()
        .sadd(doneKey, id)
        .pexpire(doneKey, 90 * 24 * 3600 * 1000)
        .exec();
    }
    // Ids no longer readable (deleted, out of the integration user's sight) are counted as skipped.
    for (const id of ids) {
      if (inputs.has(id)) continue;
      await services.progress.record(runId, emptyWaterfallResult());
      await deps.redis.sadd(doneKey, id);
    }
    await writes.write(plan.object, records, extra);
    return { deferred, ...(paused ? { paused } : {}) };
  }
}
