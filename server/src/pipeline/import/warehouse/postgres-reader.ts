import { Client, types as pgTypes, type CustomTypesConfig } from 'pg';
import { checkPostgresQuery, loadPostgresParser } from './postgres-query-check';
import { WarehouseError } from './warehouse-error';
import type { WarehouseReadRequest, WarehouseReader, WarehouseRow } from './warehouse-reader';

export type PostgresReaderOptions = {
  /** `POSTGRES_URL_<NAME>`; never logged (it may hold a password). */
  connectionString: string;
  /** Longest a single statement (each FETCH of a page included) may run before Postgres cancels it. */
  statementTimeoutMs: number;
  connectTimeoutMs?: number;
};

/** Type OIDs whose text is kept as ISO-8601 text: full microsecond precision, so a watermark compares exactly. */
const DATE = 1082;
const TIMESTAMP = 1114;
const TIMESTAMPTZ = 1184;

/** "2024-05-01 10:00:00.123456+00" (session time zone UTC) → "2024-05-01T10:00:00.123456Z"; no offset stays local. */
function isoText(text: string): string {
  return text.replace(' ', 'T').replace(/\+00$/, 'Z');
}

const TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === DATE || oid === TIMESTAMP || oid === TIMESTAMPTZ) return isoText;
    return format === undefined ? pgTypes.getTypeParser(oid) : pgTypes.getTypeParser(oid, format);
  }) as CustomTypesConfig['getTypeParser'],
};

/** SQLSTATE classes that say "the server or the network", which the next schedule may find fixed. */
const UNREACHABLE_CLASSES = ['08', '53', '57', '58'];
/** Node's socket errors. */
const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EAI_AGAIN']);

/** A pg or socket error as a coded warehouse error; the connection string never goes into the message. */
function asWarehouseError(error: unknown): WarehouseError {
  if (error instanceof WarehouseError) return error;
  const code = (error as { code?: unknown }).code;
  const text = error instanceof Error ? error.message : String(error);
  const unreachable =
    typeof code === 'string' &&
    (NETWORK_CODES.has(code) || UNREACHABLE_CLASSES.some((prefix) => code.startsWith(prefix)) || code === '28P01');
  const timedOut = /timeout/i.test(text);
  return new WarehouseError(
    unreachable || timedOut || code === undefined ? 'WAREHOUSE_UNREACHABLE' : 'WAREHOUSE_QUERY_FAILED',
    `Postgres: ${text}${typeof code === 'string' ? ` (${code})` : ''}`,
    { cause: error },
  );
}

const quoteIdentifier = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** pg's values as warehouse values: JSON, arrays and bytes as text, so every value fits a field as text. */
function toWarehouseRow(row: Record<string, unknown>): WarehouseRow {
  const out: WarehouseRow = {};
  for (const [column, value] of Object.entries(row)) {
    out[column] =
      value === null ||
      value === undefined ||
      typeof value === 'string' ||
      typeof value === 'number' ||
      typeof value === 'boolean' ||
      value instanceof Date
        ? (value ?? null)
        : typeof value === 'bigint'
          ? value.toString()
          : Buffer.isBuffer(value)
            ? value.toString('hex')
            : JSON.stringify(value);
  }
  return out;
}

/** The query's output column named `wanted`, matched without case (Postgres folds unquoted aliases to lower case). */
function resolveColumn(columns: readonly string[], wanted: string, role: string): string {
  const exact = columns.find((column) => column === wanted);
  if (exact) return exact;
  const found = columns.filter((column) => column.toLowerCase() === wanted.toLowerCase());
  if (found.length !== 1) {
    throw new WarehouseError(
      'WAREHOUSE_BAD_SETTINGS',
      found.length === 0
        ? `the ${role} column "${wanted}" is not a column of the query (it returns ${columns.join(', ')})`
        : `the ${role} column "${wanted}" matches ${found.length} columns of the query; alias them apart`,
    );
  }
  return found[0] as string;
}

/**
 * Reads a Postgres query page by page through a server-side cursor (`DECLARE … CURSOR` / `FETCH n`: the rows stay
 * in Postgres until fetched, so memory holds one page whatever the table's size), inside a READ ONLY transaction with a statement
 * timeout. With a cursor and a key column the query is wrapped so that rows come in (cursor, key) order after the
 * watermark: `(cursor, key) > ($1, $2)`, the watermark values sent as untyped parameters that Postgres reads as the
 * columns' own types.
 */
export class PostgresReader implements WarehouseReader {
  private constructor(private readonly options: PostgresReaderOptions) {}

  static async create(options: PostgresReaderOptions): Promise<PostgresReader> {
    await loadPostgresParser();
    return new PostgresReader(options);
  }

  checkQuery(query: string): void {
    checkPostgresQuery(query);
  }

  async *read(request: WarehouseReadRequest): AsyncIterable<WarehouseRow[]> {
    this.checkQuery(request.query);
    if ((request.cursorColumn === undefined) !== (request.keyColumn === undefined)) {
      throw new WarehouseError('WAREHOUSE_BAD_SETTINGS', 'give both a cursor column and a key column, or neither');
    }
    const client = new Client({
      connectionString: this.options.connectionString,
      connectionTimeoutMillis: this.options.connectTimeoutMs ?? 10_000,
      application_name: 'audience-loop warehouse import',
    });
    // A dropped connection mid-read surfaces through the pending query; this only keeps it from crashing the process.
    client.on('error', () => undefined);
    const abort = () => void client.end().catch(() => undefined);
    request.signal?.addEventListener('abort', abort, { once: true });
    try {
      await client.connect().catch((error: unknown) => {
        throw asWarehouseError(error);
      });
      await client.query('BEGIN TRANSACTION READ ONLY');
      await client.query(`SET LOCAL statement_timeout = ${Math.max(1, Math.floor(this.options.statementTimeoutMs))}`);
      await client.query(`SET LOCAL TIME ZONE 'UTC'`);
      const { text, values } = await this.pagedQuery(client, request);
      // DECLARE + FETCH rather than one portal read: each FETCH is a statement of its own, so the statement timeout
      // bounds one page, not the whole run (a portal read counts as one statement until its Sync).
      await client.query({ text: `DECLARE source_rows_cursor NO SCROLL CURSOR FOR ${text}`, values });
      const fetch = {
        text: `FETCH ${Math.max(1, Math.floor(request.pageSize))} FROM source_rows_cursor`,
        types: TYPES,
      };
      for (;;) {
        if (request.signal?.aborted) return;
        const { rows } = await client.query<Record<string, unknown>>(fetch);
        if (rows.length === 0) break;
        yield rows.map(toWarehouseRow);
        if (rows.length < request.pageSize) break;
      }
      await client.query('CLOSE source_rows_cursor');
      await client.query('COMMIT');
    } catch (error) {
      throw asWarehouseError(error);
    } finally {
      request.signal?.removeEventListener('abort', abort);
      await client.end().catch(() => undefined);
    }
  }

  async close(): Promise<void> {
    // Each read holds its own connection and closes it when done: nothing is pooled between runs.
  }

  /** The query as sent: wrapped for (cursor, key) order and the watermark when both columns are set. */
  private async pagedQuery(client: Client, request: WarehouseReadRequest): Promise<{ text: string; values: string[] }> {
    const query = request.query.trim().replace(/;\s*$/, '');
    if (request.cursorColumn === undefined || request.keyColumn === undefined) return { text: query, values: [] };
    // The query's own column names (LIMIT 0 plans it without reading), so settings may name them in any case.
    const shape = await client.query({ text: `SELECT * FROM (${query}\n) AS source_rows LIMIT 0`, rowMode: 'array' });
    const columns = shape.fields.map((field) => field.name);
    const cursorColumn = quoteIdentifier(resolveColumn(columns, request.cursorColumn, 'cursor'));
    const keyColumn = quoteIdentifier(resolveColumn(columns, request.keyColumn, 'key'));
    const order = `ORDER BY source_rows.${cursorColumn}, source_rows.${keyColumn}`;
    if (!request.after) return { text: `SELECT * FROM (${query}\n) AS source_rows ${order}`, values: [] };
    return {
      text:
        `SELECT * FROM (${query}\n) AS source_rows ` +
        `WHERE (source_rows.${cursorColumn}, source_rows.${keyColumn}) > ($1, $2) ${order}`,
      values: [request.after.cursor, request.after.key],
    };
  }
}
