import type { AudienceConfig, LoopConfig } from '../config/loop-config';
import type { AttributeKey, AttributeValue } from '../domain/attributes';
import { isLiveFieldMap } from '../domain/field-map';
import type { FieldValue, MirrorRecord, RecordObject } from '../domain/mirror-record';
import type { Logger } from '../lib/logger';
import type { WorkKind } from '../salesforce/budget/budget-state';
import type { DescribeCache } from '../salesforce/schema/describe-cache';
import type { CoalescingWriter } from '../salesforce/writers/coalescing-writer';
import type { RecordSaver, SaveOutcome } from '../salesforce/writers/write-types';
import { computeOfflineAttributes, isOfflineAttributeKey } from './enrich/offline/offline-provider';
import {
  deferForBudget,
  LAST_ENRICHED_FIELD,
  PROVENANCE_FIELD,
  planRecordWrite,
  recordPatch,
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
import type { MembershipResult, MembershipService, Transition } from './segments/membership/membership-service';
import {
  addStaged,
  ledgerFields,
  settledSkips,
  type PageSettlement,
  type StagedPage,
  type StagedWrite,
} from './staged-page';
import type { WriteBatch } from './write-batch';
import { shownFields, traceRecord, tracing } from '../lib/record-trace';

/** Records of a page patched, read back and evaluated at a time when its writes are settled. */
const SETTLE_CHUNK = 2_000;

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
  /** Plans the page now and sends its writes with the batch's other pages (a large import, issue 19). */
  batch?: WriteBatch;
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
   * they go through the same planner, rules, ledger and writer as the offline values. With `options.batch` the
   * records are planned, `records` is emptied (the page is let go) and the writes wait for the batch's other pages.
   */
  async refresh(object: RecordObject, records: MirrorRecord[], options: RefreshOptions = {}): Promise<RefreshOutcome> {
    if (records.length === 0) return { written: 0, failed: 0, skips: emptySkipTally() };
    const { batch } = options;
    let settlement: PageSettlement;
    if (batch) {
      const staged = await this.stage(object, records, options, false);
      // The page's records and plans go before its writes are sent: a job spans several pages (issue 19).
      records.length = 0;
      settlement = await batch.submit(staged);
    } else {
      [settlement] = (await this.settle([await this.stage(object, records, options, true)], options)) as [
        PageSettlement,
      ];
    }
    const { outcome, retryable } = settlement;
    if (retryable.length > 0) {
      throw new RetryableWriteError(retryable, `${retryable.length} record writes will be retried`, outcome);
    }
    return outcome;
  }

  /**
   * Plans the records' writes and marks them as pending echoes: the page as `settle` needs it (the records kept
   * only when `keep`).
   */
  private async stage(
    object: RecordObject,
    records: MirrorRecord[],
    options: RefreshOptions,
    keep: boolean,
  ): Promise<StagedPage> {
    const { plans, now, deferred } = await this.planWrites(object, records, options);
    const staged: StagedPage = {
      object,
      now,
      ids: [],
      skips: emptySkipTally(),
      writes: [],
      deferred,
      ...(keep && { records }),
    };
    const held = deferred.length > 0 ? new Set(deferred) : undefined;
    const undone: { recordId: string; undos: NonNullable<RecordWritePlan['undos']> }[] = [];
    records.forEach((record, index) => {
      this.deps.stats.processed += 1;
      const plan = plans[index] as RecordWritePlan;
      for (const skip of plan.skips) this.deps.stats.addSkip(skip.reason);
      if (tracing) traceRecord(record.id, 'refresh.plan', { from: shownFields(record.fields), updates: plan.updates });
      if (plan.undos !== undefined) undone.push({ recordId: record.id, undos: plan.undos });
      addStaged(staged, { id: record.id, patch: recordPatch(plan), plan }, held);
    });
    // A rep's Undo seen in the provenance: the ledger says so from now on (the planner skipped the field already).
    if (undone.length > 0) {
      await this.deps.ledger.recordUndosMany(undone);
      for (const u of undone)
        this.deps.logger.info({ recordId: u.recordId, undos: u.undos }, 'write undone by a person');
    }
    // Marked before sending: the change event can arrive before the HTTP response does.
    await this.deps.ledger.markPendingEchoMany(staged.writes.map((w) => ({ recordId: w.id, fields: w.patch })));
    return staged;
  }

  /**
   * Sends the staged pages' writes (one saver batch for all of them, or the coalescing writer), settles the mirror,
   * ledger and tallies page by page, then evaluates the audiences of every settled record and saves the episodes
   * in one go. A batch's records are read back from the mirror a chunk at a time, so only their ids, patches and
   * ledger updates are held while the jobs run.
   */
  async settle(pages: StagedPage[], options: { saver?: RecordSaver }): Promise<PageSettlement[]> {
    const { saver } = options;
    const rows = pages.flatMap((page) => page.writes.map((w) => ({ object: page.object, id: w.id, fields: w.patch })));
    const outcomes = saver ? await saver.save('update', rows) : await this.deps.writer.writeMany(rows);
    rows.length = 0;
    const audiences = this.deps.config().audiences;
    const now = this.deps.membership.clock();
    const transitions: Transition[] = [];
    const settlements: PageSettlement[] = [];
    let offset = 0;
    for (const page of pages) {
      const mine = outcomes.slice(offset, offset + page.writes.length);
      offset += page.writes.length;
      settlements.push(await this.settlePage(page, mine, audiences, now, transitions));
    }
    outcomes.length = 0;
    this.counted(
      await this.deps.membership.save(transitions, now, { handOff: (events) => this.deps.onMembership(events), saver }),
    );
    return settlements;
  }

  /** One page's outcomes into the ledger, the mirror and the tallies; its settled records' transitions go to `into`. */
  private async settlePage(
    page: StagedPage,
    outcomes: readonly (SaveOutcome | undefined)[],
    audiences: AudienceConfig[],
    now: Date,
    into: Transition[],
  ): Promise<PageSettlement> {
    const retryable: string[] = [];
    const refused: StagedWrite[] = [];
    const written = new Map<string, StagedWrite>();
    let failed = 0;
    page.writes.forEach((w, index) => {
      const outcome = outcomes[index];
      if (!outcome) return;
      if (outcome.ok) {
        written.set(w.id, w);
        return;
      }
      refused.push(w);
      if (outcome.final) {
        failed += 1;
        this.deps.stats.addFailure(w.id, outcome.code, outcome.message);
        this.deps.logger.warn({ recordId: w.id, code: outcome.code, message: outcome.message }, 'write refused');
      } else {
        retryable.push(w.id);
      }
    });
    await this.deps.ledger.clearPendingEchoMany(refused.map((w) => ({ recordId: w.id, fields: w.patch })));
    const ledgerWrites = [...written.values()].map((w) => ({ recordId: w.id, fields: ledgerFields(w) }));
    await this.deps.ledger.recordWritesMany(ledgerWrites, page.now);
    for (const { fields } of ledgerWrites) {
      this.deps.stats.recordsWritten += 1;
      this.deps.stats.fieldsWritten += Object.keys(fields).length;
    }
    ledgerWrites.length = 0;
    // A record whose write will be retried is evaluated after that retry, on what Salesforce then holds: judging it
    // now, on the state before the write, could close an episode that the retry reopens.
    retryable.push(...page.deferred);
    const waiting = new Set(retryable);
    const outcome: RefreshOutcome = { written: written.size, failed, skips: settledSkips(page, waiting) };
    const held = page.records && new Map(page.records.map((r) => [r.id, r]));
    for (let i = 0; i < page.ids.length; i += SETTLE_CHUNK) {
      const ids = page.ids.slice(i, i + SETTLE_CHUNK);
      const records = await this.settledRecords(page.object, ids, written, held, waiting);
      if (tracing) {
        for (const record of records)
          traceRecord(record.id, 'membership.evaluated', { from: shownFields(record.fields) });
      }
      into.push(...(await this.deps.membership.transitions(audiences, records, { now })));
    }
    return { outcome, retryable };
  }

  /**
   * A chunk's written records patched in the mirror (the write listeners told), and the chunk's records to evaluate
   * as the mirror now holds them: from `held` when the page kept them, else read back.
   */
  private async settledRecords(
    object: RecordObject,
    ids: string[],
    written: ReadonlyMap<string, StagedWrite>,
    held: ReadonlyMap<string, MirrorRecord> | undefined,
    waiting: ReadonlySet<string>,
  ): Promise<MirrorRecord[]> {
    const changes = new Map<string, Record<string, FieldValue>>();
    for (const id of ids) {
      const w = written.get(id);
      if (w) changes.set(id, w.patch);
    }
    // The records in hand are what the mirror gave us: patched without reading them back.
    const patched = changes.size > 0 ? await this.deps.mirror.patchMany(object, changes, held) : new Map();
    this.deps.observers?.wrote(
      [...changes.keys()].flatMap((id) => {
        const record = held?.get(id) ?? patched.get(id);
        return record ? [{ record, changes: (written.get(id) as StagedWrite).changes }] : [];
      }),
    );
    const unread = ids.filter((id) => !waiting.has(id) && !patched.has(id) && !held?.has(id));
    const read = unread.length > 0 ? await this.deps.mirror.getMany(object, unread) : new Map<string, MirrorRecord>();
    const records: MirrorRecord[] = [];
    for (const id of ids) {
      if (waiting.has(id)) continue;
      const mine = held?.get(id);
      const patch = changes.get(id);
      const record =
        patched.get(id) ?? (mine && patch ? { ...mine, fields: { ...mine.fields, ...patch } } : mine) ?? read.get(id);
      if (record) records.push(record);
    }
    return records;
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
      // A copy only when paid values join the offline ones (an import has none: one array per record saved).
      const extra = options.extraAttributes?.get(record.id);
      const attributes = extra && extra.length > 0 ? [...offline, ...extra] : offline;
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
    }
    this.counted(result);
  }

  /** The entries and exits saved, into the stats (and the trace). */
  private counted(result: MembershipResult): void {
    if (tracing) {
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
