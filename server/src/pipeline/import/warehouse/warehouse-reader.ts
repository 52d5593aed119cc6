/**
 * The seam between a warehouse (Postgres, Snowflake) and the warehouse import pipeline: a reader turns one read-only
 * query into pages of rows after a watermark; the pipeline matches, writes and records them the same way for every
 * warehouse.
 */

/** One row as the warehouse returned it, keyed by column name exactly as returned (case preserved). */
export type WarehouseRow = Record<string, string | number | boolean | Date | null>;

/** Where the last run stopped: the last row's cursor and key values, serialised as strings. */
export type Watermark = { cursor: string; key: string };

export type WarehouseReadRequest = {
  query: string;
  /** Column (as the query names it) that grows with each change, e.g. `updated_at`. Both or neither with keyColumn. */
  cursorColumn?: string;
  /** Unique column that orders rows sharing one cursor value, e.g. `id`. */
  keyColumn?: string;
  /** Read only rows with (cursor, key) > (after.cursor, after.key); absent = read from the start. */
  after?: Watermark;
  pageSize: number;
  signal?: AbortSignal;
};

export interface WarehouseReader {
  /** Refuses anything but one read-only SELECT/WITH statement, with a coded error carrying the reason. */
  checkQuery(query: string): void;
  /** Rows after the watermark in (cursor, key) order, page by page, in constant memory. */
  read(request: WarehouseReadRequest): AsyncIterable<WarehouseRow[]>;
  close(): Promise<void>;
}
