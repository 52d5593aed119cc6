/**
 * Above BULK_QUERY_THRESHOLD the initial import reads through Bulk API 2.0 instead of REST paging, and a record
 * imported that way ends exactly as one read through REST: same mirror values (CSV text typed back by describe),
 * same writes under the same rules.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoopHarness, waitFor } from './support/loop-harness';

const TITLES: [string, string][] = [
  ['Chief Executive Officer', 'C-Level'],
  ['VP of Marketing', 'VP'],
  ['Head of Engineering', 'Director'],
  ['Sales Manager', 'Manager'],
  ['Senior Accountant', 'Senior'],
  ['Account Executive', 'Entry'],
];

describe('e2e: initial import through Bulk API 2.0', () => {
  let harness: LoopHarness;

  beforeAll(async () => {
    harness = await LoopHarness.create({
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
      records: {
        Contact: TITLES.map(([title], i) => ({ LastName: `Bulk ${i}`, Title: title, Contact_Score__c: i * 20 })),
      },
      start: false,
    });
    await harness.startRuntime({ bulkThreshold: 3 });
  });

  afterAll(async () => {
    await harness?.stop();
  });

  it('reads the source through Bulk 2.0 and writes what the rules demand', async () => {
    const counters = await harness.counters();
    expect((counters as unknown as { byRoute: Record<string, number> }).byRoute.bulk2 ?? 0).toBeGreaterThan(0);
    const rows = await harness.query<{ Id: string; Title: string; Seniority__c: string | null }>(
      'SELECT Title, Seniority__c FROM Contact',
    );
    const expected = new Map(TITLES);
    expect(rows).toHaveLength(TITLES.length);
    for (const row of rows) expect(row.Seniority__c).toBe(expected.get(row.Title));
  });

  it('types the CSV values back, so number filters work on Bulk-imported records', async () => {
    const audienceId = harness.ids.audiences[0]!;
    // Scores 0, 20, 40, 60, 80, 100: the last three are members, which only works if "60" came back as 60.
    const expected = new Set(harness.records.Contact!.slice(3));
    await waitFor(async () => (await harness.activeMembers(audienceId)).size === 3, 10_000, 'three members');
    expect(await harness.activeMembers(audienceId)).toEqual(expected);
    const mirrored = await harness.loop.mirror.get('Contact', harness.records.Contact![1]!);
    expect(mirrored?.fields.Contact_Score__c).toBe(20);
  });
});
