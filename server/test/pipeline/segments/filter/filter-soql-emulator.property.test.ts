import fc from 'fast-check';
import { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesforceEmulator, type RunningEmulator } from '../../../../../test/emulators/salesforce';
import type { FieldValue } from '../../../../src/domain/mirror-record';
import { buildQuery, createFieldTypeLookup, evaluateFilter } from '../../../../src/pipeline/segments/filter';
import { filterArbitrary, recordArbitrary, type ArbitraryField } from './filter-arbitrary';

/**
 * DESIGN §7: one filter compiles to an in-process evaluator (over the mirror) and to a SOQL WHERE clause. This
 * holds the two to the same answer for random filters, against records stored in the Salesforce emulator and
 * read back the way the import reads them.
 */
const FIELDS: readonly ArbitraryField[] = [
  { name: 'Title', type: 'string' },
  { name: 'Department', type: 'string' },
  { name: 'Contact_Score__c', type: 'double' },
  { name: 'HasOptedOutOfEmail', type: 'boolean' },
  { name: 'Birthdate', type: 'date' },
];

describe('segment filter: evaluator and compiled SOQL agree against the emulator', () => {
  let emulator: RunningEmulator;
  let conn: Connection;
  let records: { Id: string; fields: Record<string, FieldValue> }[];
  const fieldType = createFieldTypeLookup({ fields: FIELDS });

  beforeAll(async () => {
    emulator = await startSalesforceEmulator({ seed: 'none' });
    const admin = emulator.users.find((u) => u.role === 'admin')!;
    conn = new Connection({ instanceUrl: emulator.instanceUrl, accessToken: admin.accessToken, version: '62.0' });
    const rows = fc.sample(recordArbitrary(FIELDS), { numRuns: 80, seed: 20261128 });
    const created = await conn.sobject('Contact').create(
      rows.map((row, index) => ({ LastName: `Property ${index}`, ...row })),
      { allOrNone: true },
    );
    expect(created.every((r) => r.success)).toBe(true);
    // Read back as the import does, so both sides see the values Salesforce stored.
    const soql = buildQuery({ object: 'Contact', fields: ['Id', ...FIELDS.map((f) => f.name)] });
    const stored = await conn.query<Record<string, FieldValue>>(soql, { autoFetch: true });
    records = stored.records.map((raw) => {
      const fields: Record<string, FieldValue> = {};
      for (const f of FIELDS) fields[f.name] = raw[f.name] ?? null;
      return { Id: String(raw.Id), fields };
    });
  });

  afterAll(async () => {
    await emulator?.stop();
  });

  it('when a random filter runs both ways, then the same records match', async () => {
    await fc.assert(
      fc.asyncProperty(filterArbitrary(FIELDS), async (filter) => {
        const now = new Date();
        const expected = records
          .filter((r) => evaluateFilter(filter, r.fields, { now, fieldType }))
          .map((r) => r.Id)
          .sort();
        const soql = buildQuery({ object: 'Contact', fields: ['Id'], filter, fieldType });
        const result = await conn.query<{ Id: string }>(soql, { autoFetch: true });
        const actual = result.records.map((r) => r.Id).sort();
        expect({ soql, ids: actual }).toEqual({ soql, ids: expected });
      }),
      { numRuns: 150, seed: 42 },
    );
  });
});
