/**
 * A loopback fake of the Snowflake SQL API v2 (docs/snowflake-reference.md), executing SELECTs on the real local
 * PostgreSQL (database `test`) so results come from real rows, and answering in Snowflake's shapes: key-pair JWT
 * checked against a registered public key, 200 ResultSet with partition 0 and partitionInfo, `?partition=N`, 202 +
 * statementStatusUrl while a statement is held (async, or a gate the test controls), 422 QueryFailureStatus, and
 * 429/503 on demand. Bindings `:N`/`?` become Postgres parameters — values are never spliced into SQL.
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Request, type Response } from 'express';
import pg from 'pg';
import { z } from 'zod';
import { jwtProblem, type RegisteredUser } from './jwt-check';
import { cellFor, rowTypeFor, type FakeRowType } from './pg-cells';

export type SnowflakeFakeOptions = {
  registered: RegisteredUser;
  /** Connection string of the PostgreSQL that holds the fake's tables (database `test`). */
  postgresUrl: string;
  /** Postgres schema the statements run in (the test's own). */
  schema: string;
  /** Rows per result partition (Snowflake chooses by size; tests choose a count). Default 1,000. */
  partitionRows?: number;
  /** How a Postgres timestamptz is typed: LTZ (default) or TZ with `tzOffsetMinutes` (default 0). */
  timestamptzAs?: 'timestamp_ltz' | 'timestamp_tz';
  tzOffsetMinutes?: number;
};

type StoredResult = { rowType: FakeRowType[]; partitions: (string | null)[][][]; numRows: number };
type Statement = {
  handle: string;
  requestId: string;
  held: boolean;
  result?: StoredResult;
  failure?: { code: string; message: string; sqlState: string };
};

const bodySchema = z.object({
  statement: z.string().min(1),
  timeout: z.number().int().nonnegative().optional(),
  database: z.string().optional(),
  schema: z.string().optional(),
  warehouse: z.string().optional(),
  role: z.string().optional(),
  bindings: z.record(z.string(), z.object({ type: z.string(), value: z.string().nullable() })).optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
});

/** `:N` and `?` outside quotes → `$N`; quoted text passes untouched. */
function toPostgresPlaceholders(statement: string): string {
  let positional = 0;
  return statement.replace(/'(?:[^']|'')*'|"(?:[^"]|"")*"|:(\d+)|\?/g, (token, numbered: string | undefined) => {
    if (token.startsWith("'") || token.startsWith('"')) return token;
    if (numbered !== undefined) return `$${numbered}`;
    positional += 1;
    return `$${positional}`;
  });
}

export type SnowflakeFake = {
  baseUrl: string;
  /** Every request the fake received (headers included), oldest first. */
  requests: { method: string; path: string; query: Record<string, string>; body: unknown; authorization?: string }[];
  /** Statements as received (after JSON parsing), for asserting bindings were used. */
  statements: { statement: string; bindings: Record<string, { type: string; value: string | null }> }[];
  /** While held, new statements answer 202 and their status URL keeps answering 202. */
  holdStatements(): void;
  /** Lets every held statement finish: the next status poll answers 200. */
  releaseStatements(): void;
  /** The next `times` requests answer `status` (429/503) before any work. */
  failNext(status: 429 | 503, times: number): void;
  stop(): Promise<void>;
};

export async function startSnowflakeFake(options: SnowflakeFakeOptions): Promise<SnowflakeFake> {
  const pool = new pg.Pool({ connectionString: options.postgresUrl, max: 2 });
  const statements = new Map<string, Statement>();
  const partitionRows = options.partitionRows ?? 1000;
  let holding = false;
  let failures: { status: number; left: number } | undefined;
  const fake: Omit<SnowflakeFake, 'baseUrl' | 'stop'> = {
    requests: [],
    statements: [],
    holdStatements: () => void (holding = true),
    releaseStatements: () => {
      holding = false;
      for (const statement of statements.values()) statement.held = false;
    },
    failNext: (status, times) => void (failures = { status, left: times }),
  };

  async function run(sql: string, values: (string | null)[]): Promise<StoredResult> {
    const client = await pool.connect();
    try {
      // Read-only and in UTC, like a read-only role with the session time zone the reference assumes.
      await client.query('BEGIN READ ONLY');
      await client.query(`SET LOCAL TIME ZONE 'UTC'`);
      await client.query(`SET LOCAL search_path TO ${pg.escapeIdentifier(options.schema)}`);
      const result = await client.query({ text: sql, values, types: { getTypeParser: () => (text: string) => text } });
      await client.query('COMMIT');
      const rowType = result.fields.map((field) =>
        rowTypeFor(field.name, field.dataTypeID, field.dataTypeModifier, options.timestamptzAs ?? 'timestamp_ltz'),
      );
      const rows = result.rows as Record<string, string | null>[];
      const partitions: (string | null)[][][] = [];
      for (let start = 0; start < rows.length || partitions.length === 0; start += partitionRows) {
        partitions.push(
          rows
            .slice(start, start + partitionRows)
            .map((row) =>
              result.fields.map((field, index) =>
                cellFor(rowType[index]!, row[field.name] ?? null, options.tzOffsetMinutes ?? 0),
              ),
            ),
        );
      }
      return { rowType, partitions, numRows: rows.length };
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  const resultSet = (statement: Statement, result: StoredResult) => ({
    resultSetMetaData: {
      numRows: result.numRows,
      format: 'jsonv2',
      partitionInfo: result.partitions.map((rows) => ({
        rowCount: rows.length,
        uncompressedSize: JSON.stringify(rows).length,
      })),
      rowType: result.rowType,
    },
    data: result.partitions[0] ?? [],
    code: '090001',
    statementStatusUrl: `/api/v2/statements/${statement.handle}?requestId=${statement.requestId}`,
    requestId: statement.requestId,
    sqlState: '00000',
    statementHandle: statement.handle,
    message: 'Statement executed successfully.',
    createdOn: Date.now(),
  });

  const answer = (res: Response, statement: Statement) => {
    if (statement.failure)
      return void res.status(422).json({ ...statement.failure, statementHandle: statement.handle });
    if (statement.held || !statement.result) {
      return void res.status(202).json({
        code: '333334',
        message:
          'Asynchronous execution in progress. Use provided query id to perform query monitoring and management.',
        statementHandle: statement.handle,
        statementStatusUrl: `/api/v2/statements/${statement.handle}`,
      });
    }
    res.status(200).json(resultSet(statement, statement.result));
  };

  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '1mb' }));
  app.use((req, res, next) => {
    fake.requests.push({
      method: req.method,
      path: req.path,
      query: Object.fromEntries(Object.entries(req.query).map(([name, value]) => [name, String(value)])),
      body: req.body,
      authorization: req.get('authorization'),
    });
    if (failures && failures.left > 0) {
      failures.left -= 1;
      const status = failures.status;
      if (status === 429) res.set('Retry-After', '0');
      return void res.status(status).json({
        code: String(status === 429 ? '000429' : '000503'),
        message: status === 429 ? 'Too many requests' : 'Service unavailable',
      });
    }
    if (!req.get('user-agent'))
      return void res.status(400).json({ code: '391903', message: 'User-Agent header is required.' });
    if (req.get('x-snowflake-authorization-token-type') !== 'KEYPAIR_JWT') {
      return void res.status(401).json({ code: '390303', message: 'Invalid OAuth access token.' });
    }
    const bearer = /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    const problem = bearer ? jwtProblem(bearer, options.registered, Math.floor(Date.now() / 1000)) : 'no bearer token';
    if (problem) return void res.status(401).json({ code: '390144', message: 'JWT token is invalid.' });
    next();
  });

  app.post('/api/v2/statements', async (req: Request, res: Response) => {
    const body = bodySchema.safeParse(req.body);
    if (!body.success) return void res.status(400).json({ code: '391920', message: 'Invalid request body.' });
    const bindings = body.data.bindings ?? {};
    fake.statements.push({ statement: body.data.statement, bindings });
    const requestId = typeof req.query.requestId === 'string' ? req.query.requestId : randomUUID();
    const statement: Statement = { handle: randomUUID(), requestId, held: holding };
    statements.set(statement.handle, statement);
    const text = body.data.statement.trim().replace(/;\s*$/, '');
    if (text.includes(';')) {
      statement.failure = {
        code: '000008',
        message: 'Actual statement count 2 did not match the desired statement count 1.',
        sqlState: '0A000',
      };
      return answer(res, statement);
    }
    const values = Object.keys(bindings)
      .sort((a, b) => Number(a) - Number(b))
      .map((position) => bindings[position]?.value ?? null);
    try {
      statement.result = await run(toPostgresPlaceholders(text), values);
    } catch (error) {
      const pgError = error as { message?: string; code?: string };
      statement.failure = {
        code: '002003',
        message: `SQL compilation error: ${pgError.message ?? 'error'}`,
        sqlState: pgError.code ?? '42000',
      };
    }
    // async=true answers with the handle at once, even when the rows are ready (as Snowflake does).
    if (req.query.async === 'true' && !statement.failure) {
      res.status(202).json({
        code: '333334',
        message: 'Asynchronous execution in progress.',
        statementHandle: statement.handle,
        statementStatusUrl: `/api/v2/statements/${statement.handle}`,
      });
      return;
    }
    answer(res, statement);
  });

  app.get('/api/v2/statements/:handle', (req: Request, res: Response) => {
    const statement = statements.get(String(req.params.handle));
    if (!statement) return void res.status(404).json({ code: '333333', message: 'Statement not found.' });
    const partition = req.query.partition === undefined ? undefined : Number(req.query.partition);
    if (partition === undefined || partition === 0 || statement.held || !statement.result)
      return answer(res, statement);
    const rows = statement.result.partitions[partition];
    if (!Number.isInteger(partition) || rows === undefined) {
      return void res.status(422).json({
        code: '391918',
        message: `Invalid partition ${String(req.query.partition)}.`,
        statementHandle: statement.handle,
      });
    }
    res.status(200).json({ data: rows });
  });

  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    ...fake,
    baseUrl: `http://127.0.0.1:${port}`,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}
