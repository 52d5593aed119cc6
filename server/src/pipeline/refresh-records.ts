import type { AudienceConfig, LoopConfig } from '../config/loop-config';
import type { AttributeKey, AttributeValue } from '../domain/attributes';
import { isLiveFieldMap } from '../domain/field-map';
import type { MirrorRecord, RecordObject } from '../domain/mirror-record';
import type { Logger } from '../lib/logger';
import type { WorkKind } from '../salesforce/budget/budget-state';
import type { DescribeCache } from '../salesforce/schema/describe-cache';
import type { CoalescingWriter } from '../salesforce/writers/coalescing-writer';
import type { RecordSaver } from '../salesforce/writers/write-types';
import { computeOfflineAttributes, isOfflineAttributeKey } from './enrich/offline/offline-provider';
import {
  deferForBudget,
  LAST_ENRICHED_FIELD,
  PROVENANCE_FIELD,
  planRecordWrite,
  recordPatch,
  addSkips,
  emptySkipTally,
  type FieldWritabilityView,
  type RecordWritePlan,
  type SkipTally,
  type WriteLedger,
} from './export';
import type { MirrorStore } from './import/mirror-store';
import type { LoopObservers } from './loop-observers';
import type { LoopStats } from './loop-stats';
import type { ExitCause, MembershipEvent } from './segments/membership/membership-event';
import type { MembershipService } from './segments/membership/membership-service';
import { shownFields, traceRecord, tracing } from '../lib/record-trace';

export interface RecordRefresherDeps {
  mirror: MirrorStore;
  ledger: WriteLedger;
  writer: CoalescingWriter;
  describes: DescribeCache;
  membership: MembershipService;
  stats: LoopStats;
  logger: Logger;
  config: () => LoopConfig;
  defaultRegion: string;
  /** Receives every entry and exit, once per episode (the actions step consumes them). */
  onMembership: (events: MembershipEvent[]) => Promise<void>;
  /** False past API_BUDGET_STOP: planned changes become `budget` skips and their records are tried again later. */
  writesAllowed?: (work: WorkKind) => boolean;
  /** Told of every record written, with its changes and rules. */
  observers?: LoopObservers;
  now?: () => Date;
}

/** How `refresh` runs: paid values to write too, the budget kind of the work, a batch saver. */
export type RefreshOptions = {
  extraAttributes?: ReadonlyMap<string, readonly AttributeValue[]>;
  /** What kind of work this is for the API budget (default: the continuous loop). */
  work?: WorkKind;
  /**
   * Saves the page's writes and membership episodes in one batch each (the Bulk saver of a large import) instead
   * of through the coalescing writer and the membership's Collections client; the outcomes are read the same way.
   */
  saver?: RecordSaver;
};

/** What one call did with the records it finished (records handed back for a retry are not in it). */
export interface RefreshOutcome {
  written: number;
  /** Writes refused for good (recorded with their reason in the stats and the log). */
  failed: number;
  skips: SkipTally;
}

/**
 * A write that may succeed later (lock, 5xx, budget): the caller retries `recordIds`, nothing is lost; `settled`
 * is the outcome of the other records of the call, so a run's counts take each record's last attempt only.
 */
export class RetryableWriteError extends Error {
  constructor(
    readonly recordIds: string[],
    message: string,
    readonly settled: RefreshOutcome = { written: 0, failed: 0, skips: emptySkipTally() },
  ) {
    super(message);
  }
}

/**
 * The loop's per-record work, in the order DESIGN §5 gives it: compute the offline attributes the active field
 * maps ask for, plan the writes under each field's rule, write what changes (coalesced with every other record
 * in flight), update the mirror and the ledger from the confirmed result, then evaluate the audiences.
 */
export class RecordRefresher {
  private readonly now: () => Date;

  constructor(private readonly deps: RecordRefresherDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * `extraAttributes` carries values bought from paid providers (an enrichment run, ENRICH_RECORD) by record id;
   * they go through the same planner, rules, ledger and writer as the offline values.
   */
  async refresh(object: RecordObject, records: MirrorRecord[], options: RefreshOptions = {}): Promise<RefreshOutcome> {
    const outcome: RefreshOutcome = { written: 0, failed: 0, skips: emptySkipTally() };
    if (records.length === 0) return outcome;
    const config = this.deps.config();
    // The write step's plans, patches and outcomes are let go before the audiences are evaluated: with a large
    // import's Bulk saver the evaluation waits for an ingest job of its own (docs/performance.md, peak RSS).
    const { settled, retryable } = await this.write(object, records, options, outcome);
    await this.evaluate(config.audiences, settled, { saver: options.saver });
    if (retryable.length > 0) {
      throw new RetryableWriteError(retryable, `${retryable.length} record writes will be retried`, outcome);
    }
    return outcome;
  }

  /**
   * Plans and writes the records' changes and settles the mirror, ledger and tallies (into `outcome`); returns the
   * records to evaluate (as the mirror now holds them) and those whose write will be retried.
   */
  private async write(
    object: RecordObject,
    records: MirrorRecord[],
    options: RefreshOptions,
    outcome: RefreshOutcome,
  ): Promise<{ settled: MirrorRecord[]; retryable: string[] }> {
    const { plans, now, deferred } = await this.planWrites(object, records, options);
    const planned = records.map((record, index) => {
      this.deps.stats.processed += 1;
      const plan = plans[index] as RecordWritePlan;
      for (const skip of plan.skips) this.deps.stats.addSkip(skip.reason);
      return { record, plan, patch: recordPatch(plan) };
    });
    const writes = planned.filter((p) => Object.keys(p.patch).length > 0);
    if (tracing) {
      for (const p of planned) {
        traceRecord(p.record.id, 'refresh.plan', { from: shownFields(p.record.fields), updates: p.plan.updates });
      }
    }
    // A rep's Undo seen in the provenance: the ledger says so from now on (the planner skipped the field already).
    const undone = planned.filter((p) => p.plan.undos !== undefined);
    if (undone.length > 0) {
      await this.deps.ledger.recordUndosMany(undone.map((p) => ({ recordId: p.record.id, undos: p.plan.undos ?? [] })));
      for (const p of undone) {
        this.deps.logger.info({ recordId: p.record.id, undos: p.plan.undos }, 'write undone by a person');
      }
    }

    // Marked before sending: the change event can arrive before the HTTP response does.
    await this.deps.ledger.markPendingEchoMany(writes.map((w) => ({ recordId: w.record.id, fields: w.patch })));
    const outcomes = options.saver
      ? await options.saver.save(
          'update',
          writes.map((w) => ({ object, id: w.record.id, fields: w.patch })),
        )
      : await Promise.all(writes.map((w) => this.deps.writer.write({ object, id: w.record.id, fields: w.patch })));

    const retryable: string[] = [];
    const refused: typeof writes = [];
    const written: typeof writes = [];
    let failedForGood = 0;
    writes.forEach((w, index) => {
      const outcome = outcomes[index];
      if (!outcome) return;
      if (outcome.ok) {
        written.push(w);
        return;
      }
      refused.push(w);
      if (outcome.final) {
        failedForGood += 1;
        this.deps.stats.addFailure(w.record.id, outcome.code, outcome.message);
        this.deps.logger.warn({ recordId: w.record.id, code: outcome.code, message: outcome.message }, 'write refused');
      } else {
        retryable.push(w.record.id);
      }
    });
    await this.deps.ledger.clearPendingEchoMany(refused.map((w) => ({ recordId: w.record.id, fields: w.patch })));
    await this.deps.ledger.recordWritesMany(
      written.map((w) => ({ recordId: w.record.id, fields: w.plan.updates })),
      now,
    );
    // The records in hand are what the mirror gave us: patched without reading the page back.
    const patched = await this.deps.mirror.patchMany(
      object,
      new Map(written.map((w) => [w.record.id, w.patch])),
      new Map(written.map((w) => [w.record.id, w.record])),
    );
    for (const w of written) {
      this.deps.stats.recordsWritten += 1;
      this.deps.stats.fieldsWritten += Object.keys(w.plan.updates).length;
    }
    this.deps.observers?.wrote(written.map((w) => ({ record: w.record, changes: w.plan.changes })));
    const writtenIds = new Set(written.map((w) => w.record.id));
    const settled = planned.map(({ record, patch }) =>
      writtenIds.has(record.id)
        ? (patched.get(record.id) ?? { ...record, fields: { ...record.fields, ...patch } })
        : record,
    );

    // A record whose write will be retried is evaluated after that retry, on what Salesforce then holds: judging it
    // now, on the state before the write, could close an episode that the retry reopens.
    retryable.push(...deferred);
    const waiting = new Set(retryable);
    for (const { record, plan } of planned) if (!waiting.has(record.id)) addSkips(outcome.skips, plan.skips);
    outcome.written = written.length;
    outcome.failed = failedForGood;
    return { settled: settled.filter((record) => !waiting.has(record.id)), retryable };
  }

  /**
   * The writes `refresh` would send for these records, and every skip with its reason: the one planning path the
   * loop and the dry run share (DRY_RUN_EXPORT passes `includePreview`, so Preview maps are planned too). Past the
   * API budget the changes become `budget` skips and their ids are in `deferred`. Reads Redis and describe, writes
   * nothing.
   */
  async planWrites(
    object: RecordObject,
    records: readonly MirrorRecord[],
    options: {
      extraAttributes?: ReadonlyMap<string, readonly AttributeValue[]>;
      work?: WorkKind;
      /** Plan Preview maps as if they were Live (the dry run); default: Live maps only, as the loop writes. */
      includePreview?: boolean;
    } = {},
  ): Promise<{ plans: RecordWritePlan[]; now: Date; deferred: string[] }> {
    const config = this.deps.config();
    // Preview maps are mirrored but never written: only a dry run plans them (DRY_RUN_EXPORT).
    const maps = config.fieldMaps.filter((m) => m.object === object && (options.includePreview || isLiveFieldMap(m)));
    const wanted = [...new Set(maps.map((m) => m.attribute).filter((a): a is AttributeKey => !!a))].filter(
      isOfflineAttributeKey,
    );
    const writability = await this.writabilityOf(
      object,
      maps.map((m) => m.field),
    );
    const ledgers = await this.deps.ledger.getMany(records.map((r) => r.id));
    const now = this.now();
    const writesAllowed = this.deps.writesAllowed?.(options.work ?? 'continuous') ?? true;
    const deferred: string[] = [];
    // Plan every record first (CPU only), then do the page's Redis work in a few batched calls: per-record round
    // trips were most of the loop's CPU (docs/performance.md).
    // One options object for the page (not one per record: each closure costs a defineProperty under tsx).
    const offlineOptions = { defaultRegion: this.deps.defaultRegion, now: () => now };
    const plans = records.map((record) => {
      const offline = wanted.length ? computeOfflineAttributes(record.fields as never, wanted, offlineOptions) : [];
      const attributes = [...offline, ...(options.extraAttributes?.get(record.id) ?? [])];
      const fresh = planRecordWrite({
        record,
        attributes,
        fieldMaps: maps,
        ledger: ledgers.get(record.id) ?? {},
        writability,
        now,
      });
      // Held back, not dropped: the record goes back to the intake and is planned again when the budget allows.
      const held = !writesAllowed && fresh.changes.length > 0;
      if (held) deferred.push(record.id);
      return held ? deferForBudget(fresh) : fresh;
    });
    return { plans, now, deferred };
  }

  /** Audience evaluation alone, for records whose change needs no write (deletes, parent changes, new audiences). */
  async evaluate(
    audiences: AudienceConfig[],
    records: MirrorRecord[],
    options: { removed?: boolean; cause?: ExitCause; saver?: RecordSaver } = {},
  ) {
    // The events are handed off inside `evaluate`, before Redis records the transitions (see MembershipHandOff).
    const result = await this.deps.membership.evaluate(audiences, records, {
      ...options,
      handOff: (events) => this.deps.onMembership(events),
    });
    if (tracing) {
      for (const record of records) {
        traceRecord(record.id, 'membership.evaluated', { from: shownFields(record.fields), removed: options.removed });
      }
      for (const event of result.events) {
        traceRecord(event.recordId, `membership.${event.kind}`, { audienceId: event.audienceId });
      }
    }
    for (const event of result.events) {
      if (event.kind === 'entry') this.deps.stats.entries += 1;
      else this.deps.stats.exits += 1;
    }
  }

  private async writabilityOf(object: string, fields: string[]): Promise<FieldWritabilityView> {
    const describe = await this.deps.describes.describe(object);
    const view: FieldWritabilityView = {};
    for (const name of [...fields, PROVENANCE_FIELD, LAST_ENRICHED_FIELD]) {
      const field = describe.field(name);
      if (!field) continue;
      view[field.name] = {
        updateable: field.updateable && !field.calculated,
        type: field.type,
        length: field.length ?? undefined,
        scale: (field as { scale?: number }).scale,
        picklistValues: field.picklistValues.filter((p) => p.active).map((p) => p.value),
        restrictedPicklist: field.restrictedPicklist,
      };
    }
    return view;
  }
}
