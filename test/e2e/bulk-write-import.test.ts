/**
 * Above BULK_WRITE_THRESHOLD an import writes back and upserts its audience episodes through Bulk API 2.0 ingest
 * jobs, and ends exactly as a Collections import would: the same values, ledger entries and provenance, the same
 * members, refused rows counted as failures on the run record, locked rows saved on a second try. Below the
 * threshold no ingest job is opened. Everything goes over HTTP to the emulator through jsforce.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoopHarness, waitFor, type LoopSpec } from './support/loop-harness';

type Contact = { Id: string; Title: string; Seniority__c: string | null; Audience_Provenance__c: string | null };
type RunRow = { Status__c: string; Status_Message__c: string; Processed__c: number; Failed__c: number };

const TITLES: [string, string][] = [
  ['Chief Executive Officer', 'C-Level'],
  ['VP of Marketing', 'VP'],
  ['Head of Engineering', 'Director'],
  ['Sales Manager', 'Manager'],
  ['Senior Accountant', 'Senior'],
  ['Account Executive', 'Entry'],
];
// Twelve contacts, scores 0..110: the six from 60 up belong to the audience.
const CONTACTS = Array.from({ length: 12 }, (_, i) => ({
  LastName: `Bulk writer ${i}`,
  Title: TITLES[i % TITLES.length]![0],
  Contact_Score__c: i * 10,
}));

function spec(): LoopSpec {
  return {
    start: false,
    sources: [{ Object__c: 'Contact', Type__c: 'Salesforce', Inclusion_Filter__c: null }],
    fieldMaps: [
      { Object__c: 'Contact', Field__c: 'Seniority__c', Attribute__c: 'person.seniority', Write_Rule__c: 'Tracked' },
      { Object__c: 'Contact', Field__c: 'Contact_Score__c', Write_Rule__c: 'Never', Import__c: true },
    ],
    audiences: [
      {
        Name: 'High scores',
        Object__c: 'Contact',
        Filter__c: JSON.stringify({ field: 'Contact_Score__c', op: 'gte', value: 60 }),
      },
    ],
    records: { Contact: CONTACTS },
  };
}

async function ingestJobs(h: LoopHarness): Promise<{ operation: string; object: string }[]> {
  const list = await h.admin.request<{ records: { operation: string; object: string }[] }>(
    '/services/data/v62.0/jobs/ingest',
  );
  return list.records;
}

async function importRun(h: LoopHarness): Promise<RunRow> {
  const runs = await h.query<RunRow & { Id: string }>(
    "SELECT Status__c, Status_Message__c, Processed__c, Failed__c FROM Audience_Run__c WHERE Type__c = 'Import'",
  );
  expect(runs).toHaveLength(1);
  return runs[0]!;
}

describe('e2e: an import above BULK_WRITE_THRESHOLD writes through Bulk API 2.0 ingest', { timeout: 120_000 }, () => {
  let h: LoopHarness;
  let locked: string[];
  let deleted: string[];

  beforeAll(async () => {
    h = await LoopHarness.create(spec());
    const ids = h.records.Contact!;
    // Two records answer UNABLE_TO_LOCK_ROW to their next write (the job's); two low scorers are deleted after the
    // import has read them, so Salesforce refuses their writes (ENTITY_IS_DELETED) for good.
    locked = [ids[7]!, ids[9]!];
    deleted = [ids[1]!, ids[2]!];
    await h.faults({ lockRecords: { ids: locked, times: 1 } });
    let deletedOnce = false;
    await h.startRuntime(
      {
        // Read through REST, write through Bulk: the two choices are independent.
        bulkThreshold: 1_000_000,
        bulkWrites: { threshold: 5, saver: { minRowsPerJob: 1, job: { pollStartMs: 20, pollMaxMs: 200 } } },
      },
      (loop) => {
        const org = loop.deps.org;
        const firstPage = org.firstPage.bind(org);
        org.firstPage = (async (...args: Parameters<typeof firstPage>) => {
          const page = await firstPage(...args);
          if (!deletedOnce && /FROM Contact/i.test(args[0])) {
            deletedOnce = true;
            await h.admin.sobject('Contact').destroy(deleted);
          }
          return page;
        }) as typeof firstPage;
      },
    );
  }, 120_000);

  afterAll(async () => {
    await h?.stop();
  });

  it('writes every live record through one update job and upserts the episodes through one upsert job', async () => {
    const jobs = await ingestJobs(h);
    expect(jobs.filter((j) => j.object === 'Contact' && j.operation === 'update')).toHaveLength(1);
    expect(jobs.filter((j) => j.object === 'Audience_Member__c' && j.operation === 'upsert')).toHaveLength(1);
    const live = h.records.Contact!.filter((id) => !deleted.includes(id));
    const rows = await h.byId<Contact>('Contact', ['Title', 'Seniority__c', 'Audience_Provenance__c'], live);
    const expected = new Map(TITLES);
    for (const id of live) {
      const row = rows.get(id)!;
      expect(row.Seniority__c).toBe(expected.get(row.Title));
      expect(row.Audience_Provenance__c).toContain('Seniority__c');
    }
  });

  it('records the confirmed writes in the ledger, including the locked rows saved again through Collections', async () => {
    const ledger = await h.loop.ledger.getMany(h.records.Contact!);
    for (const id of h.records.Contact!) {
      expect(Object.keys(ledger.get(id) ?? {}).includes('Seniority__c')).toBe(!deleted.includes(id));
    }
    // The job refused them (locked); Collections saved them: no failure recorded for them.
    expect(h.loop.stats.failures.filter((f) => locked.includes(f.recordId))).toEqual([]);
  });

  it('counts the refused rows as failures with their reason, and says on the run record how it wrote', async () => {
    const run = await importRun(h);
    expect(run.Status_Message__c).toMatch(/writes: Bulk API 2\.0 ingest, 2 jobs .*2 retried/);
    expect(run).toMatchObject({ Processed__c: 12, Failed__c: 2 });
    const failures = h.loop.stats.failures.filter((f) => deleted.includes(f.recordId));
    expect(failures.map((f) => f.code).sort()).toEqual(['ENTITY_IS_DELETED', 'ENTITY_IS_DELETED']);
  });

  it('puts exactly the high scorers in the audience', async () => {
    const audienceId = h.ids.audiences[0]!;
    const expected = new Set(h.records.Contact!.slice(6));
    await waitFor(async () => (await h.activeMembers(audienceId)).size === 6, 10_000, 'six members');
    expect(await h.activeMembers(audienceId)).toEqual(expected);
  });
});

describe('e2e: an import at or below BULK_WRITE_THRESHOLD writes through Collections', { timeout: 120_000 }, () => {
  let h: LoopHarness;

  beforeAll(async () => {
    h = await LoopHarness.create(spec());
    await h.startRuntime({ bulkThreshold: 1_000_000, bulkWrites: { threshold: 12, saver: { minRowsPerJob: 1 } } });
  }, 120_000);

  afterAll(async () => {
    await h?.stop();
  });

  it('opens no ingest job, writes the same values and says so on the run record', async () => {
    expect(await ingestJobs(h)).toEqual([]);
    const rows = await h.byId<Contact>('Contact', ['Title', 'Seniority__c'], h.records.Contact!);
    const expected = new Map(TITLES);
    for (const row of rows.values()) expect(row.Seniority__c).toBe(expected.get(row.Title));
    const run = await importRun(h);
    expect(run.Status_Message__c).toMatch(/writes: Collections$/);
    expect(run.Failed__c).toBe(0);
  });
});

describe('e2e: a Bulk-write import in pages smaller than a job', { timeout: 120_000 }, () => {
  let h: LoopHarness;
  let locked: string;

  beforeAll(async () => {
    h = await LoopHarness.create(spec());
    // Pages of 4, three to a job: the twelve records are three pages and one job of each kind. A record of the
    // second page is locked once: its page alone tries it again.
    locked = h.records.Contact![5]!;
    await h.faults({ lockRecords: { ids: [locked], times: 1 } });
    await h.startRuntime({
      bulkThreshold: 1_000_000,
      bulkWrites: {
        threshold: 5,
        pageSize: 4,
        pagesPerJob: 3,
        saver: { minRowsPerJob: 1, job: { pollStartMs: 20, pollMaxMs: 200 } },
      },
    });
  }, 120_000);

  afterAll(async () => {
    await h?.stop();
  });

  it('sends the writes and episodes of all three pages in one update job and one upsert job', async () => {
    const jobs = await ingestJobs(h);
    expect(jobs.filter((j) => j.object === 'Contact' && j.operation === 'update')).toHaveLength(1);
    expect(jobs.filter((j) => j.object === 'Audience_Member__c' && j.operation === 'upsert')).toHaveLength(1);
    const run = await importRun(h);
    expect(run.Status_Message__c).toMatch(/writes: Bulk API 2\.0 ingest, 2 jobs \(.*\), 1 retried/);
    expect(run).toMatchObject({ Processed__c: 12, Failed__c: 0 });
  });

  it('settles every page as a page of its own would: values, ledger and members', async () => {
    const ids = h.records.Contact!;
    const rows = await h.byId<Contact>('Contact', ['Title', 'Seniority__c', 'Audience_Provenance__c'], ids);
    const expected = new Map(TITLES);
    const ledger = await h.loop.ledger.getMany(ids);
    for (const id of ids) {
      expect(rows.get(id)!.Seniority__c).toBe(expected.get(rows.get(id)!.Title));
      expect(rows.get(id)!.Audience_Provenance__c).toContain('Seniority__c');
      expect(Object.keys(ledger.get(id) ?? {})).toContain('Seniority__c');
    }
    expect(h.loop.stats.failures).toEqual([]);
    const audienceId = h.ids.audiences[0]!;
    await waitFor(async () => (await h.activeMembers(audienceId)).size === 6, 10_000, 'six members');
    expect(await h.activeMembers(audienceId)).toEqual(new Set(ids.slice(6)));
  });
});
