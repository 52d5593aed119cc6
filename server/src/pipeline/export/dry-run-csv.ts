import { stringify } from 'csv-stringify/sync';
import type { FieldMap } from '../../domain/field-map';
import type { FieldValue, MirrorRecord } from '../../domain/mirror-record';
import type { RecordWritePlan, SkipReason } from './write-plan';

/** One line of the dry run: a planned write (`reason` = `write`) or a skip with the reason a real run would give. */
export interface DryRunRow {
  recordId: string;
  object: string;
  field: string;
  current: FieldValue;
  /** The value that would be written; null for a skip. */
  next: FieldValue;
  rule: string;
  /** Live or Preview: which maps the admin is previewing. */
  mode: string;
  reason: 'write' | SkipReason;
  detail: string;
}

export const DRY_RUN_CSV_COLUMNS = [
  'record',
  'object',
  'field',
  'current',
  'new',
  'rule',
  'mode',
  'reason',
  'detail',
] as const;

/** The rows of these plans, writes first per record, with each field's current value read from the mirror. */
export function dryRunRows(
  plans: readonly RecordWritePlan[],
  records: ReadonlyMap<string, MirrorRecord>,
  maps: ReadonlyMap<string, FieldMap>,
): DryRunRow[] {
  const rows: DryRunRow[] = [];
  for (const plan of plans) {
    const fields = records.get(plan.recordId)?.fields ?? {};
    const base = (field: string) => ({
      recordId: plan.recordId,
      object: plan.object,
      field,
      rule: maps.get(field)?.rule ?? '',
      mode: maps.get(field)?.mode ?? (maps.has(field) ? 'Live' : ''),
    });
    for (const change of plan.changes) {
      rows.push({ ...base(change.field), current: change.before, next: change.after, reason: 'write', detail: '' });
    }
    for (const skip of plan.skips) {
      rows.push({
        ...base(skip.field),
        current: fields[skip.field] ?? null,
        next: null,
        reason: skip.reason,
        detail: skip.detail ?? '',
      });
    }
  }
  return rows;
}

function cell(value: FieldValue): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** RFC 4180 CSV with a header line (csv-stringify quotes commas, quotes and line breaks). */
export function dryRunCsv(rows: readonly DryRunRow[]): string {
  return stringify(
    rows.map((r) => [r.recordId, r.object, r.field, cell(r.current), cell(r.next), r.rule, r.mode, r.reason, r.detail]),
    { header: true, columns: [...DRY_RUN_CSV_COLUMNS] },
  );
}
