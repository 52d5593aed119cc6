/**
 * A rep's Undo from the record card, end to end over the emulator and a real Redis: the loop writes Seniority__c
 * (Tracked) with the value before its write kept in the provenance; the rep's one update (as
 * AudienceStatusController.undoField makes it, in user mode) restores that value — blank here — and marks the entry
 * `undoneBy`/`undoneAt`; the loop then records the undo in its ledger and leaves the field alone, on the change
 * event and on a later ENRICH_RECORD, although Tracked would fill a blank field. A second Contact the rep blanks
 * without the marks is filled again: the marks, not the blank, make the difference. The ENRICH_RECORD's final
 * status event (what the card waits for) is the gate.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineFor } from '../emulators/salesforce/streaming/streaming-engine';
import { LoopHarness, waitFor } from './support/loop-harness';

type ContactRow = { Id: string; Seniority__c: string | null; Audience_Provenance__c: string | null };

let h: LoopHarness;
let ada = '';
let alan = '';
const statusEvents: Record<string, unknown>[] = [];

async function contact(id: string): Promise<ContactRow> {
  const row = (await h.byId<ContactRow>('Contact', ['Seniority__c', 'Audience_Provenance__c'], [id])).get(id);
  if (!row) throw new Error(`contact ${id} not found`);
  return row;
}

function provenanceOf(row: ContactRow): Record<string, Record<string, unknown>> {
  return JSON.parse(row.Audience_Provenance__c ?? '{}') as Record<string, Record<string, unknown>>;
}

beforeAll(async () => {
  h = await LoopHarness.create({
    start: false,
    sources: [{ Object__c: 'Contact' }],
    fieldMaps: [
      { Object__c: 'Contact', Field__c: 'Seniority__c', Attribute__c: 'person.seniority', Write_Rule__c: 'Tracked' },
    ],
    records: {
      Contact: [
        { FirstName: 'Ada', LastName: 'Byron', Title: 'VP of Sales' },
        { FirstName: 'Alan', LastName: 'Turing', Title: 'Chief Technology Officer' },
      ],
    },
  });
  [ada, alan] = h.records.Contact as [string, string];
  const org = h.emulator.org;
  const publish = org.publishPlatformEvent.bind(org);
  org.publishPlatformEvent = (name, fields, userId) => {
    if (name === 'Audience_Status__e') statusEvents.push(fields);
    return publish(name, fields, userId);
  };
  await h.startRuntime();
  await h.settle();
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('a rep undoes a value the loop wrote', { timeout: 90_000 }, () => {
  it('the write keeps the value before it in the provenance', async () => {
    const row = await contact(ada);
    expect(row.Seniority__c).toBe('VP');
    expect(provenanceOf(row).Seniority__c).toMatchObject({ value: 'VP', rule: 'Tracked', previous: null });
  });

  it('after the undo the loop records it in the ledger and leaves the field blank, on the change and on Enrich now', async () => {
    const repId = h.userIds.rep;
    const undoneAt = new Date().toISOString();
    const before = await contact(ada);
    const entries = provenanceOf(before);
    entries.Seniority__c = { ...entries.Seniority__c, undoneBy: repId, undoneAt };

    // The Apex's one user-mode update: the previous value (blank) and the marked entry together, as the rep.
    await h.updateRecords(
      'Contact',
      [{ Id: ada, Seniority__c: null, Audience_Provenance__c: JSON.stringify(entries) }],
      h.repConn(),
    );
    // The control: the same blank, without the marks.
    await h.updateRecords('Contact', [{ Id: alan, Seniority__c: null }], h.repConn());
    await h.settle();

    expect((await contact(alan)).Seniority__c).toBe('C-Level');
    const undone = await contact(ada);
    expect(undone.Seniority__c).toBeNull();
    expect(provenanceOf(undone).Seniority__c).toMatchObject({ value: 'VP', undoneBy: repId, undoneAt });
    expect((await h.loop.ledger.get(ada)).Seniority__c).toEqual({
      value: 'VP',
      writtenAt: entries.Seniority__c?.writtenAt,
      undoneBy: repId,
      undoneAt,
    });

    // Enrich now, as the rep's card sends it; its final status for this record is the gate.
    const notOursBefore = h.loop.stats.skipsByReason.not_ours ?? 0;
    const result = await h.repConn().sobject('Audience_Record_Request__e').create({
      Request__c: 'ENRICH_RECORD',
      Record_Id__c: ada,
      Object__c: 'Contact',
    });
    expect(result.success).toBe(true);
    const done = await waitFor(
      () => statusEvents.find((e) => e.Record_Id__c === ada && (e.Stage__c === 'done' || e.Stage__c === 'failed')),
      30_000,
      'the final status of the ENRICH_RECORD',
    );
    expect(done).toMatchObject({ Stage__c: 'done', Progress__c: 100 });
    await h.settle();

    expect(h.loop.stats.skipsByReason.not_ours ?? 0).toBeGreaterThan(notOursBefore);
    const after = await contact(ada);
    expect(after.Seniority__c).toBeNull();
    // The marks are never removed by the loop.
    expect(provenanceOf(after).Seniority__c).toMatchObject({ undoneBy: repId, undoneAt });
    expect(engineFor(h.emulator.context).bus.eventsAfter('/event/Audience_Record_Request__e', -2).length).toBe(1);
  });
});
