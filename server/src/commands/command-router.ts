import { RECORD_REQUEST_EVENT, type AudienceCommand } from './audience-command';
import { cancelRun } from './cancel-run';
import { COMMAND_REFUSALS, refusalOf } from './command-authority';
import type { CommandContext } from './command-context';
import { dryRunExport } from './dry-run-export';
import { enrichRecord } from './enrich-record';
import { estimateRun } from './estimate-run';
import { evaluateAudience } from './evaluate-audience';
import { reloadConfig } from './reload-config';
import { runEnrichment } from './run-enrichment';
import { runExport } from './run-export';
import { runImport } from './run-import';

type CommandHandler = (ctx: CommandContext, command: AudienceCommand) => Promise<void>;

const HANDLERS: Record<AudienceCommand['command'], CommandHandler> = {
  RELOAD_CONFIG: reloadConfig,
  RUN_IMPORT: runImport,
  EVALUATE_AUDIENCE: evaluateAudience,
  ENRICH_RECORD: enrichRecord,
  RUN_ENRICHMENT: runEnrichment,
  DRY_RUN_EXPORT: dryRunExport,
  RUN_EXPORT: runExport,
  ESTIMATE_RUN: estimateRun,
  CANCEL_RUN: cancelRun,
};

/**
 * Hands each command to its handler, logging who asked for what (the event's CreatedById), or refuses it with the
 * reason logged and counted.
 */
export function createCommandRouter(ctx: CommandContext): (command: AudienceCommand) => Promise<void> {
  return async (command) => {
    const about = {
      command: command.command,
      source: command.source,
      requestedBy: command.requestedBy,
      targetId: command.targetId,
      recordId: command.recordId,
      eventUuid: command.eventUuid,
    };
    const refusal = await refusalOf(command, ctx.recordRequests);
    if (refusal) {
      ctx.refusals.add(refusal);
      ctx.logger.warn({ ...about, reason: refusal }, `command refused: ${COMMAND_REFUSALS[refusal]}`);
      // The rep who clicked Enrich now is waiting for this record's final status.
      if (command.source === RECORD_REQUEST_EVENT && command.recordId) {
        await ctx.enrichment.recordFinished(command.recordId, {
          ok: false,
          message: `refused: ${COMMAND_REFUSALS[refusal]}`,
        });
      }
      return;
    }
    ctx.logger.info(about, 'command');
    return HANDLERS[command.command](ctx, command);
  };
}
