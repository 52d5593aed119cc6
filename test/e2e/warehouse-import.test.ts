import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startWarehouseKit, type WarehouseKit } from './support/warehouse-kit';

/** Rows in the table of the first run; the incremental run then sees 100 updates and 100 inserts. */
const ROWS = 10_000;
/** Contacts already in the org before the first run (rows 1..EXISTING match them by email). */
const EXISTING = 100;

const email = (id: number) => `person${id}@warehouse.example`;

describe('Postgres warehouse source into the emulator org', () => {
  let kit: WarehouseKit;
  let sourceId: string;
  let table: string;

  beforeAll(async () => {
    kit = await startWarehouseKit();
    table = `${kit.schema}.people`;
    await kit.pg.query(`
      CREATE TABLE ${table} (
        id integer PRIMARY KEY,
        email text NOT NULL,
        first_name text,
        last_name text NOT NULL,
        title text,
        department text,
        assistant text,
        note text,
        updated_at timestamptz NOT NULL
      )`);
    // Three rows share each timestamp, and timestamps carry microseconds: ties and precision both matter.
    await kit.pg.query(
      `INSERT INTO ${table}
       SELECT g, 'person' || g || '@warehouse.example', 'First' || g, 'Last' || g, 'Title ' || g, 'Dept ' || g,
              'Assistant ' || g, 'Note ' || g,
              timestamptz '2024-01-01 00:00:00.000001+00' + ((g / 3) * interval '1.000001 second')
       FROM generate_series(1, $1::int) AS g`,
      [ROWS],
    );
    // Field maps: one of each write rule; FirstName and LastName have none (written on create only).
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
    for (let i = 0; i < existing.length; i += 200) {
      await kit.conn.requestPost('/services/data/v62.0/composite/sobjects', {
        allOrNone: true,
        records: existing.slice(i, i + 200),
      });
    }
    sourceId = await kit.createSource({
      connection: 'TEST',
      query:
        `SELECT id, updated_at, email AS "Email", first_name AS firstname, last_name AS lastname, ` +
        `title AS title, department AS department, assistant AS assistantname, note AS description ` +
        `FROM ${table} -- every person`,
      match: 'Email',
      create: true,
      cursor: 'updated_at',
      key: 'id',
    });
  }, 120_000);

  afterAll(async () => {
    await kit?.close();
  });

  it('imports 10,000 rows under each write rule, then reads exactly the 200 changed rows', async () => {
    const first = await kit.importSource(sourceId);
    expect(first.error).toBeUndefined();
    expect(first.failures.slice(0, 3)).toEqual([]);
    expect(first).toMatchObject({ rowsRead: ROWS, created: ROWS - EXISTING, updated: EXISTING, failed: 0 });
    expect(first.unmapped.sort()).toEqual(['FirstName', 'LastName']);

    let contacts = await kit.contactsByEmail();
    expect(contacts.size).toBe(ROWS);
    const matched = contacts.get(email(1)) as Record<string, unknown>;
    // Always overwrites; Fill_Blank keeps a value a person set; Never leaves the field; unmapped is create-only.
    expect(matched).toMatchObject({ Title: 'Title 1', Department: 'Sales', Description: 'Written by a person' });
    expect(matched).toMatchObject({ FirstName: 'Kept', LastName: 'Existing1', AssistantName: 'Assistant 1' });
    expect(contacts.get(email(2))).toMatchObject({ Department: 'Dept 2' });
    const created = contacts.get(email(ROWS)) as Record<string, unknown>;
    expect(created).toMatchObject({ FirstName: `First${ROWS}`, LastName: `Last${ROWS}`, Title: `Title ${ROWS}` });
    expect(created).toMatchObject({
      Department: `Dept ${ROWS}`,
      AssistantName: `Assistant ${ROWS}`,
      Description: null,
    });

    const [firstRun] = await kit.runs(sourceId);
    expect(firstRun).toMatchObject({
      Status__c: 'Succeeded',
      Total__c: ROWS,
      Processed__c: ROWS,
      Succeeded__c: ROWS,
      Failed__c: 0,
      Skipped__c: 0,
    });
    const lastCursor = (
      await kit.pg.query<{ updated_at: string }>(
        `SELECT updated_at::text FROM ${table} ORDER BY updated_at DESC LIMIT 1`,
      )
    ).rows[0]?.updated_at;
    expect(first.watermark).toEqual({ cursor: expect.any(String), key: String(ROWS) });
    expect(JSON.parse(String((await kit.sourceRecord(sourceId)).Watermark__c))).toEqual(first.watermark);

    // A person edits one Tracked value: the import wrote it, so from now on it is theirs.
    const tracked = contacts.get(email(201)) as Record<string, unknown>;
    await kit.conn.sobject('Contact').update({ Id: String(tracked.Id), AssistantName: 'Edited by a person' });

    // 100 updates (new timestamp) and 100 inserts, 20 of which share the first run's last cursor value.
    await kit.pg.query(
      `UPDATE ${table} SET title = 'New title ' || id, assistant = 'New assistant ' || id,
         updated_at = timestamptz '2025-01-01 00:00:00+00' + (id * interval '1 millisecond')
       WHERE id BETWEEN 201 AND 300`,
    );
    await kit.pg.query(
      `INSERT INTO ${table}
       SELECT g, 'person' || g || '@warehouse.example', 'First' || g, 'Last' || g, 'Title ' || g, NULL, NULL, NULL,
              CASE WHEN g <= $1::int + 20 THEN $2::timestamptz
                   ELSE timestamptz '2025-02-01 00:00:00+00' + (g * interval '1 second') END
       FROM generate_series($1::int + 1, $1::int + 100) AS g`,
      [ROWS, lastCursor],
    );

    const second = await kit.importSource(sourceId);
    expect(second.error).toBeUndefined();
    expect(second).toMatchObject({ rowsRead: 200, created: 100, updated: 100, failed: 0 });
    contacts = await kit.contactsByEmail();
    expect(contacts.size).toBe(ROWS + 100);
    expect(contacts.get(email(250))).toMatchObject({ Title: 'New title 250', AssistantName: 'New assistant 250' });
    expect(contacts.get(email(201))).toMatchObject({ Title: 'New title 201', AssistantName: 'Edited by a person' });
    expect(contacts.get(email(ROWS + 1))).toMatchObject({ FirstName: `First${ROWS + 1}` });
    const secondRun = (await kit.runs(sourceId))[1];
    expect(secondRun).toMatchObject({ Status__c: 'Succeeded', Total__c: 200, Processed__c: 200 });

    // Nothing changed since: the next run reads nothing, and no row is read twice.
    const third = await kit.importSource(sourceId);
    expect(third).toMatchObject({ rowsRead: 0, created: 0, updated: 0 });
  }, 600_000);
});
