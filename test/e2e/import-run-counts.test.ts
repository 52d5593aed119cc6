/**
 * An import's run record counts the import's own records only. While a RUN_IMPORT is held at its first query
 * (a gate the test controls), a rep's edit goes through the intake and adds skips to the loop's totals; the
 * import's `Skips_By_Reason__c` must still be exactly its own (one `rule` skip per contact: Seniority__c is mapped
 * with the rule Never). Counting the loop's totals before and after the import, as it once did, gets one more.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoopHarness, waitFor } from './support/loop-harness';

type RunRow = Record<string, unknown> & { Id: string; Status__c: string; Skips_By_Reason__c: string | null };

const CONTACTS = 6;
let h: LoopHarness;
let holdQueries = false;
let held: (() => void) | undefined;
let release: () => void = () => undefined;

async function importRuns(): Promise<RunRow[]> {
  return h.query<RunRow>(
    "SELECT Id, Status__c, Skips_By_Reason__c, Processed__c FROM Audience_Run__c WHERE Type__c = 'Import' ORDER BY CreatedDate",
  );
}

beforeAll(async () => {
  h = await LoopHarness.create({
    start: false,
    sources: [{ Object__c: 'Contact', Inclusion_Filter__c: null }],
    fieldMaps: [
      { Object__c: 'Contact', Field__c: 'Seniority__c', Attribute__c: 'person.seniority', Write_Rule__c: 'Never' },
    ],
    records: {
      Contact: Array.from({ length: CONTACTS }, (_, i) => ({ LastName: `Person ${i}`, Title: 'VP Sales' })),
    },
  });
  await h.startRuntime({}, (loop) => {
    // The import reads its first page through `firstPage`; the intake re-reads through `query`, never held.
    const org = loop.deps.org;
    const firstPage = org.firstPage.bind(org);
    org.firstPage = (async (...args: Parameters<typeof firstPage>) => {
      if (holdQueries) {
        await new Promise<void>((resolve) => {
          release = resolve;
          held?.();
        });
      }
      return firstPage(...args);
    }) as typeof firstPage;
  });
}, 90_000);

afterAll(async () => {
  release();
  await h?.stop();
});

describe('import run records', { timeout: 90_000 }, () => {
  it("count the import's own skips, not the intake's meanwhile", async () => {
    const [first] = await importRuns();
    expect(JSON.parse(first?.Skips_By_Reason__c ?? '{}')).toEqual({ rule: CONTACTS });

    holdQueries = true;
    const reached = new Promise<void>((resolve) => (held = resolve));
    const command = h.loop.handleCommand({
      command: 'RUN_IMPORT',
      targetId: h.ids.sources[0],
      source: 'Audience_Command__e',
      requestedBy: h.userIds.admin,
    });
    await reached;
    // The import is waiting for its first page: a rep's edit goes through the intake meanwhile.
    const skipsBefore = h.loop.stats.skipsByReason.rule ?? 0;
    const contactId = h.records.Contact?.[0] as string;
    await h.updateRecords('Contact', [{ Id: contactId, Title: 'Chief Revenue Officer' }], h.repConn());
    await waitFor(() => (h.loop.stats.skipsByReason.rule ?? 0) > skipsBefore, 30_000, 'the edit to be planned');
    holdQueries = false;
    release();
    await command;

    const second = await waitFor(
      async () => (await importRuns()).slice(1).find((r) => r.Status__c === 'Succeeded'),
      60_000,
      'the second import to finish',
    );
    expect(JSON.parse(second.Skips_By_Reason__c ?? '{}')).toEqual({ rule: CONTACTS });
  });
});
