import type { LoopConfig } from '../../../config/loop-config';
import { objectInclusion, type ObjectInclusion } from '../../../config/object-inclusion';
import type { FieldValue, MirrorRecord, RecordObject } from '../../../domain/mirror-record';
import type { Logger } from '../../../lib/logger';
import type { RecordChangeEvent } from '../../../salesforce/stream/change-event';
import type { WriteLedger } from '../../export';
import type { LoopObservers } from '../../loop-observers';
import type { LoopStats } from '../../loop-stats';
import { evaluateFilter } from '../../segments/filter';
import { isNewerThan, type MirrorStore } from '../mirror-store';
import type { FieldThresholdWatcher } from '../../../signals/field-threshold-watcher';
import { screenRecordIds } from './screen-record-ids';
import { shownFields, traceRecord, tracing } from '../../../lib/record-trace';

export interface ChangeIntakeDeps {
  mirror: MirrorStore;
  ledger: WriteLedger;
  stats: LoopStats;
  logger: Logger;
  config: () => LoopConfig;
  integrationUserId: () => string;
  /** Mirrored fields per object (what a change event may update in the mirror). */
  mirroredFields: (object: RecordObject) => ReadonlySet<string>;
  /** Queues records for processing (debounced per record); resolves once the work is safely enqueued. */
  enqueue: (object: RecordObject, recordIds: string[], reason: 'cdc' | 'gap' | 'reconcile') => Promise<void>;
  /** Reads records afresh through the object's inclusion (restricted to these ids) into the mirror. */
  reread: (inclusion: ObjectInclusion, recordIds: string[]) => Promise<MirrorRecord[]>;
  /** Re-reads a whole object's changes since the last one seen (GAP_OVERFLOW). */
  reconcile: (object: RecordObject) => Promise<void>;
  /** Records that left their source or were deleted leave every audience. */
  removed: (records: MirrorRecord[]) => Promise<void>;
  /** Told of every change taken in (not our echoes), after the mirror has it. */
  observers?: LoopObservers;
  /** Records an event's entries that are not record ids (a dead letter); the event's valid ids go on. */
  rejectRecordIds?: (event: RecordChangeEvent, invalid: string[]) => Promise<void>;
  /** Field_Threshold rules: shown each change of a watched field with the mirror's previous record, before the patch. */
  thresholds?: Pick<FieldThresholdWatcher, 'watches' | 'check'>;
}

/** Echoes held for one mirror compare-and-set at most (the stream's replay-id commits usually flush them sooner). */
const MAX_HELD_ECHOES = 1000;

/**
 * Turns one change event into work, DESIGN §5: the echo of our own write is dropped; an update patches only
 * the changed fields into the mirror; a record that no active source of its object includes any more leaves,
 * one that starts matching is read in; deletes leave every audience; gap events re-read their records; an overflow reconciles the object;
 * an Account change re-evaluates its Contacts. It resolves only when the work is enqueued, so the caller may
 * then store the replay id.
 */
export class ChangeIntake {
  /**
   * Echoes of our own writes not yet applied to the mirror, by object and record (DESIGN §5). Applied in one
   * compare-and-set per batch, not one per event: before any other change is taken in (events apply in commit
   * order) and before the stream stores a replay id past them (`flushEchoes`), so a kill before that only means
   * the echoes are delivered, recognised and applied again.
   */
  private readonly echoes = new Map<RecordObject, Map<string, { changes: Record<string, FieldValue>; at: number }>>();
  private echoCount = 0;

  constructor(private readonly deps: ChangeIntakeDeps) {}

  /** Applies the echoes taken in so far to the mirror. The stream calls it before storing a replay id. */
  async flushEchoes(): Promise<void> {
    if (this.echoCount === 0) return;
    // Dropped only once applied: a failed flush leaves them for the retry (the caller runs on the event chain).
    for (const [object, echoes] of [...this.echoes]) {
      const patched = await this.deps.mirror.applyEchoes(object, echoes);
      if (tracing) for (const id of patched) traceRecord(id, 'cdc.echo-applied', { object });
      this.echoes.delete(object);
      this.echoCount -= echoes.size;
    }
  }

  async handle(received: RecordChangeEvent): Promise<void> {
    this.deps.stats.changeEvents += 1;
    if (tracing) {
      for (const id of received.recordIds) {
        traceRecord(id, 'cdc.event', {
          replayId: received.replayId,
          changeType: received.changeType,
          commitUser: received.commitUser,
          commitTimestamp: received.commitTimestamp,
          changedFields: received.changedFields,
          values: shownFields(received.values),
        });
      }
    }
    const event = await this.screen(received);
    if (!event) return;
    // Anything but an update may touch the mirror before its first record is found to be an echo or not.
    if (event.changeType !== 'UPDATE' || event.entityName === 'Account') await this.flushEchoes();
    if (event.entityName === 'Account' && event.changeType === 'UPDATE') await this.accountChanged(event);
    const source = objectInclusion(this.deps.config(), event.entityName);
    if (!source) return this.notFollowed(event);
    const object = source.object;
    switch (event.changeType) {
      case 'GAP_OVERFLOW':
        this.deps.logger.warn({ object }, 'overflow event: reconciling the object');
        return this.deps.reconcile(object);
      case 'GAP_CREATE':
      case 'GAP_UPDATE':
      case 'GAP_UNDELETE':
      case 'CREATE':
      case 'UNDELETE':
        return this.readIn(source, event.recordIds, event.changeType.startsWith('GAP_') ? 'gap' : 'cdc');
      case 'GAP_DELETE':
      case 'DELETE':
        return this.remove(object, event.recordIds);
      case 'UPDATE':
        return this.update(source, event);
    }
  }

  /**
   * Before any query: a `<keyPrefix>*` entry reconciles the object, entries that are not record ids are dropped and
   * recorded as a dead letter; the event goes on with its valid ids (undefined when none are left).
   */
  private async screen(event: RecordChangeEvent): Promise<RecordChangeEvent | undefined> {
    const { valid, invalid, wildcard } = screenRecordIds(event.recordIds);
    if (!wildcard && invalid.length === 0) return event;
    if (invalid.length > 0) await this.deps.rejectRecordIds?.(event, invalid);
    const followed = objectInclusion(this.deps.config(), event.entityName) !== undefined;
    if (wildcard && followed) {
      this.deps.logger.warn(
        { object: event.entityName },
        'key-prefix wildcard in a change event: reconciling the object',
      );
      await this.deps.reconcile(event.entityName as RecordObject);
    }
    return valid.length > 0 ? { ...event, recordIds: valid } : undefined;
  }

  /** Counted and told at debug level, so a channel member nobody imports is not a silent drop. */
  private notFollowed(event: RecordChangeEvent): void {
    // An Account change still reaches the Contacts that mirror its fields (accountChanged).
    const parentFields = [...this.deps.mirroredFields('Contact')].some((field) => field.startsWith('Account.'));
    if (event.entityName === 'Account' && parentFields) return;
    this.deps.stats.unfollowedEvents += 1;
    this.deps.logger.debug(
      { object: event.entityName, changeType: event.changeType, replayId: event.replayId },
      'change event for an object no active source follows: dropped',
    );
  }

  private async readIn(source: ObjectInclusion, recordIds: string[], reason: 'cdc' | 'gap'): Promise<void> {
    if (recordIds.length === 0) return;
    const found = await this.deps.reread(source, recordIds);
    const foundIds = new Set(found.map((r) => r.id));
    // Read back and no longer matching (or gone): whatever the mirror had of them leaves.
    const gone = recordIds.filter((id) => !foundIds.has(id));
    if (gone.length > 0) await this.remove(source.object, gone);
    if (found.length > 0) await this.deps.enqueue(source.object, [...foundIds], reason);
  }

  private async remove(object: RecordObject, recordIds: string[]): Promise<void> {
    const removed: MirrorRecord[] = [];
    for (const id of recordIds) {
      const record = await this.deps.mirror.remove(object, id);
      if (record) removed.push(record);
      await this.deps.ledger.forget(id);
    }
    if (removed.length > 0) await this.deps.removed(removed);
  }

  private async update(source: ObjectInclusion, event: RecordChangeEvent): Promise<void> {
    const { mirror, ledger, stats } = this.deps;
    const mirrored = this.deps.mirroredFields(source.object);
    const changes: Record<string, FieldValue> = {};
    for (const field of event.changedFields) {
      if (mirrored.has(field)) changes[field] = event.values[field] ?? null;
    }
    const toProcess: string[] = [];
    const toReadIn: string[] = [];
    const leaving: string[] = [];
    const at = changedAtOf(event);
    for (const id of event.recordIds) {
      if (await ledger.isEcho(id, event.changedFields, event.values, event.commitUser, this.deps.integrationUserId())) {
        stats.echoesDropped += 1;
        if (tracing) traceRecord(id, 'cdc.echo-dropped', { replayId: event.replayId });
        this.keepEcho(source.object, id, changes, event);
        continue;
      }
      await this.flushEchoes();
      // Before the patch, while the mirror still holds the previous value: a crossing that cannot be queued throws,
      // the event is handled again and the same crossing is seen again (same job id and key: one signal).
      if (this.deps.thresholds?.watches(source.object, Object.keys(changes))) {
        const before = await mirror.get(source.object, id);
        if (before && !isNewerThan(before.fields, at)) {
          await this.deps.thresholds.check({
            object: source.object,
            before,
            changes,
            commitTimestamp: event.commitTimestamp,
            changeKey: `${event.transactionKey}.${event.sequenceNumber}`,
          });
        }
      }
      const patched = await mirror.applyChange(source.object, id, changes, at);
      if (patched === 'newer') {
        // Whatever put the newer copy in queued the record with it: nothing is left to do for this change.
        stats.staleChanges += 1;
        if (tracing) traceRecord(id, 'cdc.stale', { replayId: event.replayId, at });
        continue;
      }
      if (tracing) traceRecord(id, 'cdc.patched', { replayId: event.replayId, mirrored: patched !== undefined });
      if (!patched) {
        // Not mirrored: it did not match the source before; this change may make it match.
        toReadIn.push(id);
        continue;
      }
      this.deps.observers?.changed({ record: patched, changes });
      if (!evaluateFilter(source.filter, patched.fields, { now: new Date() })) leaving.push(id);
      else toProcess.push(id);
    }
    if (this.echoCount >= MAX_HELD_ECHOES) await this.flushEchoes();
    if (leaving.length > 0) await this.remove(source.object, leaving);
    if (toReadIn.length > 0) await this.readIn(source, toReadIn, 'cdc');
    if (toProcess.length > 0) await this.deps.enqueue(source.object, toProcess, 'cdc');
    if (tracing) for (const id of toProcess) traceRecord(id, 'cdc.enqueued', { replayId: event.replayId });
  }

  /** Notes an echo's mirrored values for `flushEchoes` (a later echo of the same record adds to an earlier one). */
  private keepEcho(object: RecordObject, id: string, changes: Record<string, FieldValue>, event: RecordChangeEvent) {
    const at = changedAtOf(event);
    let byRecord = this.echoes.get(object);
    if (!byRecord) this.echoes.set(object, (byRecord = new Map()));
    const earlier = byRecord.get(id);
    if (earlier) byRecord.set(id, { changes: { ...earlier.changes, ...changes }, at: Math.max(earlier.at, at) });
    else {
      byRecord.set(id, { changes, at });
      this.echoCount += 1;
    }
  }

  /** A Contact's `Account.<Field>` values live in its own mirror entry: copy the change there and re-evaluate. */
  private async accountChanged(event: RecordChangeEvent): Promise<void> {
    if (!objectInclusion(this.deps.config(), 'Contact')) return;
    const contactFields = this.deps.mirroredFields('Contact');
    const parentChanges: Record<string, FieldValue> = {};
    for (const field of event.changedFields) {
      if (contactFields.has(`Account.${field}`)) parentChanges[`Account.${field}`] = event.values[field] ?? null;
    }
    if (Object.keys(parentChanges).length === 0) return;
    for (const accountId of event.recordIds) {
      const contactIds = await this.deps.mirror.contactsOfAccount(accountId);
      await this.deps.mirror.patchMany('Contact', new Map(contactIds.map((id) => [id, parentChanges])));
      if (contactIds.length > 0) await this.deps.enqueue('Contact', contactIds, 'cdc');
    }
  }
}

/** When an event's change was made: its LastModifiedDate (what the mirror's copies carry), else its commit time. */
function changedAtOf(event: RecordChangeEvent): number {
  const modified = event.values.LastModifiedDate;
  const parsed = typeof modified === 'string' ? Date.parse(modified) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : event.commitTimestamp;
}
