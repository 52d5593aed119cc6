/** Every row of a CSV import ends in exactly one of these (DESIGN §2.4: nothing is lost). */
export const ROW_STATUSES = ['created', 'updated', 'unchanged', 'skipped', 'failed'] as const;
export type RowStatus = (typeof ROW_STATUSES)[number];

/** Why a row failed: bad input found before writing, or Salesforce refusing the write. */
export type RowFailureReason =
  | 'unreadable'
  /** A cell holds a control character (other than tab, CR and LF): named with its line and column. */
  | 'control_character'
  | 'bad_row'
  | 'unknown_column'
  | 'missing_key'
  | 'bad_email'
  | 'bad_phone'
  | 'bad_value'
  | 'too_long'
  | 'ambiguous_match'
  | 'salesforce_error';

/** Why a row was left alone on purpose. Field-level reasons come from the write planner (rule, not_ours…). */
export type RowSkipReason = 'superseded' | 'no_match' | (string & {});

/** A field the planner did not write for a row that was otherwise handled (reported in the JSON report). */
export interface FieldNote {
  field: string;
  reason: string;
  detail?: string;
}

export interface RowOutcome {
  /** Line in the file where the row starts (the header is line 1). */
  line: number;
  status: RowStatus;
  /** The match key as written in the file, when the row had one. */
  key?: string;
  recordId?: string;
  /** For skipped and failed rows. */
  reason?: RowFailureReason | RowSkipReason;
  detail?: string;
  /** Fields written (created / updated rows). */
  fields?: string[];
  /** Fields held back by their rule or describe, for rows that were still handled. */
  fieldNotes?: FieldNote[];
}
