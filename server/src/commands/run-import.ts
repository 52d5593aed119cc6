import type { AudienceCommand } from './audience-command';
import type { CommandContext } from './command-context';

/**
 * RUN_IMPORT: imports one source again (`Target_Id__c`), or every source when blank; warehouse sources too. A
 * prospect search runs only when named: each run spends provider credits, so "import everything" never starts one.
 */
export async function runImport(ctx: CommandContext, command: AudienceCommand): Promise<void> {
  const sources = ctx.config.current.sources.filter((s) => !command.targetId || s.id === command.targetId);
  const warehouseSources = (ctx.config.current.warehouseSources ?? []).filter(
    (s) => !command.targetId || s.id === command.targetId,
  );
  const prospectSources = (ctx.config.current.prospectSources ?? []).filter((s) => s.id === command.targetId);
  await ctx.imports.serially(async () => {
    for (const source of sources) await ctx.imports.run(source);
  });
  // A warehouse run records its own failure (run record, source status): one failing never stops the others.
  for (const source of warehouseSources) await ctx.warehouse?.run(source.id);
  for (const source of prospectSources) await ctx.prospects?.run(source.id);
}
