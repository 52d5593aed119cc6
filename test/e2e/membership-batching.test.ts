/**
 * Audience episodes are upserted five Collections to a Composite call (1,000 rows per API call), and a locked row
 * inside one of those subrequests is sent again on its own: every episode lands once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoopHarness } from './support/loop-harness';

const COUNT = 1_100;

describe('e2e: membership episodes in Composite batches', () => {
  let h: LoopHarness;

  beforeAll(async () => {
    h = await LoopHarness.create({
      start: false,
      sources: [{ Object__c: 'Contact' }],
      // No field maps: every Composite or Collections call of the run is a membership upsert.
      fieldMaps: [],
      audiences: [
        { Name: 'Everyone with a title', Object__c: 'Contact', Filter__c: '{"field":"Title","op":"is_not_blank"}' },
      ],
      records: {
        Contact: Array.from({ length: COUNT }, (_, i) => ({ LastName: `Person ${i}`, Title: 'Engineer' })),
      },
    });
  }, 120_000);

  afterAll(async () => {
    await h?.stop();
  });

  it('sends 1,100 entries in two calls, and saves every one once even with 10 % of rows locked', async () => {
    await h.faults({ lockRowRate: 0.1 });
    await h.resetCounters();
    await h.startRuntime();
    await h.clearFaults();

    const rows = await h.query<{ Id: string; Record_Id__c: string; Key__c: string }>(
      `SELECT Id, Record_Id__c, Key__c FROM Audience_Member__c WHERE Is_Active__c = true`,
    );
    expect(rows).toHaveLength(COUNT);
    expect(new Set(rows.map((r) => r.Record_Id__c)).size).toBe(COUNT);
    expect(new Set(h.records.Contact)).toEqual(new Set(rows.map((r) => r.Record_Id__c)));

    const counters = await h.counters();
    // 1,000 rows in one Composite (5 × 200) + 100 in one Collections call; then the locked rows again, in as few
    // calls as they need (at most one per attempt). One row per call would have been 1,100 calls.
    const membershipCalls = (counters.byRoute.composite ?? 0) + (counters.byRoute.collections ?? 0);
    expect(counters.byRoute.composite ?? 0).toBeGreaterThanOrEqual(1);
    expect(membershipCalls).toBeGreaterThanOrEqual(3); // locks happened and were retried
    // (+1: the config load reads its objects in one Composite call of GET subrequests.)
    expect(membershipCalls).toBeLessThanOrEqual(2 + 2 * 4 + 1);
  }, 180_000);
});
