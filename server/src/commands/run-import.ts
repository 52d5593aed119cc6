import type { AudienceCommand } from './audience-command';
import type { CommandContext } from './command-context';

/** RUN_IMPORT: imports one source again (`Target_Id__c`), or every source when blank. */
export function runImport(ctx: CommandContext, command: AudienceCommand): Promise<void> {
  const sources = ctx.config.current.sources.filter((s) => !command.targetId || s.id === command.targetId);
  return ctx.imports.serially(async () => {
    for (const source of sources) await ctx.imports.run(source);
  });
}
