/**
 * Audience episodes are upserted five Collections to a Composite call (1,000 rows per API call), and a locked row
 * inside one of those subrequests is sent again on its own: every episode lands once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callBreakdown } from '../../scripts/bench/call-breakdown';
import { LoopHarness } from './support/loop-harness';

const COUNT = 1_100;

describe('e2e: membership episodes in Composite batches', () => {
  let h: LoopHarness;

  // The emulator (in this process) names every counted call here: the membership upserts are told apart from the
  // config read and the import's run bookkeeping, which are Composite and Collections calls too.
  const traceDir = mkdtempSync(join(tmpdir(), 'membership-batching-'));
  const traceFile = join(traceDir, 'calls.jsonl');

  beforeAll(async () => {
    process.env.EMULATOR_TRACE = traceFile;
    h = await LoopHarness.create({
      start: false,
      sources: [{ Object__c: 'Contact' }],
      // No field maps: the run writes no contact, only membership episodes.
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
    delete process.env.EMULATOR_TRACE;
    rmSync(traceDir, { recursive: true, force: true });
  });

  it('sends 1,100 entries in two calls, and saves every one once even with 10 % of rows locked', async () => {
    await h.faults({ lockRowRate: 0.1 });
    await h.resetCounters();
    const from = Date.now();
    await h.startRuntime();
    await h.clearFaults();

    const rows = await h.query<{ Id: string; Record_Id__c: string; Key__c: string }>(
      `SELECT Id, Record_Id__c, Key__c FROM Audience_Member__c WHERE Is_Active__c = true`,
    );
    expect(rows).toHaveLength(COUNT);
    expect(new Set(rows.map((r) => r.Record_Id__c)).size).toBe(COUNT);
    expect(new Set(h.records.Contact)).toEqual(new Set(rows.map((r) => r.Record_Id__c)));

    // 1,000 rows in one Composite (5 × 200) + 100 in one Collections call; then the locked rows again, in as few
    // calls as they need (at most one per attempt). One row per call would have been 1,100 calls.
    const { calls } = callBreakdown(traceFile, { user: h.userIds.integration, from, to: Date.now() });
    const upserts = calls.filter((call) =>
      [call, ...(call.subrequests ?? [])].some((part) => part.types?.includes('Audience_Member__c')),
    );
    expect(upserts.some((call) => call.route === 'composite')).toBe(true);
    expect(upserts.length).toBeGreaterThanOrEqual(3); // locks happened and were retried
    expect(upserts.length).toBeLessThanOrEqual(2 + 2 * 4);
  }, 180_000);
});
