/**
 * An import's run record costs two calls, and counts the import's own records only. Created in the call that reads
 * the first page and finished in one request with the source's sync stamp; with the progress interval at 0 the
 * progress of a one-page import is still not written on its own (the finish follows at once with the same counts).
 * The run record counts the import's own records only. While a RUN_IMPORT is held at its first query
 * (a gate the test controls), a rep's edit goes through the intake and adds skips to the loop's totals; the
 * import's `Skips_By_Reason__c` must still be exactly its own (one `rule` skip per contact: Seniority__c is mapped
 * with the rule Never). Counting the loop's totals before and after the import, as it once did, gets one more.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callBreakdown, formatBreakdown } from '../../scripts/bench/call-breakdown';
import type { TracedCall } from '../emulators/salesforce/rest/request-trace';
import { LoopHarness, waitFor } from './support/loop-harness';

type RunRow = Record<string, unknown> & { Id: string; Status__c: string; Skips_By_Reason__c: string | null };

const CONTACTS = 6;
let h: LoopHarness;
let holdQueries = false;
let held: (() => void) | undefined;
let release: () => void = () => undefined;
// The emulator (in this process) names every counted call here.
const traceDir = mkdtempSync(join(tmpdir(), 'import-run-counts-'));
const traceFile = join(traceDir, 'calls.jsonl');

/** Whether a call (or one of its Composite subrequests) wrote or read an Audience_Run__c. */
function touchesRuns(call: TracedCall): boolean {
  return [call, ...(call.subrequests ?? [])].some(
    (part) => part.path.includes('Audience_Run__c') || (part.types ?? []).includes('Audience_Run__c'),
  );
}

async function importRuns(): Promise<RunRow[]> {
  return h.query<RunRow>(
    "SELECT Id, Status__c, Skips_By_Reason__c, Processed__c FROM Audience_Run__c WHERE Type__c = 'Import' ORDER BY CreatedDate",
  );
}

beforeAll(async () => {
  process.env.EMULATOR_TRACE = traceFile;
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
  // Progress at every page: a one-page import would write it just before its finish if nothing prevented it.
  await h.startRuntime({ importProgressMs: 0 }, (loop) => {
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
  delete process.env.EMULATOR_TRACE;
  rmSync(traceDir, { recursive: true, force: true });
});

describe('import run records', { timeout: 90_000 }, () => {
  it('cost two calls: created with the first page, finished with the source stamp', async () => {
    const from = Date.now();
    const before = (await importRuns()).length;
    await h.loop.handleCommand({
      command: 'RUN_IMPORT',
      targetId: h.ids.sources[0],
      source: 'Audience_Command__e',
      requestedBy: h.userIds.admin,
    });
    const run = await waitFor(
      async () => (await importRuns()).slice(before).find((r) => r.Status__c === 'Succeeded'),
      60_000,
      'the import to finish',
    );
    expect(JSON.parse(run.Skips_By_Reason__c ?? '{}')).toEqual({ rule: CONTACTS });

    const runCalls = callBreakdown(traceFile, {
      user: h.userIds.integration,
      from,
      to: Date.now(),
      isSecond: touchesRuns,
    }).second;
    expect(formatBreakdown(runCalls)).toBe(
      '1 × composite [POST sobjects/Audience_Run__c + query Contact]; ' +
        '1 × composite [collections update Audience_Run__c + collections update Audience_Source__c]',
    );
  });

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
