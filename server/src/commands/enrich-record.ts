import { objectInclusion } from '../config/object-inclusion';
import { objectOfRecordId } from '../domain/record-key-prefix';
import type { AudienceCommand } from './audience-command';
import type { CommandContext } from './command-context';

/**
 * ENRICH_RECORD: the record is read afresh and every active plan of its object enriches it (offline values only
 * when none is active). A record no source includes is left alone.
 */
export async function enrichRecord(ctx: CommandContext, command: AudienceCommand): Promise<void> {
  const id = command.recordId;
  const object = id ? objectOfRecordId(id) : undefined;
  if (!id || !object) return;
  const inclusion = objectInclusion(ctx.config.current, object);
  if (!inclusion) return;
  const found = await ctx.rereader.reread(inclusion, [id]);
  if (found.length > 0) return ctx.enrichment.enrichRecords(object, found);
}
