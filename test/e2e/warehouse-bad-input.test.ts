import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWarehouseKit, type WarehouseKit } from './support/warehouse-kit';

describe('Postgres warehouse source: bad input', () => {
  let kit: WarehouseKit;

  beforeAll(async () => {
    kit = await startWarehouseKit();
    await kit.pg.query(
      `CREATE TABLE ${kit.schema}.leads (id integer PRIMARY KEY, email text, title text, extra text, changed timestamptz)`,
    );
    await kit.pg.query(
      `INSERT INTO ${kit.schema}.leads VALUES
         (1, 'ok1@example.com', 'Engineer', NULL, '2024-01-01'),
         (2, 'not an email', 'Engineer', NULL, '2024-01-02'),
         (3, 'ok3@example.com', repeat('x', 200), NULL, '2024-01-03'),
         (4, 'ok4@example.com', 'Engineer', 'surprise', '2024-01-04'),
         (5, 'ok5@example.com', 'Manager', NULL, '2024-01-05')`,
    );
  }, 120_000);

  afterAll(async () => {
    await kit?.close();
  });

  it.each([
    ['a write', `DELETE FROM leads`, /DELETE/],
    ['two statements', `SELECT 1 AS email; SELECT 2 AS email`, /2 statements/],
    ['a data-modifying WITH', `WITH d AS (DELETE FROM leads RETURNING *) SELECT * FROM d`, /DELETE, which writes/],
    ['a row lock', `SELECT email FROM leads FOR UPDATE`, /FOR UPDATE/],
    ['SELECT INTO', `SELECT email INTO copy FROM leads`, /creates a table/],
  ])('refuses %s at config load, with the reason on the source', async (_what, query, reason) => {
    const id = await kit.createSource({ connection: 'TEST', query }, `Refused ${_what}`);
    expect(await kit.loadSource(id)).toBeUndefined();
    const record = await kit.sourceRecord(id);
    expect(record.Status__c).toBe('Error');
    expect(String(record.Status_Message__c)).toMatch(/refused/);
    expect(String(record.Status_Message__c)).toMatch(reason);
  });

  it('refuses settings that name no connection set on the server, or are not JSON', async () => {
    const unset = await kit.createSource({ connection: 'NOWHERE', query: 'SELECT 1 AS email' }, 'Unset');
    const notJson = await kit.conn.sobject('Audience_Source__c').create({
      Name: 'Not JSON',
      Type__c: 'Postgres',
      Object__c: 'Contact',
      Active__c: true,
      Settings__c: '{connection: DEMO',
    });
    await kit.loadSource(unset);
    expect((await kit.sourceRecord(unset)).Status_Message__c).toMatch(/POSTGRES_URL_NOWHERE/);
    expect((await kit.sourceRecord(String(notJson.id))).Status_Message__c).toMatch(/not JSON/);
  });

  it('records a bad alias or value as a row failure with the row key, and imports the other rows', async () => {
    const id = await kit.createSource({
      connection: 'TEST',
      query: `SELECT id, changed, email, title, 'Doe' AS lastname, extra AS "NotAField" FROM ${kit.schema}.leads`,
      create: true,
      cursor: 'changed',
      key: 'id',
    });
    const report = await kit.importSource(id);
    expect(report).toMatchObject({ rowsRead: 5, created: 2, failed: 3 });
    expect(report.failures).toEqual([
      { key: '2', reason: 'bad_email', detail: expect.stringMatching(/not an email address/) },
      { key: '3', reason: 'too_long', detail: expect.stringMatching(/Title has 200 characters/) },
      { key: '4', reason: 'unknown_column', detail: expect.stringMatching(/NotAField/) },
    ]);
    const [run] = await kit.runs(id);
    expect(run).toMatchObject({ Status__c: 'Partially_Succeeded', Total__c: 5, Succeeded__c: 2, Failed__c: 3 });
    expect(run?.Error_Summary__c).toMatch(/^row 2: bad_email/m);
    expect(run?.Error_Summary__c).toMatch(/^row 3: too_long/m);
    expect(run?.Error_Summary__c).toMatch(/^row 4: unknown_column/m);
    const contacts = await kit.contactsByEmail();
    expect([...contacts.keys()].sort()).toEqual(['ok1@example.com', 'ok5@example.com']);
    // Unmatched rows are counted when the source does not create.
    const noCreate = await kit.createSource({
      connection: 'TEST',
      query: `SELECT email, title FROM ${kit.schema}.leads WHERE id IN (1, 3, 5)`,
    });
    await kit.pg.query(`UPDATE ${kit.schema}.leads SET title = 'Engineer' WHERE id = 3`);
    expect(await kit.importSource(noCreate)).toMatchObject({ rowsRead: 3, skipped: 3 });
    expect((await kit.runs(noCreate))[0]?.Skips_By_Reason__c).toBe(JSON.stringify({ unchanged: 2, unmatched: 1 }));
  });

  it('shows a connection failure on the source and the run, keeps the watermark, and recovers on the next run', async () => {
    const id = await kit.createSource({
      connection: 'DOWN',
      query: `SELECT id, changed, email FROM ${kit.schema}.leads`,
      cursor: 'changed',
      key: 'id',
    });
    const report = await kit.importSource(id);
    expect(report.status).toBe('failed');
    expect(report.error?.code).toBe('WAREHOUSE_UNREACHABLE');
    const record = await kit.sourceRecord(id);
    expect(record.Status__c).toBe('Error');
    expect(String(record.Status_Message__c)).toMatch(/retried at the next schedule/);
    expect(record.Watermark__c ?? null).toBeNull();
    const [run] = await kit.runs(id);
    expect(run).toMatchObject({ Status__c: 'Failed' });
    expect(run?.Status_Message__c).toMatch(/^WAREHOUSE_UNREACHABLE/);
    // A config reload (the 5-minute safety poll, any admin edit) finds the settings fine: the failure stays shown.
    await kit.loadSource(id);
    expect(await kit.sourceRecord(id)).toMatchObject({
      Status__c: 'Error',
      Status_Message__c: expect.stringMatching(/^last run failed: .*retried at the next schedule/),
    });

    // The admin fixes the connection: the next run reads, and the source is OK again.
    await kit.conn.sobject('Audience_Source__c').update({
      Id: id,
      Settings__c: JSON.stringify({
        connection: 'TEST',
        query: `SELECT id, changed, email FROM ${kit.schema}.leads WHERE id <> 2`,
        cursor: 'changed',
        key: 'id',
      }),
    });
    expect(await kit.importSource(id)).toMatchObject({ status: 'succeeded', rowsRead: 4 });
    expect((await kit.sourceRecord(id)).Status__c).toBe('OK');
  });
});
