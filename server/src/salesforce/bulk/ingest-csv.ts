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

/** Rows encoded per step: the upload is built as bytes a slice at a time, never as one large string. */
const ROWS_PER_SLICE = 2000;

/**
 * The CSV of an ingest job as UTF-8 bytes: a header of `columns`, then one line per row (comma, LF line endings,
 * quotes only where a value needs them). `undefined` (a field the row does not set) is an empty cell.
 */
export function ingestCsv(columns: readonly string[], rows: readonly Record<string, unknown>[]): Buffer {
  return Buffer.concat([...ingestCsvSlices(columns, rows)]);
}

/**
 * The same CSV in slices of 2,000 rows, each encoded only when asked for: an upload streams them, so a job of
 * 15,000 rows never holds its whole CSV (fetch copies a body it is given whole, and the socket holds another copy
 * until it is written: three 12 MB copies at once on a loaded machine, docs/performance.md).
 */
export function* ingestCsvSlices(
  columns: readonly string[],
  rows: readonly Record<string, unknown>[],
): Generator<Buffer> {
  yield Buffer.from(stringify([[...columns]], { record_delimiter: 'unix' }), 'utf8');
  for (let i = 0; i < rows.length; i += ROWS_PER_SLICE) {
    const slice = rows
      .slice(i, i + ROWS_PER_SLICE)
      .map((row) => columns.map((column) => (row[column] === undefined ? '' : ingestCell(row[column]))));
    yield Buffer.from(stringify(slice, { record_delimiter: 'unix' }), 'utf8');
  }
}
