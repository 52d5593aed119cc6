import type { AudienceCommand } from './audience-command';
import type { CommandContext } from './command-context';
import { dryRunExport } from './dry-run-export';
import { enrichRecord } from './enrich-record';
import { evaluateAudience } from './evaluate-audience';
import { reloadConfig } from './reload-config';
import { runEnrichment } from './run-enrichment';
import { runImport } from './run-import';

type CommandHandler = (ctx: CommandContext, command: AudienceCommand) => Promise<void>;

const HANDLERS: Record<AudienceCommand['command'], CommandHandler> = {
  RELOAD_CONFIG: reloadConfig,
  RUN_IMPORT: runImport,
  EVALUATE_AUDIENCE: evaluateAudience,
  ENRICH_RECORD: enrichRecord,
  RUN_ENRICHMENT: runEnrichment,
  DRY_RUN_EXPORT: dryRunExport,
};

/** Hands each `Audience_Command__e` to its handler, logging who asked for what. */
export function createCommandRouter(ctx: CommandContext): (command: AudienceCommand) => Promise<void> {
  return (command) => {
    ctx.logger.info(
      {
        command: command.command,
        targetId: command.targetId,
        recordId: command.recordId,
        requestedBy: command.requestedBy,
      },
      'command',
    );
    return HANDLERS[command.command](ctx, command);
  };
}
