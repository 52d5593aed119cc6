import type { Connection } from 'jsforce';

/** The org state a scenario is judged on: mapped contact fields and audience membership episodes. */
export interface OrgState {
  contacts: Map<string, string>;
  /** Membership episodes per contact id: "active" or "ended", one entry per Audience_Member__c row. */
  episodes: Map<string, string[]>;
  enriched: number;
}

/**
 * Department is left out on purpose: its rule is Fill_Blank, so the first value written stays, and which title a
 * record had when it was first processed depends on timing (an edit made during the sync), in a clean run too.
 */
export const COMPARED_FIELDS = ['Email', 'Title', 'Seniority__c', 'Email_Status__c', 'Phone_Type__c'];

export async function readOrgState(conn: Connection): Promise<OrgState> {
  const contacts = new Map<string, string>();
  let enriched = 0;
  const rows = await conn.query<Record<string, unknown>>(
    `SELECT Id, Audience_Last_Enriched_At__c, ${COMPARED_FIELDS.join(', ')} FROM Contact`,
    { autoFetch: true, maxFetch: 10_000_000 },
  );
  for (const row of rows.records) {
    contacts.set(String(row.Id), JSON.stringify(COMPARED_FIELDS.map((f) => row[f] ?? null)));
    if (row.Audience_Last_Enriched_At__c) enriched += 1;
  }
  const episodes = new Map<string, string[]>();
  const members = await conn.query<Record<string, unknown>>(
    'SELECT Record_Id__c, Is_Active__c FROM Audience_Member__c',
    {
      autoFetch: true,
      maxFetch: 10_000_000,
    },
  );
  for (const row of members.records) {
    const id = String(row.Record_Id__c);
    episodes.set(id, [...(episodes.get(id) ?? []), row.Is_Active__c ? 'active' : 'ended'].sort());
  }
  return { contacts, episodes, enriched };
}

export interface StateDiff {
  /** Contacts whose compared fields differ from the clean run's. */
  fieldsDiffer: number;
  /** Membership episodes the clean run has and this run lacks (or that should have ended and did not). */
  lost: number;
  /** Membership episodes this run has beyond the clean run's. */
  duplicates: number;
  examples: string[];
}

export function compareStates(reference: OrgState, actual: OrgState): StateDiff {
  const examples: string[] = [];
  let fieldsDiffer = 0;
  for (const [id, expected] of reference.contacts) {
    const got = actual.contacts.get(id);
    if (got === expected) continue;
    fieldsDiffer += 1;
    if (examples.length < 5) examples.push(`${id}: expected ${expected}, got ${got}`);
  }
  let lost = 0;
  let duplicates = 0;
  const ids = new Set([...reference.episodes.keys(), ...actual.episodes.keys()]);
  for (const id of ids) {
    const expected = reference.episodes.get(id) ?? [];
    const got = actual.episodes.get(id) ?? [];
    const remaining = [...got];
    for (const episode of expected) {
      const at = remaining.indexOf(episode);
      if (at >= 0) remaining.splice(at, 1);
      else lost += 1;
    }
    duplicates += remaining.length;
    if ((remaining.length > 0 || expected.length > got.length) && examples.length < 5) {
      examples.push(`${id}: episodes expected [${expected.join(',')}], got [${got.join(',')}]`);
    }
  }
  return { fieldsDiffer, lost, duplicates, examples };
}
