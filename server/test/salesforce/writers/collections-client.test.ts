import { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesforceEmulator, type RunningEmulator } from '../../../../test/emulators/salesforce/index';
import { OrgClient } from '../../../src/salesforce/org-client';
import { CollectionsClient } from '../../../src/salesforce/writers/collections-client';

let emulator: RunningEmulator;
let org: OrgClient;
const ids: string[] = [];

beforeAll(async () => {
  emulator = await startSalesforceEmulator({ port: 0, seed: 'none' });
  const conn = new Connection({
    instanceUrl: emulator.instanceUrl,
    accessToken: emulator.accessToken,
    version: '62.0',
  });
  org = new OrgClient(conn);
  const rows = Array.from({ length: 3 }, (_, i) => ({ LastName: `Collections ${i}` }));
  for (const result of await conn.sobject('Contact').create(rows, { allOrNone: true })) ids.push(result.id as string);
});

afterAll(async () => {
  await emulator?.stop();
});

describe('CollectionsClient', () => {
  it('when every row of a collection succeeds, then each gets its own id and no failure', async () => {
    const client = new CollectionsClient(org);
    const rows = ids.map((id, i) => ({ object: 'Contact', id, fields: { Title: `Title ${i}` } }));
    expect(await client.save('update', rows)).toEqual(ids.map((id) => ({ id, ok: true, created: undefined })));
  });

  it('when one row of a collection is refused, then it alone fails and the others succeed', async () => {
    const client = new CollectionsClient(org, { maxAttempts: 1 });
    const missing = `${(ids[0] as string).slice(0, 5)}ZZZZZZZZZZZZZ`;
    const rows = [
      { object: 'Contact', id: ids[1] as string, fields: { Title: 'Kept' } },
      { object: 'Contact', id: missing, fields: { Title: 'Nowhere' } },
    ];
    const [ok, refused] = await client.save('update', rows);
    expect(ok).toEqual({ id: ids[1], ok: true, created: undefined });
    expect(refused).toMatchObject({ id: missing, ok: false });
    expect((refused as { code: string }).code).not.toBe('BAD_REPLY');
  });
});
