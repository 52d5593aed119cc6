import type { Connection } from 'jsforce';

/** Counts contacts with our last-enriched stamp (what the initial sync leaves on every record it wrote). */
export async function countEnriched(conn: Connection): Promise<number> {
  const reply = (await conn.query('SELECT COUNT() FROM Contact WHERE Audience_Last_Enriched_At__c != null')) as {
    totalSize: number;
  };
  return reply.totalSize;
}

export type OrgSnapshot = Map<string, string>;

/** The mapped fields of every contact, one string per record, for comparing two runs' final org states. */
export async function snapshotContacts(conn: Connection, fields: string[]): Promise<OrgSnapshot> {
  const soql = `SELECT Id, ${fields.join(', ')} FROM Contact ORDER BY Id`;
  const result = await conn.query<Record<string, unknown>>(soql, { autoFetch: true, maxFetch: 10_000_000 });
  const out: OrgSnapshot = new Map();
  for (const record of result.records) {
    out.set(String(record.Id), JSON.stringify(fields.map((f) => record[f] ?? null)));
  }
  return out;
}
