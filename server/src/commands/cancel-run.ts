import { z } from 'zod';
import { runByIdQuery } from '../salesforce/selectors/run-selectors';
import type { AudienceCommand } from './audience-command';
import type { CommandContext } from './command-context';

const runRow = z.looseObject({
  Id: z.string(),
  Type__c: z.string().nullish(),
  Status__c: z.string().nullish(),
  Audience_Enrichment__c: z.string().nullish(),
});

/**
 * CANCEL_RUN (Target_Id__c = an `Audience_Run__c`): a running or paused enrichment run stops cleanly, status
 * Cancelled, its resumable state discarded. A finished run, or a run that cannot be cancelled, is refused with the
 * reason in the log (and nothing changes).
 */
export async function cancelRun(ctx: CommandContext, command: AudienceCommand): Promise<void> {
  const runId = command.targetId;
  if (!runId) {
    ctx.logger.warn({ command: command.command }, 'CANCEL_RUN refused: Target_Id__c must name the run to cancel');
    return;
  }
  const rows = await ctx.org.query<Record<string, unknown>>(runByIdQuery(runId));
  const parsed = rows[0] === undefined ? undefined : runRow.safeParse(rows[0]);
  if (!parsed?.success) {
    ctx.logger.warn({ runId }, 'CANCEL_RUN refused: no such run');
    return;
  }
  const run = parsed.data;
  try {
    const result = await ctx.enrichment.cancelRun({
      id: run.Id,
      type: run.Type__c ?? '',
      status: run.Status__c ?? '',
      planId: run.Audience_Enrichment__c ?? undefined,
    });
    ctx.logger.info({ runId, result: result.kind }, `CANCEL_RUN: ${result.message}`);
  } catch (error) {
    ctx.logger.warn(
      { runId, code: (error as { code?: string }).code },
      `CANCEL_RUN refused: ${(error as Error).message}`,
    );
  }
}
