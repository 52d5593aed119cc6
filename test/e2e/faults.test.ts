/**
 * The loop under an unreliable org: 10 % of record writes fail with UNABLE_TO_LOCK_ROW and every session expires in
 * the middle of the run. Every record must end right, the failed writes must be retried, and no field may be written
 * twice with different values.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RecordUpdate } from '../../server/src/salesforce/writers/write-types';
import { GOLDEN_EMAILS, GOLDEN_TITLES } from './support/golden';
import { LoopHarness, waitFor } from './support/loop-harness';

const COUNT = 200;
const SENIOR = ['C-Level', 'VP', 'Director'];
const EMAILS = GOLDEN_EMAILS.filter((e) => e.email_status !== 'invalid');
const title = (i: number) => GOLDEN_TITLES[i % GOLDEN_TITLES.length]!;
const email = (i: number) => EMAILS[i % EMAILS.length]!;

type ContactRow = { Id: string; Seniority__c: string | null; Email_Status__c: string | null };

describe('e2e: lock errors and an expired session in the middle of the run', () => {
  let h: LoopHarness;
  let ids: string[];
  const sent = new Map<string, Set<string>>();

  beforeAll(async () => {
    h = await LoopHarness.create({
      start: false,
      sources: [{ Object__c: 'Contact' }],
      fieldMaps: [
        { Object__c: 'Contact', Field__c: 'Seniority__c', Attribute__c: 'person.seniority', Write_Rule__c: 'Tracked' },
        {
          Object__c: 'Contact',
          Field__c: 'Email_Status__c',
          Attribute__c: 'person.email_status',
          Write_Rule__c: 'Always',
        },
      ],
      audiences: [
        {
          Name: 'Senior',
          Object__c: 'Contact',
          Filter__c: JSON.stringify({ field: 'Seniority__c', op: 'in', value: SENIOR }),
        },
      ],
      records: {
        Contact: Array.from({ length: COUNT }, (_, i) => ({
          LastName: `Person ${i}`,
          Title: title(i).title,
          Email: email(i).email.trim(),
        })),
      },
    });
    ids = h.records.Contact!;
  }, 120_000);

  afterAll(async () => {
    await h?.stop();
  });

  it(
    'ends every record right, retries the failures and never writes a field two ways',
    { timeout: 120_000 },
    async () => {
      await h.faults({ lockRowRate: 0.1 });
      await h.resetCounters();
      const starting = h.startRuntime({}, (runtime) => {
        // Every value the loop sends, per record and field, to prove none is sent two different ways.
        const write = runtime.writer.write.bind(runtime.writer);
        runtime.writer.write = (update: RecordUpdate) => {
          for (const [field, value] of Object.entries(update.fields)) {
            if (field === 'Audience_Provenance__c' || field === 'Audience_Last_Enriched_At__c') continue;
            const key = `${update.id}.${field}`;
            sent.set(key, (sent.get(key) ?? new Set()).add(JSON.stringify(value)));
          }
          return write(update);
        };
      });
      // Mid-run: once the first record writes went out, every session of the org expires.
      await waitFor(async () => ((await h.counters()).byRoute.collections ?? 0) > 0, 60_000, 'the first write');
      expect(await h.expireSessions()).toBeGreaterThan(0);
      await starting;
      const loop = h.loop;

      const rows = await waitFor(
        async () => {
          const found = await h.byId<ContactRow>('Contact', ['Seniority__c', 'Email_Status__c'], ids);
          const right = ids.every(
            (id, i) =>
              found.get(id)?.Seniority__c === title(i).seniority &&
              found.get(id)?.Email_Status__c === email(i).email_status,
          );
          return right ? found : undefined;
        },
        60_000,
        'every record to end right',
      );
      expect(rows.size).toBe(COUNT);
      // The lock errors happened and were retried.
      expect(loop.writer.stats.retries).toBeGreaterThan(0);
      for (const [key, values] of sent) expect([key, [...values]]).toEqual([key, [expect.any(String)]]);

      await h.clearFaults();
      const expected = new Set(ids.filter((_, i) => SENIOR.includes(title(i).seniority)));
      await waitFor(
        async () => {
          const members = await h.activeMembers(h.ids.audiences[0]!);
          return members.size === expected.size && [...expected].every((id) => members.has(id));
        },
        60_000,
        `the audience to hold the ${expected.size} senior contacts`,
      );
      // One episode per member: a retried upsert never opens a second one.
      const episodes = await h.query<{ Id: string; Record_Id__c: string }>(
        `SELECT Id, Record_Id__c FROM Audience_Member__c WHERE Audience__c = '${h.ids.audiences[0]}'`,
      );
      expect(episodes).toHaveLength(expected.size);
    },
  );
});
