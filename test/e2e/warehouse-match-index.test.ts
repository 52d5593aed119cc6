/**
 * A warehouse run matched through its match index (one Bulk API 2.0 query of Id and Email, kept in Redis): a row
 * whose key repeats in a later batch updates the record an earlier batch created instead of creating it twice, a
 * record that existed before the run is matched and updated, and the index is gone once the run ends.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWarehouseKit, type WarehouseKit } from './support/warehouse-kit';

describe('warehouse import through the match index', () => {
  let kit: WarehouseKit;

  beforeAll(async () => {
    kit = await startWarehouseKit();
    await kit.fieldMap('Title', 'Always');
    await kit.pg.query(`CREATE TABLE ${kit.schema}.people (id integer PRIMARY KEY, email text, last_name text,
      title text, updated_at timestamptz)`);
    // 1,500 rows: two batches of writes. Row 1,400 repeats row 10's email (in another case) with another title.
    await kit.pg.query(
      `INSERT INTO ${kit.schema}.people SELECT g,
         CASE WHEN g = 1400 THEN 'Person10@Index.Example' ELSE 'person' || g || '@index.example' END,
         'Last' || g, 'Title ' || g, timestamptz '2024-01-01' + g * interval '1 second'
       FROM generate_series(1, 1500) AS g`,
    );
    await kit.conn
      .sobject('Contact')
      .create({ LastName: 'Before the run', Email: 'person5@index.example', Title: 'Old' });
  }, 120_000);

  afterAll(async () => {
    await kit?.close();
  });

  it('when a key repeats in a later batch then the record created earlier in the run is updated, not created twice', async () => {
    const id = await kit.createSource({
      connection: 'TEST',
      query: `SELECT id, updated_at, email AS "Email", last_name AS lastname, title FROM ${kit.schema}.people`,
      create: true,
      cursor: 'updated_at',
      key: 'id',
    });
    const report = await kit.importSource(id);
    expect(report.error).toBeUndefined();
    expect(report).toMatchObject({ rowsRead: 1500, created: 1498, updated: 2, failed: 0 });
    const contacts = await kit.contactsByEmail();
    expect(contacts.size).toBe(1499);
    expect(contacts.get('person10@index.example')).toMatchObject({ Title: 'Title 1400', LastName: 'Last10' });
    expect(contacts.get('person5@index.example')).toMatchObject({ Title: 'Title 5', LastName: 'Before the run' });
    const [, keys] = await kit.redis.scan('0', 'MATCH', `${kit.prefix}:warehouse-match:*`, 'COUNT', 10_000);
    expect(keys).toEqual([]);
  });
});
