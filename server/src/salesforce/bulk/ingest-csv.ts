import { stringify } from 'csv-stringify/sync';

/** Bulk API's null: an empty cell leaves a field as it is, `#N/A` clears it. */
export const BULK_NULL = '#N/A';

/**
 * One cell of an ingest upload. A value the row sets to null (or to "", which REST stores as null) becomes `#N/A`;
 * a field the row does not set stays an empty cell, so rows with different fields share one header without
 * touching each other's fields.
 */
export function ingestCell(value: unknown): string {
  if (value === null || value === '') return BULK_NULL;
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : BULK_NULL;
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}

/**
 * The CSV of an ingest job: a header of `columns`, then one line per row (comma, LF line endings, quotes only
 * where a value needs them). `undefined` (a field the row does not set) is an empty cell.
 */
export function ingestCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): string {
  return stringify(
    rows.map((row) => columns.map((column) => (row[column] === undefined ? '' : ingestCell(row[column])))),
    { header: true, columns: [...columns], record_delimiter: 'unix' },
  );
}
