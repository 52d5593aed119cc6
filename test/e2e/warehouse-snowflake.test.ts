/**
 * The same warehouse rows imported twice — once from Postgres, once through the Snowflake SQL API fake (which reads
 * those very rows from the same PostgreSQL table) — into two emulated orgs holding the same Contacts and field maps.
 * The Snowflake import must land exactly the records the Postgres import lands, on the first run and on the
 * incremental one (whose changed rows tie on the watermark's timestamp, in microseconds).
 */
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSnowflakeFake, type SnowflakeFake } from '../emulators/warehouse/snowflake';
import { startWarehouseKit, TEST_POSTGRES_URL, type WarehouseKit } from './support/warehouse-kit';

const ROWS = 1_000;
const EXISTING = 50;
const email = (id: number) => `person${id}@warehouse.example`;

describe('Snowflake warehouse source matches the Postgres one', () => {
  let pgKit: WarehouseKit;
  let sfKit: WarehouseKit;
  let fake: SnowflakeFake;
  let keyDir: string;
  let table: string;
  const sources = { postgres: '', snowflake: '' };

  async function prepareOrg(kit: WarehouseKit) {
    await kit.fieldMap('Title', 'Always');
    await kit.fieldMap('Department', 'Fill_Blank');
    await kit.fieldMap('AssistantName', 'Tracked');
    await kit.fieldMap('Description', 'Never');
    const existing = Array.from({ length: EXISTING }, (_, i) => ({
      attributes: { type: 'Contact' },
      Email: email(i + 1),
      FirstName: 'Kept',
      LastName: `Existing${i + 1}`,
      Title: 'Old title',
      Department: i % 2 === 0 ? 'Sales' : null,
      Description: 'Written by a person',
    }));
    await kit.conn.requestPost('/services/data/v62.0/composite/sobjects', { allOrNone: true, records: existing });
  }

  const settings = () => ({
    query:
      `SELECT id, updated_at, email AS "Email", first_name AS firstname, last_name AS lastname, ` +
      `title AS title, department AS department, assistant AS assistantname, note AS description ` +
      `FROM ${table} -- every person`,
    match: 'Email',
    create: true,
    cursor: 'updated_at',
    key: 'id',
  });

  /** Contacts by email without their ids: what both orgs must hold alike. */
  async function contacts(kit: WarehouseKit) {
    const byEmail = await kit.contactsByEmail();
    return new Map([...byEmail].map(([key, row]) => [key, { ...row, Id: undefined, attributes: undefined }]));
  }

  const counts = (run: Record<string, unknown> | undefined) =>
    run && [
      run.Status__c,
      run.Total__c,
      run.Processed__c,
      run.Succeeded__c,
      run.Skipped__c,
      run.Failed__c,
      run.Skips_By_Reason__c,
    ];

  beforeAll(async () => {
    pgKit = await startWarehouseKit();
    table = `${pgKit.schema}.people`;
    await pgKit.pg.query(`
      CREATE TABLE ${table} (
        id integer PRIMARY KEY, email text NOT NULL, first_name text, last_name text NOT NULL, title text,
        department text, assistant text, note text, updated_at timestamptz NOT NULL)`);
    await pgKit.pg.query(
      `INSERT INTO ${table}
       SELECT g, 'person' || g || '@warehouse.example', 'First' || g, 'Last' || g, 'Title ' || g, 'Dept ' || g,
              'Assistant ' || g, 'Note ' || g,
              timestamptz '2024-01-01 00:00:00.000001+00' + ((g / 3) * interval '1.000001 second')
       FROM generate_series(1, $1::int) AS g`,
      [ROWS],
    );
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    keyDir = mkdtempSync(join(tmpdir(), 'sf-key-'));
    const keyFile = join(keyDir, 'rsa_key.p8');
    writeFileSync(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    fake = await startSnowflakeFake({
      registered: { account: 'XY12345', user: 'ETL_READER', publicKey },
      postgresUrl: TEST_POSTGRES_URL,
      schema: pgKit.schema,
      partitionRows: 250,
    });
    sfKit = await startWarehouseKit({
      snowflake: new Map([
        [
          'DW',
          {
            account: 'xy12345.us-east-1',
            user: 'etl_reader',
            privateKeyFile: keyFile,
            warehouse: 'WH',
            role: 'READER',
            database: undefined,
            schema: undefined,
            baseUrl: fake.baseUrl,
          },
        ],
      ]),
      snowflakeClient: { sleep: async () => {}, pollIntervalMs: 0 },
    });
    await prepareOrg(pgKit);
    await prepareOrg(sfKit);
    sources.postgres = await pgKit.createSource({ connection: 'TEST', ...settings() });
    sources.snowflake = await sfKit.createSource({ connection: 'DW', ...settings() }, 'Warehouse people', 'Snowflake');
  }, 120_000);

  afterAll(async () => {
    await fake?.stop();
    await sfKit?.close();
    await pgKit?.close();
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
  });

  it('when both import the same rows then the orgs hold the same Contacts and the runs the same counts', async () => {
    const viaPostgres = await pgKit.importSource(sources.postgres);
    const viaSnowflake = await sfKit.importSource(sources.snowflake);
    expect(viaSnowflake.error).toBeUndefined();
    expect(viaSnowflake.failures).toEqual(viaPostgres.failures);
    expect(viaSnowflake.watermark).toEqual(viaPostgres.watermark);
    const [pgContacts, sfContacts] = [await contacts(pgKit), await contacts(sfKit)];
    expect(pgContacts.size).toBe(ROWS);
    expect(sfContacts).toEqual(pgContacts);
    expect(counts((await sfKit.runs(sources.snowflake))[0])).toEqual(counts((await pgKit.runs(sources.postgres))[0]));
    // Four result partitions of 250, fetched one at a time after the first came with the statement.
    const partitions = fake.requests
      .filter((request) => request.query.partition !== undefined)
      .map((r) => r.query.partition);
    expect(partitions).toEqual(['1', '2', '3']);
  });

  it('when rows change and new ones tie on the watermark then both incremental runs read and land the same 60 rows', async () => {
    // 30 updates (moved past the watermark) and 30 inserts, 10 of them at exactly the last cursor value.
    await pgKit.pg.query(
      `UPDATE ${table} SET title = 'Moved ' || id, updated_at = updated_at + interval '2 hours' WHERE id % 33 = 0 AND id <= 990`,
    );
    await pgKit.pg.query(
      `INSERT INTO ${table}
       SELECT g, 'person' || g || '@warehouse.example', 'First' || g, 'Last' || g, 'Title ' || g, NULL, NULL, NULL,
              CASE WHEN g <= ${ROWS} + 10 THEN (SELECT max(updated_at) FROM ${table} WHERE id <= ${ROWS} AND id % 33 <> 0)
                   ELSE timestamptz '2030-01-01 00:00:00.5+00' END
       FROM generate_series(${ROWS} + 1, ${ROWS} + 30) AS g`,
    );
    const viaPostgres = await pgKit.importSource(sources.postgres);
    const viaSnowflake = await sfKit.importSource(sources.snowflake);
    expect(viaSnowflake.error).toBeUndefined();
    expect(viaSnowflake.watermark).toEqual(viaPostgres.watermark);
    const [pgRuns, sfRuns] = [await pgKit.runs(sources.postgres), await sfKit.runs(sources.snowflake)];
    expect(counts(sfRuns[1])).toEqual(counts(pgRuns[1]));
    expect(sfRuns[1]?.Total__c).toBe(60);
    expect(await contacts(sfKit)).toEqual(await contacts(pgKit));
    // The watermark went to Snowflake as bindings, never into the SQL text.
    const incremental = fake.statements.at(-1);
    expect(incremental?.statement).toContain(':1');
    expect(Object.keys(incremental?.bindings ?? {})).toEqual(['1', '2']);
  });
});
