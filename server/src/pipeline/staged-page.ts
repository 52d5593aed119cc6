import type { FieldValue, MirrorRecord, RecordObject } from '../domain/mirror-record';
import type { PlannedChange, WriteSkip } from './export';
import type { RefreshOutcome } from './refresh-records';

/** One record's planned write as a page keeps it until the write is settled: no record, no plan. */
export interface StagedWrite {
  id: string;
  /** What is sent (the mapped values, provenance and stamp). */
  patch: Record<string, FieldValue>;
  /** The mapped fields the ledger records once the write is confirmed. */
  updates: Record<string, FieldValue>;
  /** For the write listeners. */
  changes: PlannedChange[];
}

/**
 * A page planned, its writes marked as pending echoes and not yet sent: what `RecordRefresher.settle` needs to
 * send them, record the outcomes and evaluate the audiences.
 */
export interface StagedPage {
  object: RecordObject;
  /** When the page was planned (the ledger's write time). */
  now: Date;
  /** Every planned record, in order, with its plan's skips (tallied once the record is settled). */
  ids: string[];
  skips: WriteSkip[][];
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
