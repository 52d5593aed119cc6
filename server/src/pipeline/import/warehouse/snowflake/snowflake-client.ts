/**
 * A thin client of the Snowflake SQL API v2 (docs/snowflake-reference.md): submit one statement with bindings, poll
 * while it runs (202 + statementStatusUrl), then hand out its result partitions one at a time so memory stays flat.
 * 429 and 5xx are retried with backoff under the same requestId (idempotent); anything else becomes a coded error.
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import type { z } from 'zod';
import {
  failureSchema,
  partitionSchema,
  queryStatusSchema,
  resultSetSchema,
  type SnowflakeBinding,
} from './snowflake-api-shapes';
import type { SnowflakeColumn } from './snowflake-cells';
import { SnowflakeError, snowflakeFailure } from './snowflake-errors';
import { SnowflakeTokenSource } from './snowflake-jwt';
import { parseRetryAfter } from '../../../enrich/providers/retry-after';

export type SnowflakeConnection = {
  account: string;
  user: string;
  privateKey: KeyObject;
  baseUrl: string;
  warehouse?: string;
  role?: string;
  database?: string;
  schema?: string;
};

export type SnowflakeClientOptions = {
  fetch?: typeof fetch;
  /** Waits between polls and retries; tests pass one that resolves at once. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Tries per request when Snowflake answers 429/5xx or the network fails (default 6). */
  maxAttempts?: number;
  /** First backoff step in ms, doubled each retry up to 30 s (default 500). */
  backoffMs?: number;
  /** Wait between status polls of a running statement, ms (default 1,000). */
  pollIntervalMs?: number;
  /** Snowflake cancels the statement after this many seconds (default 3,600). */
  statementTimeoutSeconds?: number;
  /** Ask for a handle at once instead of waiting up to 45 s for the rows (default false). */
  async?: boolean;
};

/** A finished statement: its columns, how many partitions, and partition 0 until someone takes it. */
export type SnowflakeStatement = {
  handle: string;
  columns: SnowflakeColumn[];
  partitionCount: number;
  firstPartition: (string | null)[][] | undefined;
};

const USER_AGENT = 'audience-loop/1.0';
const MAX_BACKOFF_MS = 30_000;

const defaultSleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      reject(signal.reason);
    });
  });

export class SnowflakeClient {
  private readonly tokens: SnowflakeTokenSource;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Requests sent (every HTTP call, retries included), for the run record and the bench. */
  requestCount = 0;

  constructor(
    private readonly connection: SnowflakeConnection,
    private readonly options: SnowflakeClientOptions = {},
  ) {
    this.tokens = new SnowflakeTokenSource(connection.account, connection.user, connection.privateKey);
    this.fetch = options.fetch ?? fetch;
    this.sleep = options.sleep ?? defaultSleep;
  }

  /** Submits the statement and waits (polling) until it has succeeded; failures throw SnowflakeError. */
  async execute(
    statement: string,
    bindings: Record<string, SnowflakeBinding>,
    signal?: AbortSignal,
  ): Promise<SnowflakeStatement> {
    const { connection } = this;
    const query = new URLSearchParams({ requestId: randomUUID() });
    if (this.options.async) query.set('async', 'true');
    const body = {
      statement,
      timeout: this.options.statementTimeoutSeconds ?? 3600,
      bindings,
      ...(connection.warehouse && { warehouse: connection.warehouse }),
      ...(connection.role && { role: connection.role }),
      ...(connection.database && { database: connection.database }),
      ...(connection.schema && { schema: connection.schema }),
    };
    let answer = await this.send('POST', `/api/v2/statements?${query}`, body, signal);
    while (answer.status === 202) {
      const status = parse(queryStatusSchema, answer.json, 'a 202 QueryStatus');
      await this.sleep(this.options.pollIntervalMs ?? 1000, signal);
      answer = await this.send('GET', status.statementStatusUrl, undefined, signal);
    }
    const result = parse(resultSetSchema, answer.json, 'a ResultSet');
    return {
      handle: result.statementHandle,
      columns: result.resultSetMetaData.rowType,
      partitionCount: result.resultSetMetaData.partitionInfo.length,
      firstPartition: result.data,
    };
  }

  /** Every partition's cells in order; only one partition is held at a time. */
  async *partitions(statement: SnowflakeStatement, signal?: AbortSignal): AsyncGenerator<(string | null)[][]> {
    for (let index = 0; index < statement.partitionCount; index++) {
      if (index === 0 && statement.firstPartition) {
        const first = statement.firstPartition;
        statement.firstPartition = undefined;
        yield first;
        continue;
      }
      const path = `/api/v2/statements/${encodeURIComponent(statement.handle)}?partition=${index}`;
      const answer = await this.send('GET', path, undefined, signal);
      if (answer.status !== 200)
        throw new SnowflakeError('SNOWFLAKE_PROTOCOL', `partition ${index}: HTTP ${answer.status}`, true);
      yield parse(partitionSchema, answer.json, `partition ${index}`).data;
    }
  }

  /** One request with retries for 429/5xx/network failures; returns 200 and 202 answers, throws the rest. */
  private async send(method: 'GET' | 'POST', pathAndQuery: string, body: unknown, signal?: AbortSignal) {
    const attempts = this.options.maxAttempts ?? 6;
    let lastError: SnowflakeError | undefined;
    for (let attempt = 1; attempt <= attempts; attempt++) {
      let response: Response;
      try {
        this.requestCount++;
        response = await this.fetch(new URL(pathAndQuery, this.connection.baseUrl), {
          method,
          headers: this.headers(),
          body: body === undefined ? undefined : JSON.stringify(body),
          signal,
        });
      } catch (error) {
        if (signal?.aborted) throw error;
        lastError = new SnowflakeError('SNOWFLAKE_UNAVAILABLE', `Snowflake did not answer: ${String(error)}`, true);
        await this.sleep(this.backoff(attempt, undefined), signal);
        continue;
      }
      const json: unknown = await response.json().catch(() => undefined);
      if (response.status === 200 || response.status === 202) return { status: response.status, json };
      const failure = snowflakeFailure(response.status, failureSchema.catch({}).parse(json ?? {}));
      if (!failure.retryable || response.status === 408) throw failure;
      lastError = failure;
      if (attempt < attempts) await this.sleep(this.backoff(attempt, response.headers.get('retry-after')), signal);
    }
    throw lastError ?? new SnowflakeError('SNOWFLAKE_UNAVAILABLE', 'Snowflake unavailable', true);
  }

  private backoff(attempt: number, retryAfter: string | null | undefined): number {
    const asked = parseRetryAfter(retryAfter ?? null, new Date());
    const doubled = (this.options.backoffMs ?? 500) * 2 ** (attempt - 1);
    return Math.min(MAX_BACKOFF_MS, Math.max(asked ?? 0, doubled));
  }

  private headers(): Record<string, string> {
    return {
      Authorization: `Bearer ${this.tokens.token()}`,
      'X-Snowflake-Authorization-Token-Type': 'KEYPAIR_JWT',
      'Content-Type': 'application/json',
      Accept: 'application/json',
      'User-Agent': USER_AGENT,
    };
  }
}

function parse<T>(schema: z.ZodType<T>, json: unknown, what: string): T {
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  throw new SnowflakeError('SNOWFLAKE_PROTOCOL', `Snowflake answered something that is not ${what}`, true);
}
