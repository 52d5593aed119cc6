import { runDryRunExport } from '../pipeline/export/dry-run-export';
import type { AudienceCommand } from './audience-command';
import type { CommandContext } from './command-context';

/**
 * DRY_RUN_EXPORT (a source, or blank for all): every write the Live and Preview maps would make and every skip with
 * its reason, recorded as a `Dry_Run` run with a CSV attached; no record field is written.
 */
export async function dryRunExport(ctx: CommandContext, command: AudienceCommand): Promise<void> {
  try {
    const result = await runDryRunExport(
      {
        org: ctx.org,
        mirror: ctx.mirror,
        refresher: ctx.refresher,
        config: () => ctx.config.current,
        logger: ctx.logger,
      },
      { sourceId: command.targetId },
    );
    ctx.logger.info({ runId: result.runId, records: result.records }, 'DRY_RUN_EXPORT done');
  } catch (error) {
    ctx.logger.warn({ err: error, targetId: command.targetId }, 'DRY_RUN_EXPORT refused or failed');
  }
}
