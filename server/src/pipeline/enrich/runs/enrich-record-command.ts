import type { EnrichmentPlan } from '../../../config/enrichment-plan';
import type { AttributeValue } from '../../../domain/attributes';
import type { MirrorRecord, RecordObject } from '../../../domain/mirror-record';
import { toRunFields } from '../waterfall/run-progress';
import type { WaterfallResult } from '../waterfall/waterfall';
import { EnrichmentRunRecord } from './enrichment-run-record';
import { runPlanWaterfall } from './plan-waterfall';
import { logRunFailures } from './run-failure-log';
import { inputFieldsFor, readProviderInputs } from './record-inputs';
import type { RunnerContext } from './runner-context';
import { singleRecordOutcome, singleRunMessage, singleRunStatus } from './single-record-runs';

/**
 * ENRICH_RECORD: every active plan of the records' object (`plans`) enriches them (cache first), then the refresher
 * writes the winners with the offline values. Without a plan this is the offline processing alone. With plans, the
 * command is one `Audience_Run__c` (linked to the plan when there is one): each record counts once, and each
 * plan's waterfall over a record is a ledger run of its own (Max_Credits_Per_Run__c applies per plan and record).
 */
export async function enrichRecordsNow(
  ctx: RunnerContext,
  plans: readonly EnrichmentPlan[],
  object: RecordObject,
  records: MirrorRecord[],
): Promise<void> {
  const { deps, services, status, writes, now } = ctx;
  if (plans.length === 0) return writes.write(object, records, new Map());
  const { org, logger } = deps;
  const label = `ENRICH_RECORD ${records.map((r) => r.id).join(', ')}`;
  const run = await EnrichmentRunRecord.create(org, logger, {
    ...(plans.length === 1 && plans[0] ? { planId: plans[0].id } : {}),
    total: records.length,
    message: `${label}: ${plans.map((plan) => plan.name).join(', ')}`,
    now: now(),
  });
  const creditRuns: string[] = [];
  const results = new Map<string, WaterfallResult[]>(records.map((record) => [record.id, []]));
  const extra = new Map<string, AttributeValue[]>();
  try {
    for (const plan of plans) {
      const fields = await inputFieldsFor(object, plan.providers, deps.registry.providers, deps.describes);
      const inputs = await readProviderInputs(
        org,
        object,
        records.map((r) => r.id),
        fields,
      );
      for (const record of records) {
        const input = inputs.get(record.id);
        if (!input) continue;
        const creditRun = `${run.id}:${plan.id}:${record.id}`;
        creditRuns.push(creditRun);
        const result = await runPlanWaterfall(ctx, plan, creditRun, input);
        results.get(record.id)?.push(result);
        const had = extra.get(record.id) ?? [];
        const fresh = result.values.filter((value) => !had.some((v) => v.key === value.key));
        extra.set(record.id, [...had, ...fresh]);
        await status.publish({
          recordId: record.id,
          stage: 'enrich-record',
          progress: 100,
          message: result.paused
            ? result.paused.message
            : `${plan.name}: ${result.values.length} values (${result.calls.length} calls)`,
        });
      }
    }
    await writes.write(object, records, extra);
  } catch (error) {
    const snapshot = await services.progress.snapshot(run.id, creditRuns);
    await run.status('Failed', `${label}: ${(error as Error).message}`, toRunFields(snapshot), now());
    throw error;
  }
  // Counted once written: a record whose write failed is in no count of a run that failed.
  for (const list of results.values()) await services.progress.count(run.id, singleRecordOutcome(list));
  const snapshot = await services.progress.snapshot(run.id, creditRuns);
  const runStatus = singleRunStatus(snapshot);
  const fields = toRunFields(snapshot);
  await run.summary(runStatus, singleRunMessage(label, snapshot), fields, records.length, now());
  logRunFailures(
    logger,
    { command: 'ENRICH_RECORD', runId: run.id, status: runStatus },
    snapshot,
    fields.Error_Summary__c,
  );
}
