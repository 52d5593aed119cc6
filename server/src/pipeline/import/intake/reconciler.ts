import type { MirrorRecord } from '../../../domain/mirror-record';
import type { Logger } from '../../../lib/logger';
import type { OrgClient } from '../../../salesforce/org-client';
import type { ObjectDescribe } from '../../../salesforce/schema/describe-cache';
import { createFieldTypeLookup, type Filter } from '../../segments/filter';
import { flattenRecord } from '../flatten-record';
import type { MirrorFieldSet } from '../mirror-fields';
import type { MirrorStore } from '../mirror-store';
import { sourceQuery, type QueriedSource } from '../source-query';

/** Reads overlap the last change seen by this much, for clock skew between commit time and SystemModstamp. */
const OVERLAP_MS = 5 * 60_000;

export interface ReconcileResult {
  /** Changed records that match the source (re-mirrored; the caller processes them). */
  changed: MirrorRecord[];
  /** Mirrored records deleted or no longer matching the source (removed from the mirror; the caller lets them leave). */
  removed: MirrorRecord[];
}

/**
 * Catches the mirror up after a gap the stream cannot fill (an expired replay id, an overflow), DESIGN §5: the
 * records whose `SystemModstamp` is at or after the last change seen, plus the deletions made meanwhile
 * (`getDeleted`), instead of re-reading the whole object.
 */
export async function reconcileSince(input: {
  org: OrgClient;
  /** The object's inclusion: every active source's filter, OR-ed (a record leaves only when none includes it). */
  source: QueriedSource;
  fields: MirrorFieldSet;
  describe: ObjectDescribe;
  accountDescribe: ObjectDescribe | undefined;
  mirror: MirrorStore;
  since: Date;
  now: Date;
  logger: Logger;
}): Promise<ReconcileResult> {
  const { org, source, fields, mirror } = input;
  const from = new Date(input.since.getTime() - OVERLAP_MS);
  const fieldType = createFieldTypeLookup({
    fields: input.describe.fields,
    parentFields: (r) => (r === 'Account' ? input.accountDescribe?.fields : undefined),
  });
  const changedSince: Filter = {
    field: 'SystemModstamp',
    op: 'gte',
    value: from.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  };

  const matching = await org.query<Record<string, unknown>>(sourceQuery(source, fields, fieldType, changedSince), {
    maxFetch: 10_000_000,
  });
  const read = matching.map((raw): MirrorRecord => ({
    id: String(raw.Id),
    object: source.object,
    fields: flattenRecord(raw, fields.parentFields),
  }));
  const changed = await mirror.putMany(read);

  // Changed but no longer matching the inclusion filter: leave.
  const matchingIds = new Set(changed.map((r) => r.id));
  const anyChange = await org.query<{ Id: string }>(
    sourceQuery(
      { ...source, filter: { all: [] } },
      { ...fields, fields: ['Id'], parentFields: [] },
      fieldType,
      changedSince,
    ),
    { maxFetch: 10_000_000 },
  );
  const leavingIds = anyChange.map((r) => r.Id).filter((id) => !matchingIds.has(id));

  // Deleted meanwhile. getDeleted needs a window of at least a minute, within the last 30 days.
  const end = new Date(Math.max(input.now.getTime(), from.getTime() + 60_000));
  const start = new Date(Math.max(from.getTime(), input.now.getTime() - 29 * 24 * 3_600_000));
  const deletedIds = await org.deletedIds(source.object, start, end);
  // getDeleted ignores seconds: its window ends at the start of the current minute, so what was deleted in this
  // minute is not in it yet. queryAll sees the recycle bin up to now.
  const binned = await org.query<{ Id: string }>(
    sourceQuery({ ...source, filter: { all: [] } }, { ...fields, fields: ['Id'], parentFields: [] }, fieldType, {
      all: [changedSince, { field: 'IsDeleted', op: 'eq', value: true }],
    }),
    { maxFetch: 10_000_000, includeDeleted: true },
  );
  for (const r of binned) deletedIds.push(r.Id);

  const removed: MirrorRecord[] = [];
  for (const id of new Set([...leavingIds, ...deletedIds])) {
    const record = await mirror.remove(source.object, id);
    if (record) removed.push(record);
  }
  input.logger.info(
    { object: source.object, since: from.toISOString(), changed: changed.length, removed: removed.length },
    'reconciled',
  );
  return { changed, removed };
}
