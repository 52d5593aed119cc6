import { objectInclusion } from '../../../config/object-inclusion';
import type { RecordObject } from '../../../domain/mirror-record';
import type { Logger } from '../../../lib/logger';
import type { OrgClient } from '../../../salesforce/org-client';
import type { DescribeCache } from '../../../salesforce/schema/describe-cache';
import type { ReplayStore } from '../../../salesforce/stream/replay-store';
import type { WriteLedger } from '../../export';
import type { LiveConfig } from '../../live-config';
import type { RecordRefresher } from '../../refresh-records';
import type { ImportRunner } from '../import-runner';
import type { MirrorStore } from '../mirror-store';
import { reconcileSince } from './reconciler';
import { traceRecord } from '../../../lib/record-trace';

export interface ObjectReconcilerDeps {
  org: OrgClient;
  describes: DescribeCache;
  config: LiveConfig;
  mirror: MirrorStore;
  ledger: WriteLedger;
  refresher: RecordRefresher;
  replayStore: ReplayStore;
  importRunner: ImportRunner;
  /** Queues changed records for the intake (processed like any change). */
  /** `reconcile` puts the records in the intake's background lane, behind the stream's changes. */
  enqueue: (object: RecordObject, recordIds: string[], reason: 'reconcile') => Promise<void>;
  logger: Logger;
}

/**
 * Catch-up after a gap the stream cannot fill (an overflow, an expired replay id, a restart without a stored one):
 * what changed since the last change seen, plus deletions. Without any mark of when we were last in step, the
 * whole source is read again.
 */
export class ObjectReconciler {
  constructor(private readonly deps: ObjectReconcilerDeps) {}

  /** `since` (epoch ms): read from then (less the overlap) instead of from the last change seen. */
  async reconcileAll(since?: number): Promise<void> {
    for (const object of this.deps.config.objects()) await this.reconcile(object, since);
  }

  async reconcile(object: RecordObject, from?: number): Promise<void> {
    const { config, importRunner } = this.deps;
    const fields = config.fieldSet(object);
    const inclusion = objectInclusion(config.current, object);
    if (!fields || !inclusion) return;
    let since = from ?? (await this.deps.replayStore.lastChangeSeen(object));
    if (since === undefined) {
      // No change seen yet: each source's last import is the mark; a source never imported is read whole.
      const marks: number[] = [];
      for (const source of config.sourcesOf(object)) {
        const completed = await importRunner.completedAt(source);
        if (completed === undefined) await importRunner.run(source);
        else marks.push(completed);
      }
      if (marks.length === 0) return;
      since = Math.min(...marks);
    }
    traceRecord('*', 'reconcile', { object, since: new Date(since).toISOString() });
    const started = Date.now();
    // One pass over the object's inclusion (its sources OR-ed): a record leaves only when no source includes it.
    const result = await reconcileSince({
      org: this.deps.org,
      source: inclusion,
      fields,
      describe: await this.deps.describes.describe(object),
      accountDescribe: object === 'Contact' ? await this.deps.describes.describe('Account') : undefined,
      mirror: this.deps.mirror,
      since: new Date(since),
      now: new Date(),
      logger: this.deps.logger,
    });
    traceRecord('*', 'reconcile.read', {
      object,
      ms: Date.now() - started,
      changed: result.changed.length,
      removed: result.removed.length,
    });
    for (const record of result.removed) await this.deps.ledger.forget(record.id);
    if (result.removed.length > 0) {
      await this.deps.refresher.evaluate(config.current.audiences, result.removed, { removed: true });
    }
    if (result.changed.length > 0) {
      await this.deps.enqueue(
        object,
        result.changed.map((r) => r.id),
        'reconcile',
      );
    }
  }
}
