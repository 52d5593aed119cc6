import type { AudienceConfig, LoopConfig } from '../../config/loop-config';
import { objectInclusion, type ObjectInclusion } from '../../config/object-inclusion';
import type { MirrorRecord, RecordObject } from '../../domain/mirror-record';
import type { Logger } from '../../lib/logger';
import type { OrgClient } from '../../salesforce/org-client';
import type { DescribeCache } from '../../salesforce/schema/describe-cache';
import type { WriteLedger } from '../export';
import type { RecordRefresher } from '../refresh-records';
import { createFieldTypeLookup, evaluateFilter, fieldsOfFilter } from '../segments/filter';
import type { ImportRunner } from './import-runner';
import type { MirrorStore } from './mirror-store';
import { sourceChanges } from './source-changes';
import { sourceQuery } from './source-query';

/** The configuration the loop ran on before a reload, and the fields its mirror held then, per object. */
export interface ConfigSnapshot {
  config: LoopConfig;
  mirroredFields: (object: RecordObject) => ReadonlySet<string>;
}

export interface SourceChangeApplierDeps {
  org: OrgClient;
  describes: DescribeCache;
  mirror: MirrorStore;
  ledger: WriteLedger;
  refresher: RecordRefresher;
  imports: ImportRunner;
  logger: Logger;
}

/**
 * Applies an admin's change to an object's sources (a filter narrowed or widened, a source deactivated, added or
 * moved to another object) found at a config reload: the mirrored records no active source includes any more leave
 * the mirror and their audiences with the exit cause `source_changed`, and the changed sources are marked not
 * imported, so the reload's pending imports read the newcomers in. Leavers are decided on the mirror (no API call)
 * when it holds every field the new filters read, else by one Id query of the new inclusion.
 */
export class SourceChangeApplier {
  constructor(private readonly deps: SourceChangeApplierDeps) {}

  async apply(previous: ConfigSnapshot, next: LoopConfig): Promise<void> {
    for (const change of sourceChanges(previous.config, next)) {
      for (const sourceId of change.changedSourceIds) await this.deps.imports.forget(sourceId);
      await this.removeLeavers(change.object, previous, next);
    }
  }

  private async removeLeavers(object: RecordObject, previous: ConfigSnapshot, next: LoopConfig): Promise<void> {
    const inclusion = objectInclusion(next, object);
    const { includes, decidedBy } = await this.inclusionTest(object, inclusion, previous.mirroredFields(object));
    const audiences = audiencesOf(object, previous.config, next);
    let left = 0;
    for await (const page of this.deps.mirror.scan(object)) {
      const removed: MirrorRecord[] = [];
      for (const record of page.filter((r) => !includes(r))) {
        const held = await this.deps.mirror.remove(object, record.id);
        await this.deps.ledger.forget(record.id);
        if (held) removed.push(held);
      }
      if (removed.length === 0) continue;
      await this.deps.refresher.evaluate(audiences, removed, { removed: true, cause: 'source_changed' });
      left += removed.length;
    }
    this.deps.logger.info(
      { object, left, decidedBy, sources: inclusion?.sourceIds.length ?? 0 },
      'sources changed: records no source includes left the mirror and their audiences',
    );
  }

  private async inclusionTest(
    object: RecordObject,
    inclusion: ObjectInclusion | undefined,
    mirrored: ReadonlySet<string>,
  ): Promise<{ includes: (record: MirrorRecord) => boolean; decidedBy: 'no source' | 'mirror' | 'query' }> {
    if (!inclusion) return { includes: () => false, decidedBy: 'no source' };
    const held = new Set([...mirrored].map((f) => f.toLowerCase()));
    if (fieldsOfFilter(inclusion.filter).every((f) => held.has(f.toLowerCase()))) {
      const now = new Date();
      return { includes: (r) => evaluateFilter(inclusion.filter, r.fields, { now }), decidedBy: 'mirror' };
    }
    // A filter on a field the mirror did not keep: ask the org which records the sources include now.
    const describe = await this.deps.describes.describe(object);
    const account = object === 'Contact' ? await this.deps.describes.describe('Account') : undefined;
    const fieldType = createFieldTypeLookup({
      fields: describe.fields,
      parentFields: (r) => (r === 'Account' ? account?.fields : undefined),
    });
    const soql = sourceQuery(inclusion, { object, fields: ['Id'], parentFields: [], missing: [] }, fieldType);
    const ids = new Set((await this.deps.org.query<{ Id: string }>(soql, { maxFetch: 10_000_000 })).map((r) => r.Id));
    return { includes: (r) => ids.has(r.id), decidedBy: 'query' };
  }
}

/**
 * The audiences whose episodes a leaver must close: the object's audiences now, and those it had before that the
 * new configuration dropped (an audience whose object lost its last source is no longer valid, yet its members
 * still leave).
 */
function audiencesOf(object: RecordObject, previous: LoopConfig, next: LoopConfig): AudienceConfig[] {
  const current = next.audiences.filter((a) => a.object === object);
  const kept = new Set(current.map((a) => a.id));
  return [...current, ...previous.audiences.filter((a) => a.object === object && !kept.has(a.id))];
}
