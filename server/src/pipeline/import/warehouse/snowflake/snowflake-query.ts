/**
 * The statement the reader sends: the admin's query wrapped so that only rows after the watermark come back, in
 * (cursor, key) order. Snowflake gets `c > :1 OR (c = :1 AND k > :2)` — no row-value comparison — and the watermark
 * travels as bindings, never pasted into the SQL.
 */
import type { SnowflakeBinding } from './snowflake-api-shapes';
import { SnowflakeError } from './snowflake-errors';

type Watermark = { cursor: string; key: string };

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;
const WRITE_WORDS =
  /\b(INSERT|UPDATE|DELETE|MERGE|CREATE|DROP|ALTER|TRUNCATE|GRANT|REVOKE|CALL|COPY|PUT|GET|USE|SET|UNSET|BEGIN|COMMIT|ROLLBACK|EXECUTE|UNDROP|REMOVE|LIST)\b/i;

/** The query with string literals, quoted identifiers and comments blanked, so keywords inside them do not count. */
function codeOnly(query: string): string {
  return query
    .replace(/'(?:[^'\\]|\\.|'')*'/g, "''")
    .replace(/"(?:[^"]|"")*"/g, '""')
    .replace(/\$\$[\s\S]*?\$\$/g, "''")
    .replace(/--[^\n]*|\/\/[^\n]*/g, ' ')
    .replace(/\/\*[\s\S]*?\*\//g, ' ');
}

/**
 * One SELECT or WITH statement and nothing that writes. A textual check cannot stop a query from reading every
 * table the role can see, so the docs ask for a read-only role as well.
 */
export function checkSnowflakeQuery(query: string): void {
  const code = codeOnly(query).trim().replace(/;\s*$/, '');
  const refuse = (reason: string) => {
    throw new SnowflakeError('SNOWFLAKE_QUERY_REFUSED', `The query is refused: ${reason}`, false);
  };
  if (code === '') refuse('it is empty');
  if (code.includes(';')) refuse('it holds more than one statement');
  if (!/^(SELECT|WITH)\b/i.test(code)) refuse('it must start with SELECT or WITH');
  const write = WRITE_WORDS.exec(code);
  if (write) refuse(`it uses ${write[1]?.toUpperCase()}, which is not read-only`);
}

export function checkColumnName(name: string, role: 'cursor' | 'key'): string {
  if (!IDENTIFIER.test(name)) {
    throw new SnowflakeError(
      'SNOWFLAKE_QUERY_REFUSED',
      `The ${role} column "${name}" is not a plain column name`,
      false,
    );
  }
  return name;
}

export type IncrementalRead = { query: string; cursorColumn?: string; keyColumn?: string; after?: Watermark };

/**
 * Bound as TEXT: Snowflake casts the text to the column's type when comparing (ISO 8601 for timestamps, digits for
 * numbers), so the watermark needs no type of its own.
 */
export function incrementalStatement(read: IncrementalRead): {
  statement: string;
  bindings: Record<string, SnowflakeBinding>;
} {
  checkSnowflakeQuery(read.query);
  // The closing parenthesis goes on its own line: a query ending in a `--` comment would swallow it otherwise.
  const inner = `${read.query.trim().replace(/;\s*$/, '')}\n`;
  if (!read.cursorColumn || !read.keyColumn) {
    return { statement: `SELECT * FROM (${inner}) AS SOURCE_ROWS`, bindings: {} };
  }
  const cursor = `SOURCE_ROWS.${checkColumnName(read.cursorColumn, 'cursor')}`;
  const key = `SOURCE_ROWS.${checkColumnName(read.keyColumn, 'key')}`;
  const order = ` ORDER BY ${cursor}, ${key}`;
  if (!read.after) return { statement: `SELECT * FROM (${inner}) AS SOURCE_ROWS${order}`, bindings: {} };
  return {
    statement: `SELECT * FROM (${inner}) AS SOURCE_ROWS WHERE ${cursor} > :1 OR (${cursor} = :1 AND ${key} > :2)${order}`,
    bindings: { '1': { type: 'TEXT', value: read.after.cursor }, '2': { type: 'TEXT', value: read.after.key } },
  };
}
