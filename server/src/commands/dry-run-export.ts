import type { AudienceCommand } from './audience-command';
import type { CommandContext } from './command-context';

/** DRY_RUN_EXPORT: not built yet (the setup tab's issue); said in the log so an admin's click is not silent. */
export async function dryRunExport(ctx: CommandContext, command: AudienceCommand): Promise<void> {
  ctx.logger.warn({ command: command.command, targetId: command.targetId }, 'command not supported yet');
}
