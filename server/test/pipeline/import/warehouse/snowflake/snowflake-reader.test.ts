/**
 * The Snowflake reader against the loopback SQL API fake, which runs the statements on the real local PostgreSQL
 * (database `test`, this file's own schema, dropped after).
 */
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SnowflakeError } from '../../../../../src/pipeline/import/warehouse/snowflake/snowflake-errors';
import { SnowflakeReader } from '../../../../../src/pipeline/import/warehouse/snowflake/snowflake-reader';
import { startSnowflakeFake, type SnowflakeFake } from '../../../../../../test/emulators/warehouse/snowflake';

const POSTGRES_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const schema = `sf_${randomUUID().slice(0, 8)}`;
const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
const admin = new pg.Client({ connectionString: POSTGRES_URL });
let fake: SnowflakeFake;

const noWait = async () => {};
const reader = (options: { async?: boolean; key?: typeof privateKey } = {}) =>
  new SnowflakeReader(
    {
      account: 'xy12345.us-east-1',
      user: 'etl_reader',
      privateKey: options.key ?? privateKey,
      baseUrl: fake.baseUrl,
      warehouse: 'WH',
    },
    { sleep: noWait, pollIntervalMs: 0, async: options.async },
  );

async function readAll(source: SnowflakeReader, request: Parameters<SnowflakeReader['read']>[0]) {
  const pages: Record<string, unknown>[][] = [];
  for await (const page of source.read(request)) pages.push(page);
  return pages;
}

beforeAll(async () => {
  await admin.connect();
  await admin.query(`CREATE SCHEMA ${schema}`);
  await admin.query(`SET search_path TO ${schema}`);
  await admin.query(`CREATE TABLE people (
    id integer PRIMARY KEY, email text, score numeric(10,2), ratio double precision, active boolean,
    born date, wakes time, seen_ntz timestamp, updated_at timestamptz NOT NULL)`);
  await admin.query(`INSERT INTO people
    SELECT n, 'p' || n || '@example.test', n * 1.25, n / 4.0, n % 2 = 0, DATE '2020-01-01' + n, TIME '08:30:00.250',
           TIMESTAMP '2026-01-01 00:00:00' + n * INTERVAL '1 minute',
           TIMESTAMPTZ '2026-01-01 00:00:00+00' + (n / 3) * INTERVAL '1 hour'
    FROM generate_series(1, 7) AS n`);
  fake = await startSnowflakeFake({
    registered: { account: 'XY12345', user: 'ETL_READER', publicKey },
    postgresUrl: POSTGRES_URL,
    schema,
    partitionRows: 3,
  });
});

afterEach(() => fake.releaseStatements());

afterAll(async () => {
  await fake?.stop();
  await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await admin.end();
});

describe('SnowflakeReader over the SQL API v2', () => {
  it('when the result has 3 partitions then all 7 rows come back in order, one partition GET at a time, decoded', async () => {
    const source = reader();
    const pages = await readAll(source, {
      query: 'select * from people',
      cursorColumn: 'updated_at',
      keyColumn: 'id',
      pageSize: 100,
    });
    const rows = pages.flat();
    expect(rows.map((row) => row.ID)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const partitionGets = fake.requests.filter((request) => request.query.partition !== undefined);
    expect(partitionGets.map((request) => request.query.partition)).toEqual(['1', '2']);
    expect(rows[1]).toEqual({
      ID: 2,
      EMAIL: 'p2@example.test',
      SCORE: 2.5,
      RATIO: 0.5,
      ACTIVE: true,
      BORN: '2020-01-03',
      WAKES: '08:30:00.250',
      SEEN_NTZ: '2026-01-01T00:02:00',
      UPDATED_AT: '2026-01-01T00:00:00Z',
    });
    expect(source.client.requestCount).toBe(3);
  });

  it('when pageSize is smaller than a partition then pages of that size', async () => {
    const pages = await readAll(reader(), {
      query: 'select id from people',
      cursorColumn: 'id',
      keyColumn: 'id',
      pageSize: 2,
    });
    expect(pages.map((page) => page.length)).toEqual([2, 2, 2, 1]);
  });

  it('when a watermark is given then only rows after (cursor, key), with the values sent as bindings', async () => {
    // Rows 3, 4, 5 share updated_at 01:00; the last run stopped at row 4.
    const after = { cursor: '2026-01-01T01:00:00.000Z', key: '4' };
    const pages = await readAll(reader(), {
      query: 'select id, updated_at from people',
      cursorColumn: 'updated_at',
      keyColumn: 'id',
      after,
      pageSize: 100,
    });
    expect(pages.flat().map((row) => row.ID)).toEqual([5, 6, 7]);
    const sent = fake.statements.at(-1);
    expect(sent?.statement).toContain(
      'SOURCE_ROWS.updated_at > :1 OR (SOURCE_ROWS.updated_at = :1 AND SOURCE_ROWS.id > :2)',
    );
    expect(sent?.statement).not.toContain('2026-01-01');
    expect(sent?.bindings).toEqual({ '1': { type: 'TEXT', value: after.cursor }, '2': { type: 'TEXT', value: '4' } });
  });

  it('when the statement runs asynchronously then 202, polling the status URL until the test releases it, then rows', async () => {
    fake.holdStatements();
    const before = fake.requests.length;
    const statusPolls = () => fake.requests.slice(before).filter((request) => request.method === 'GET').length;
    const reading = readAll(reader({ async: true }), { query: 'select id from people', pageSize: 100 });
    // The reader keeps polling while held; the gate is ours, not a clock.
    await expect.poll(statusPolls).toBeGreaterThanOrEqual(2);
    fake.releaseStatements();
    const rows = (await reading).flat();
    expect(rows).toHaveLength(7);
    expect(fake.requests[before]?.method).toBe('POST');
    expect(fake.requests[before]?.query.async).toBe('true');
  });

  it('when Snowflake answers 429 then 503 then it backs off and the same requestId succeeds', async () => {
    fake.failNext(429, 1);
    const before = fake.requests.length;
    fake.failNext(503, 2);
    const rows = (await readAll(reader(), { query: 'select id from people where id < 3', pageSize: 100 })).flat();
    expect(rows).toHaveLength(2);
    const posts = fake.requests.slice(before).filter((request) => request.method === 'POST');
    expect(posts).toHaveLength(3);
    expect(new Set(posts.map((request) => request.query.requestId)).size).toBe(1);
  });

  it('when 503 never ends then a retryable coded error after the attempts', async () => {
    fake.failNext(503, 100);
    const failure = readAll(reader(), { query: 'select id from people', pageSize: 100 });
    await expect(failure).rejects.toMatchObject({ code: 'SNOWFLAKE_UNAVAILABLE', retryable: true });
    fake.failNext(503, 0);
  });

  it('when the statement fails then 422 becomes SNOWFLAKE_STATEMENT_FAILED with the SQLSTATE, not retried', async () => {
    const before = fake.requests.length;
    const failure = readAll(reader(), { query: 'select nope from people', pageSize: 100 });
    await expect(failure).rejects.toMatchObject({
      code: 'SNOWFLAKE_STATEMENT_FAILED',
      retryable: false,
      details: { status: 422, sqlState: '42703' },
    });
    expect(fake.requests.length - before).toBe(1);
  });

  it('when the key is not the registered one then 401 becomes SNOWFLAKE_AUTH_FAILED', async () => {
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    await expect(readAll(reader({ key: stranger }), { query: 'select 1', pageSize: 10 })).rejects.toBeInstanceOf(
      SnowflakeError,
    );
    await expect(readAll(reader({ key: stranger }), { query: 'select 1', pageSize: 10 })).rejects.toMatchObject({
      code: 'SNOWFLAKE_AUTH_FAILED',
    });
  });

  it('when the query ends in a -- comment then the wrapped statement still closes its parenthesis', async () => {
    const pages = await readAll(reader(), {
      query: 'select id, updated_at from people where id <= 2 -- the first two',
      cursorColumn: 'updated_at',
      keyColumn: 'id',
      pageSize: 10,
    });
    expect(pages.flat().map((row) => row.ID)).toEqual([1, 2]);
  });

  it('when the query writes, holds two statements or names a strange cursor then it is refused before any request', () => {
    const source = reader();
    expect(() => source.checkQuery('delete from people')).toThrow(/SELECT or WITH/);
    expect(() => source.checkQuery('select 1; drop table people')).toThrow(/more than one statement/);
    expect(() => source.checkQuery('with x as (select 1) insert into people select * from x')).toThrow(/INSERT/);
    expect(() => source.checkQuery("select 'drop table' as note from people -- update")).not.toThrow();
    const bad = readAll(source, {
      query: 'select * from people',
      cursorColumn: 'updated_at; drop',
      keyColumn: 'id',
      pageSize: 1,
    });
    return expect(bad).rejects.toMatchObject({ code: 'SNOWFLAKE_QUERY_REFUSED' });
  });
});
