import type { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSalesforceEmulator, type RunningEmulator } from '../../../../test/emulators/salesforce';
import { OrgClient } from '../../../src/salesforce/org-client';
import { connectSalesforce } from '../../../src/salesforce/auth/connection-factory';
import { bulkQueryPages } from '../../../src/salesforce/bulk/bulk-query-pages';

let emulator: RunningEmulator;
let conn: Connection;

beforeAll(async () => {
  emulator = await startSalesforceEmulator({ seed: 1000 });
  conn = await connectSalesforce({
    mode: 'client_credentials',
    apiVersion: '62.0',
    loginUrl: emulator.loginUrl,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
  });
});

afterAll(async () => {
  await emulator?.stop();
});

async function control(path: string, body: unknown): Promise<void> {
  const response = await fetch(`${emulator.instanceUrl}/__emulator${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`control ${path}: ${response.status}`);
}

describe('Bulk API 2.0 query, page by page', () => {
  it('reads every row in pages of maxRecords, each page only when asked for, without repeated headers', async () => {
    const sizes: number[] = [];
    const ids = new Set<string>();
    for await (const rows of bulkQueryPages(new OrgClient(conn), 'SELECT Id, LastName, Email FROM Contact', {
      maxRecords: 300,
    })) {
      sizes.push(rows.length);
      for (const row of rows) {
        expect(row.Id).toMatch(/^003/);
        ids.add(row.Id!);
      }
    }
    expect(sizes).toEqual([300, 300, 300, 100]);
    expect(ids.size).toBe(1000);
  });

  it('when the session expired between pages, then it renews the token and goes on', async () => {
    let pages = 0;
    let rows = 0;
    for await (const page of bulkQueryPages(new OrgClient(conn), 'SELECT Id FROM Contact', { maxRecords: 400 })) {
      pages += 1;
      rows += page.length;
      if (pages === 1) await control('/faults', { expireSessions: true });
    }
    expect({ pages, rows }).toEqual({ pages: 3, rows: 1000 });
  });

  it('when the query is one Bulk API 2.0 refuses, then it fails with Salesforce’s reason', async () => {
    const pages = bulkQueryPages(new OrgClient(conn), 'SELECT COUNT() FROM Contact');
    await expect(pages.next()).rejects.toThrow(/Aggregate queries/);
  });
});
