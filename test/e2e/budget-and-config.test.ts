/**
 * Two ways the loop keeps going when part of it cannot: an org near the end of its daily API budget pauses the
 * import visibly (on its Audience_Run__c) and resumes it by itself; a malformed filter or a mapping to a missing
 * field is reported on the config record's Status__c / Status_Message__c while the rest of the configuration flows.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { GOLDEN_TITLES } from './support/golden';
import { LoopHarness, waitFor } from './support/loop-harness';

const title = (i: number) => GOLDEN_TITLES[i % GOLDEN_TITLES.length]!;
const SENIORITY_MAP = {
  Object__c: 'Contact',
  Field__c: 'Seniority__c',
  Attribute__c: 'person.seniority',
  Write_Rule__c: 'Always',
} as const;

type RunRow = { Id: string; Type__c: string; Status__c: string; Status_Message__c: string | null };
type ContactRow = { Id: string; Seniority__c: string | null };

describe('e2e: budget and configuration problems', () => {
  let h: LoopHarness | undefined;

  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it(
    'pauses the import visibly near the end of the daily budget and resumes by itself',
    { timeout: 120_000 },
    async () => {
      h = await LoopHarness.create({
        start: false,
        dailyApiLimit: 10_000,
        sources: [{ Object__c: 'Contact' }],
        fieldMaps: [SENIORITY_MAP],
        records: { Contact: Array.from({ length: 40 }, (_, i) => ({ LastName: `P${i}`, Title: title(i).title })) },
      });
      const harness = h;
      const ids = harness.records.Contact!;
      // 75 % of the day's calls are gone: past API_BUDGET_PAUSE (0.7), short of API_BUDGET_STOP (0.9).
      await harness.faults({ apiUsed: 7_500 });
      const starting = harness.startRuntime({ budgetPollMs: 200 });
      starting.catch(() => undefined);

      const paused = await waitFor(
        async () => {
          const runs = await harness.query<RunRow>(
            "SELECT Id, Type__c, Status__c, Status_Message__c FROM Audience_Run__c WHERE Type__c = 'Import'",
          );
          return runs.find((r) => r.Status__c === 'Paused');
        },
        60_000,
        'the import run to show Paused',
      );
      expect(paused.Status_Message__c).toMatch(/budget/i);
      // Nothing was written while paused.
      const before = await harness.byId<ContactRow>('Contact', ['Seniority__c'], ids);
      expect([...before.values()].every((r) => r.Seniority__c === null)).toBe(true);
      expect(harness.loop.governor.state).toBe('paused');

      // The day's budget is raised (as when the 24-hour window rolls on): the import resumes by itself.
      await harness.faults({ dailyApiLimit: 100_000 });
      await starting;
      const [run] = await harness.query<RunRow>(
        `SELECT Id, Type__c, Status__c, Status_Message__c FROM Audience_Run__c WHERE Id = '${paused.Id}'`,
      );
      expect(run!.Status__c).toBe('Succeeded');
      const after = await harness.byId<ContactRow>('Contact', ['Seniority__c'], ids);
      ids.forEach((id, i) => expect(after.get(id)!.Seniority__c).toBe(title(i).seniority));
    },
  );

  it(
    'reports a malformed filter and a mapping to a missing field on their records; the rest flows',
    { timeout: 120_000 },
    async () => {
      h = await LoopHarness.create({
        sources: [{ Object__c: 'Contact' }],
        fieldMaps: [
          SENIORITY_MAP,
          {
            Object__c: 'Contact',
            Field__c: 'No_Such_Field__c',
            Attribute__c: 'person.department',
            Write_Rule__c: 'Always',
          },
        ],
        audiences: [
          {
            Name: 'Broken',
            Object__c: 'Contact',
            Filter__c: '{"field": "Seniority__c", "op": "is_one_of", "value": 3',
          },
          {
            Name: 'Unknown field',
            Object__c: 'Contact',
            Filter__c: JSON.stringify({ field: 'Nope__c', op: 'eq', value: 'x' }),
          },
          {
            Name: 'C-Level',
            Object__c: 'Contact',
            Filter__c: JSON.stringify({ field: 'Seniority__c', op: 'eq', value: 'C-Level' }),
          },
        ],
        records: { Contact: Array.from({ length: 20 }, (_, i) => ({ LastName: `P${i}`, Title: title(i).title })) },
      });
      const harness = h;
      const status = async (object: string, id: string) =>
        (
          await harness.query<{ Id: string; Status__c: string; Status_Message__c: string | null }>(
            `SELECT Id, Status__c, Status_Message__c FROM ${object} WHERE Id = '${id}'`,
          )
        )[0]!;
      const [goodMap, missingMap] = harness.ids.fieldMaps as [string, string];
      const [broken, unknown, good] = harness.ids.audiences as [string, string, string];

      expect(await status('Audience_Field_Map__c', goodMap)).toMatchObject({
        Status__c: 'OK',
        Status_Message__c: null,
      });
      const missing = await status('Audience_Field_Map__c', missingMap);
      expect(missing.Status__c).toBe('Error');
      expect(missing.Status_Message__c).toMatch(/No_Such_Field__c/);
      for (const id of [broken, unknown]) {
        const row = await status('Audience__c', id);
        expect(row.Status__c, id).toBe('Error');
        expect(row.Status_Message__c, id).toMatch(/filter/i);
      }
      expect((await status('Audience__c', unknown)).Status_Message__c).toMatch(/Nope__c/);
      expect(await status('Audience__c', good)).toMatchObject({ Status__c: 'OK' });
      expect(await status('Audience_Source__c', harness.ids.sources[0]!)).toMatchObject({ Status__c: 'OK' });

      // The rest flows: the good map writes, the good audience fills.
      const ids = harness.records.Contact!;
      const rows = await harness.byId<ContactRow>('Contact', ['Seniority__c'], ids);
      ids.forEach((id, i) => expect(rows.get(id)!.Seniority__c).toBe(title(i).seniority));
      const expected = new Set(ids.filter((_, i) => title(i).seniority === 'C-Level'));
      expect(await harness.activeMembers(good)).toEqual(expected);

      // And a change keeps flowing too.
      const outsider = ids.findIndex((_, i) => title(i).seniority !== 'C-Level');
      await harness.updateRecords('Contact', [{ Id: ids[outsider]!, Title: 'CEO' }], harness.repConn());
      await waitFor(async () => (await harness.activeMembers(good)).has(ids[outsider]!), 60_000, 'the CEO to enter');
    },
  );
});
