import type { FieldValue, MirrorRecord, RecordObject } from '../domain/mirror-record';
import {
  addSkips,
  LAST_ENRICHED_FIELD,
  mergeSkipTallies,
  PROVENANCE_FIELD,
  type PlannedChange,
  type RecordWritePlan,
  type SkipTally,
  type WriteSkip,
} from './export';
import type { RefreshOutcome } from './refresh-records';

/** One record's planned write as a page keeps it until the write is settled: no record, no plan. */
export interface StagedWrite {
  id: string;
  /** What is sent (the mapped values, provenance and stamp). */
  patch: Record<string, FieldValue>;
  /**
   * The mapped fields the ledger records once the write is confirmed, when they are not simply the patch without
   * the loop's own two fields (`ledgerFields`): one object fewer per record held while the write is in flight.
   */
  updates?: Record<string, FieldValue>;
  /** For the write listeners. */
  changes: PlannedChange[];
  /** The record's plan's skips, tallied once its write is settled (absent when it had none). */
  skips?: WriteSkip[];
}

/**
 * A page planned, its writes marked as pending echoes and not yet sent: what `RecordRefresher.settle` needs to
 * send them, record the outcomes and evaluate the audiences.
 */
export interface StagedPage {
  object: RecordObject;
  /** When the page was planned (the ledger's write time). */
  now: Date;
  /** Every planned record, in order. */
  ids: string[];
  /**
   * The skips of the records that can only settle with the page (no write, not deferred), tallied when the page is
   * planned; a written record's skips are on its write. Not one array per record held while the writes are in
   * flight: those were promoted to the old space with the page (issue 19).
   */
  skips: SkipTally;
  writes: StagedWrite[];
  /** Records held back for the API budget: retried like a refused write. */
  deferred: string[];
  /**
   * The records as the mirror gave them, when the page is settled at once (patched and evaluated without a read);
   * absent for a page in a write batch, whose records are read back from the mirror.
   */
  records?: MirrorRecord[];
}

/** One page's share of a settle: its counts, and the records to try again. */
export interface PageSettlement {
  outcome: RefreshOutcome;
  retryable: string[];
}

/**
 * Adds a planned record to a page: its write when the patch has fields, and its skips where they will be counted
 * (on the write, settled with it; at once for a record without one; never for a record `deferred` for the budget,
 * which is planned again later). The same counts as tallying every record not waiting for a retry at the settle.
 */
export function addStaged(
  page: StagedPage,
  staged: {
    id: string;
    patch: Record<string, FieldValue>;
    plan: Pick<RecordWritePlan, 'updates' | 'changes' | 'skips'>;
  },
  deferred: ReadonlySet<string> | undefined,
): void {
  const { id, patch, plan } = staged;
  page.ids.push(id);
  const skips = plan.skips.length > 0 ? plan.skips : undefined;
  if (Object.keys(patch).length > 0) {
    page.writes.push({
      id,
      patch,
      ...(!isLedgerPatch(patch, plan.updates) && { updates: plan.updates }),
      changes: plan.changes,
      ...(skips && { skips }),
    });
  } else if (skips && !deferred?.has(id)) {
    addSkips(page.skips, skips);
  }
}

/** The page's skips to count once its writes are settled: every record's but those `waiting` for a retry. */
export function settledSkips(page: StagedPage, waiting: ReadonlySet<string>): SkipTally {
  const tally = mergeSkipTallies(page.skips);
  for (const w of page.writes) if (w.skips && !waiting.has(w.id)) addSkips(tally, w.skips);
  return tally;
}

/** The mapped fields of a confirmed write, as the ledger records them. */
export function ledgerFields(write: StagedWrite): Record<string, FieldValue> {
  if (write.updates) return write.updates;
  const fields: Record<string, FieldValue> = {};
  for (const name in write.patch) {
    if (name !== PROVENANCE_FIELD && name !== LAST_ENRICHED_FIELD) fields[name] = write.patch[name] as FieldValue;
  }
  return fields;
}

/** True when `updates` is `patch` without the loop's own two fields, so `ledgerFields` can derive it. */
function isLedgerPatch(patch: Record<string, FieldValue>, updates: Record<string, FieldValue>): boolean {
  if (Object.hasOwn(updates, PROVENANCE_FIELD) || Object.hasOwn(updates, LAST_ENRICHED_FIELD)) return false;
  let count = 0;
  for (const name in patch) {
    if (name === PROVENANCE_FIELD || name === LAST_ENRICHED_FIELD) continue;
    if (!Object.hasOwn(updates, name) || updates[name] !== patch[name]) return false;
    count += 1;
  }
  return count === Object.keys(updates).length;
}
