import type { AudienceCommand } from './audience-command';
import type { CommandContext } from './command-context';

/** RUN_ENRICHMENT: a plan over its audience now, or a paused run resumed. */
export function runEnrichment(ctx: CommandContext, command: AudienceCommand): Promise<void> {
  return ctx.enrichment.requestRun(command.targetId);
}
