import type { FieldMap } from '../domain/field-map';
import type { AudienceCommand } from './audience-command';
import type { CommandContext } from './command-context';

const sameId = (a: string, b: string) => a.slice(0, 15) === b.slice(0, 15);

/**
 * RUN_EXPORT (a source, a Preview field map, or blank for all): the Preview maps become Live (`Mode__c`), the
 * configuration is reloaded, and the sources of their objects are imported again, which backfills the newly live
 * fields through the loop's own planner and writer (the same path a newly mapped field takes).
 */
export async function runExport(ctx: CommandContext, command: AudienceCommand): Promise<void> {
  const config = ctx.config.current;
  const targetId = command.targetId;
  const source = targetId ? config.sources.find((s) => sameId(s.id, targetId)) : undefined;
  const map = targetId ? config.fieldMaps.find((m) => sameId(m.id, targetId)) : undefined;
  if (targetId && !source && !map) {
    ctx.logger.warn({ targetId }, 'RUN_EXPORT refused: Target_Id__c names no active source or field map');
    return;
  }
  const previews: FieldMap[] = config.fieldMaps.filter(
    (m) => m.mode === 'Preview' && (map ? m.id === map.id : source ? m.object === source.object : true),
  );
  if (previews.length === 0) {
    ctx.logger.info({ targetId }, 'RUN_EXPORT: no Preview field map to make Live');
    return;
  }
  for (const preview of previews) await ctx.org.update('Audience_Field_Map__c', preview.id, { Mode__c: 'Live' });
  // Our own Mode__c writes publish no reload we act on (RELOAD_CONFIG from the integration user): reload here.
  await ctx.reloader.request('RUN_EXPORT');
  const objects = new Set(previews.map((m) => m.object));
  const sources = ctx.config.current.sources.filter(
    (s) => objects.has(s.object) && (source === undefined || s.id === source.id),
  );
  for (const each of sources) await ctx.imports.forget(each.id);
  await ctx.imports.runPending(sources);
  ctx.logger.info(
    { maps: previews.map((m) => `${m.object}.${m.field}`), sources: sources.map((s) => s.name) },
    'RUN_EXPORT: Preview maps are Live and backfilled',
  );
}
