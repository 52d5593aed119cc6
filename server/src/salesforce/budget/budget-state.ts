/**
 * The daily API budget, as the app sees it:
 * - `normal`: everything runs;
 * - `paused`: usage ≥ API_BUDGET_PAUSE × max: background work (imports, bulk runs, scheduled signals) waits;
 * - `stopped`: usage ≥ API_BUDGET_STOP × max: only single-record ENRICH_RECORD work continues.
 */
export type BudgetState = 'normal' | 'paused' | 'stopped';

/**
 * What a piece of work is, for the budget:
 * - `background`: imports, bulk runs, reconciliations, scheduled signals (stops first);
 * - `continuous`: per-record CDC follow-up such as intake, exports and membership actions (stops at `stopped`);
 * - `single_record`: an ENRICH_RECORD command a person asked for (always allowed).
 */
export type WorkKind = 'background' | 'continuous' | 'single_record';

export interface BudgetReading {
  used: number;
  max: number;
  /** used / max */
  ratio: number;
  source: 'header' | 'limits';
  observedAt: Date;
}

export interface BudgetStateChange {
  from: BudgetState;
  to: BudgetState;
  reading: BudgetReading;
}
