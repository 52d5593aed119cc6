import { objectInclusion } from '../config/object-inclusion';
import { objectOfRecordId } from '../domain/record-key-prefix';
import type { AudienceCommand } from './audience-command';
import type { CommandContext } from './command-context';

/**
 * ENRICH_RECORD: the record is read afresh and every active plan of its object enriches it (offline values only
 * when none is active). A record no source includes is left alone. However it ends, the last status event for the
 * record says so (`done` after the writes, or `failed` with the reason): the rep's record card waits for it.
 */
export async function enrichRecord(ctx: CommandContext, command: AudienceCommand): Promise<void> {
  const id = command.recordId;
  const object = id ? objectOfRecordId(id) : undefined;
  if (!id || !object) return;
  const finish = (ok: boolean, message: string) => ctx.enrichment.recordFinished(id, { ok, message });
  const inclusion = objectInclusion(ctx.config.current, object);
  if (!inclusion) return finish(false, `no active source includes ${object} records`);
  const found = await ctx.rereader.reread(inclusion, [id]);
  if (found.length === 0) return finish(false, 'the record is not included by any source (or no longer exists)');
  try {
    await ctx.enrichment.enrichRecords(object, found);
  } catch (error) {
    await finish(false, `failed: ${(error as Error).message}`);
    throw error;
  }
  await finish(true, 'Enrichment finished: the record is up to date.');
}
