/**
 * The loop end to end over the emulator and Redis: the initial import writes every mapped field exactly as its rule
 * demands (expected values from the golden CSVs), a rep's title change reaches Seniority__c and moves the record in
 * and out of the audience, our own write-back causes no further work, and a second run over unchanged data writes
 * nothing at all.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GOLDEN_EMAILS, GOLDEN_TITLES, type GoldenTitle } from './support/golden';
import { LoopHarness, waitFor } from './support/loop-harness';

const SENIOR = ['C-Level', 'VP', 'Director'];

/** Emails Salesforce accepts in an Email field (it refuses the malformed ones before we could classify them). */
const STORABLE_EMAILS = GOLDEN_EMAILS.filter((e) => e.email_status !== 'invalid');

interface ContactCase {
  title: GoldenTitle;
  email: (typeof STORABLE_EMAILS)[number];
  presetDepartment?: string;
  presetSeniority?: string;
  phone?: string;
}

// Every golden title once; every storable golden email at least once; every fourth with a Department a person set
// (Fill_Blank keeps it), every seventh with a Seniority__c we never wrote (Tracked leaves it), a few with a phone
// (mapped Never).
const CASES: ContactCase[] = GOLDEN_TITLES.map((title, i) => ({
  title,
  email: STORABLE_EMAILS[i % STORABLE_EMAILS.length]!,
  presetDepartment: i % 4 === 1 ? 'Set by a person' : undefined,
  presetSeniority: i % 7 === 3 ? 'Entry' : undefined,
  phone: i % 5 === 0 ? '(415) 555-01' + String(10 + i).padStart(2, '0') : undefined,
}));

type ContactRow = {
  Id: string;
  Title: string | null;
  Email: string | null;
  Phone: string | null;
  Department: string | null;
  Seniority__c: string | null;
  Email_Status__c: string | null;
  SystemModstamp: string;
};
const FIELDS = ['Title', 'Email', 'Phone', 'Department', 'Seniority__c', 'Email_Status__c', 'SystemModstamp'];

describe('e2e: import, rep changes, echoes and write rules', { timeout: 120_000 }, () => {
  let h: LoopHarness;
  let ids: string[];
  let outsideId: string;
  let audienceId: string;

  beforeAll(async () => {
    h = await LoopHarness.create({
      sources: [{ Object__c: 'Contact', Inclusion_Filter__c: JSON.stringify({ field: 'Email', op: 'is_not_blank' }) }],
      fieldMaps: [
        { Object__c: 'Contact', Field__c: 'Seniority__c', Attribute__c: 'person.seniority', Write_Rule__c: 'Tracked' },
        {
          Object__c: 'Contact',
          Field__c: 'Department',
          Attribute__c: 'person.department',
          Write_Rule__c: 'Fill_Blank',
        },
        {
          Object__c: 'Contact',
          Field__c: 'Email_Status__c',
          Attribute__c: 'person.email_status',
          Write_Rule__c: 'Always',
        },
        { Object__c: 'Contact', Field__c: 'Phone', Attribute__c: 'person.phone_e164', Write_Rule__c: 'Never' },
        { Object__c: 'Contact', Field__c: 'Title', Attribute__c: null, Write_Rule__c: 'Never', Import__c: true },
      ],
      audiences: [
        {
          Name: 'Senior',
          Object__c: 'Contact',
          Filter__c: JSON.stringify({ field: 'Seniority__c', op: 'in', value: SENIOR }),
        },
      ],
      records: {
        Contact: [
          ...CASES.map((c, i) => ({
            LastName: `Golden ${i}`,
            Title: c.title.title,
            Email: c.email.email.trim(),
            Phone: c.phone ?? null,
            Department: c.presetDepartment ?? null,
            Seniority__c: c.presetSeniority ?? null,
          })),
          // Outside the source (no email): the loop must not touch it.
          { LastName: 'No email', Title: 'CEO', Department: null },
        ],
      },
    });
    ids = h.records.Contact!.slice(0, CASES.length);
    outsideId = h.records.Contact!.at(-1)!;
    audienceId = h.ids.audiences[0]!;
  }, 120_000);

  afterAll(async () => {
    await h?.stop();
  });

  it('writes every mapped field of the initial import exactly as its rule demands', async () => {
    const rows = await h.byId<ContactRow>('Contact', FIELDS, [...ids, outsideId]);
    CASES.forEach((c, i) => {
      const row = rows.get(ids[i]!)!;
      const where = `${c.title.title} / ${c.email.email}`;
      // Tracked: a value we never wrote stays; a blank one gets the golden seniority.
      expect(row.Seniority__c, where).toBe(c.presetSeniority ?? c.title.seniority);
      // Fill_Blank: never overwrites.
      expect(row.Department, where).toBe(c.presetDepartment ?? c.title.department);
      // Always.
      expect(row.Email_Status__c, where).toBe(c.email.email_status);
      // Never: the phone stays as the person typed it; the read-only Title too.
      expect(row.Phone, where).toBe(c.phone ?? null);
      expect(row.Title, where).toBe(c.title.title);
    });
    const outside = rows.get(outsideId)!;
    expect(outside.Seniority__c).toBeNull();
    expect(outside.Department).toBeNull();
    expect(outside.Email_Status__c).toBeNull();
  });

  it('puts exactly the matching records in the audience', async () => {
    const expected = new Set(
      CASES.flatMap((c, i) => (SENIOR.includes(c.presetSeniority ?? c.title.seniority) ? [ids[i]!] : [])),
    );
    expect(await h.activeMembers(audienceId)).toEqual(expected);
    const audience = await h.query<{ Id: string; Member_Count__c: number }>(
      `SELECT Id, Member_Count__c FROM Audience__c WHERE Id = '${audienceId}'`,
    );
    await waitFor(
      async () => {
        const [row] = await h.query<{ Id: string; Member_Count__c: number }>(
          `SELECT Id, Member_Count__c FROM Audience__c WHERE Id = '${audienceId}'`,
        );
        return row?.Member_Count__c === expected.size;
      },
      60_000,
      `Member_Count__c = ${expected.size} (was ${audience[0]?.Member_Count__c})`,
    );
  });

  it('makes zero write calls on a second run over unchanged data', async () => {
    const before = await h.byId<ContactRow>('Contact', FIELDS, ids);
    await h.stopRuntime();
    // Forget only that the import finished, so the restarted loop reads the whole source again.
    await h.redis.del(`${h.prefix}:import:${h.ids.sources[0]}`);
    await h.resetCounters();
    const runtime = await h.startRuntime();
    expect(runtime.stats.imported).toBe(CASES.length);
    expect(runtime.writer.stats.recordsSent).toBe(0);
    const counters = await h.counters();
    expect(counters.byRoute.collections ?? 0).toBe(0);
    // Three Composite calls, none writing a record of the source: the config load's read (five queries and the
    // describes), the import's run record created with its first page, its final status with the source's stamp.
    expect(counters.byRoute.composite ?? 0).toBe(3);
    const after = await h.byId<ContactRow>('Contact', FIELDS, ids);
    for (const id of ids) expect(after.get(id)!.SystemModstamp).toBe(before.get(id)!.SystemModstamp);
  });

  it("carries a rep's title change to Seniority__c, in and out of the audience, without echo work", async () => {
    // A contact that starts outside the audience (Entry, written by us): Tracked lets us overwrite our own value.
    const index = CASES.findIndex((c) => c.title.seniority === 'Entry' && !c.presetSeniority);
    const id = ids[index]!;
    const vp = GOLDEN_TITLES.find((t) => t.seniority === 'VP')!;
    const entry = GOLDEN_TITLES.find((t) => t.seniority === 'Entry' && t.title !== CASES[index]!.title.title)!;
    const rep = h.repConn();
    const loop = h.loop;
    const jobsBefore = loop.stats.processed;
    const echoesBefore = loop.stats.echoesDropped;
    const writesBefore = loop.writer.stats.recordsSent;

    await h.updateRecords('Contact', [{ Id: id, Title: vp.title }], rep);
    await waitFor(
      async () => (await h.byId<ContactRow>('Contact', FIELDS, [id])).get(id)?.Seniority__c === vp.seniority,
      60_000,
      'Seniority__c to follow the new title',
    );
    await waitFor(async () => (await h.activeMembers(audienceId)).has(id), 60_000, 'audience entry');
    // The echo of our write arrives and is dropped: no second job, no second write.
    await waitFor(() => loop.stats.echoesDropped > echoesBefore, 60_000, 'the echo of our write');
    await loop.drain();
    expect(loop.stats.processed - jobsBefore).toBe(1);
    expect(loop.writer.stats.recordsSent - writesBefore).toBe(1);

    await h.updateRecords('Contact', [{ Id: id, Title: entry.title }], rep);
    await waitFor(async () => !(await h.activeMembers(audienceId)).has(id), 60_000, 'audience exit');
    const row = (await h.byId<ContactRow>('Contact', FIELDS, [id])).get(id)!;
    expect(row.Seniority__c).toBe('Entry');
    await waitFor(() => loop.stats.echoesDropped > echoesBefore + 1, 60_000, 'the second echo');
    await loop.drain();
    expect(loop.stats.processed - jobsBefore).toBe(2);
    expect(loop.writer.stats.recordsSent - writesBefore).toBe(2);
    // One episode opened and closed.
    const episodes = await h.query<{ Id: string; Is_Active__c: boolean; Exited_At__c: string | null }>(
      `SELECT Id, Is_Active__c, Exited_At__c FROM Audience_Member__c WHERE Record_Id__c = '${id}'`,
    );
    expect(episodes).toHaveLength(1);
    expect(episodes[0]!.Is_Active__c).toBe(false);
    expect(episodes[0]!.Exited_At__c).not.toBeNull();
  });

  it('leaves a value a rep set on a Tracked field alone, and never overwrites a Fill_Blank one', async () => {
    const index = CASES.findIndex((c) => c.title.seniority === 'Manager' && !c.presetSeniority && !c.presetDepartment);
    const id = ids[index]!;
    const rep = h.repConn();
    const loop = h.loop;
    const writesBefore = loop.writer.stats.recordsSent;
    // The rep overrides our Seniority__c and Department, then changes the title.
    await h.updateRecords('Contact', [{ Id: id, Seniority__c: 'Senior', Department: 'Hand-picked' }], rep);
    const processed = loop.stats.processed;
    await h.updateRecords('Contact', [{ Id: id, Title: 'Chief Executive Officer' }], rep);
    await waitFor(() => loop.stats.processed > processed, 60_000, 'the title change to be processed');
    await loop.drain();
    const row = (await h.byId<ContactRow>('Contact', FIELDS, [id])).get(id)!;
    expect(row.Seniority__c).toBe('Senior');
    expect(row.Department).toBe('Hand-picked');
    expect(loop.writer.stats.recordsSent).toBe(writesBefore);
  });

  it('lets a record that stops matching its source leave its audiences', async () => {
    const index = CASES.findIndex((c) => c.title.seniority === 'C-Level' && !c.presetSeniority);
    const id = ids[index]!;
    expect((await h.activeMembers(audienceId)).has(id)).toBe(true);
    await h.updateRecords('Contact', [{ Id: id, Email: null }], h.repConn());
    await waitFor(async () => !(await h.activeMembers(audienceId)).has(id), 60_000, 'exit after leaving the source');
    expect(await h.loop.mirror.get('Contact', id)).toBeUndefined();
  });

  it('lets a deleted record leave its audiences', async () => {
    const index = CASES.findIndex((c, i) => c.title.seniority === 'VP' && !c.presetSeniority && i > 0);
    const id = ids[index]!;
    expect((await h.activeMembers(audienceId)).has(id)).toBe(true);
    await h.repConn().sobject('Contact').destroy(id);
    await waitFor(async () => !(await h.activeMembers(audienceId)).has(id), 60_000, 'exit after the delete');
  });
});
