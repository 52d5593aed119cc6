/**
 * Downtime: while the server is stopped a rep edits 500 records; on restart the stream replays them from the
 * stored replay id and each is processed once. When the stored replay id has expired meanwhile, reconciliation
 * finds every change and every deletion.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MirrorRecord, RecordObject } from '../../server/src/domain/mirror-record';
import type { Loop } from '../../server/src/runtime/compose';
import { GOLDEN_TITLES } from './support/golden';
import { LoopHarness, waitFor } from './support/loop-harness';

const COUNT = 500;
const SENIOR = ['C-Level', 'VP', 'Director'];
const title = (i: number) => GOLDEN_TITLES[i % GOLDEN_TITLES.length]!;

type ContactRow = { Id: string; Title: string | null; Seniority__c: string | null };

/** Counts how often each record goes through the refresher (the per-record work of the loop). */
function countProcessing(runtime: Loop, counts: Map<string, number>): void {
  const refresher = runtime.refresher;
  const original = refresher.refresh.bind(refresher);
  refresher.refresh = (object: RecordObject, records: MirrorRecord[]) => {
    for (const r of records) counts.set(r.id, (counts.get(r.id) ?? 0) + 1);
    return original(object, records);
  };
}

describe('e2e: downtime, restart and reconciliation', () => {
  let h: LoopHarness;
  let ids: string[];
  let audienceId: string;

  const seniorityOf = async (only?: string[]) => {
    const rows = await h.byId<ContactRow>('Contact', ['Title', 'Seniority__c'], only ?? ids);
    return rows;
  };

  beforeAll(async () => {
    h = await LoopHarness.create({
      sources: [{ Object__c: 'Contact', Inclusion_Filter__c: null }],
      fieldMaps: [
        { Object__c: 'Contact', Field__c: 'Seniority__c', Attribute__c: 'person.seniority', Write_Rule__c: 'Always' },
        { Object__c: 'Contact', Field__c: 'Title', Attribute__c: null, Write_Rule__c: 'Never' },
      ],
      audiences: [
        {
          Name: 'Senior',
          Object__c: 'Contact',
          Filter__c: JSON.stringify({ field: 'Seniority__c', op: 'in', value: SENIOR }),
        },
      ],
      streaming: { retentionMs: 10 * 60_000 },
      records: {
        Contact: Array.from({ length: COUNT }, (_, i) => ({ LastName: `Person ${i}`, Title: title(i).title })),
      },
    });
    ids = h.records.Contact!;
    audienceId = h.ids.audiences[0]!;
  }, 120_000);

  afterAll(async () => {
    await h?.stop();
  });

  it('imports every record', async () => {
    const rows = await seniorityOf();
    ids.forEach((id, i) => expect(rows.get(id)!.Seniority__c).toBe(title(i).seniority));
  });

  it('processes 500 edits made while stopped, each once, after a restart', { timeout: 120_000 }, async () => {
    // Everything the first run caused (its echoes) has been taken, so the stored replay id is current.
    await h.settle();
    await h.stopRuntime();

    const edits = ids.map((id, i) => ({ Id: id, Title: title(i + 7).title }));
    await h.updateRecords('Contact', edits, h.repConn());

    const counts = new Map<string, number>();
    const started = Date.now();
    await h.startRuntime({}, (runtime) => countProcessing(runtime, counts));
    const loop = h.loop;
    await waitFor(
      async () => {
        const rows = await seniorityOf();
        return ids.every((id, i) => rows.get(id)!.Seniority__c === title(i + 7).seniority);
      },
      60_000,
      'every edit to reach Seniority__c',
    );
    await loop.drain();
    // The seniority changed for records whose new title is in another class: those are written, once each.
    const changed = ids.filter((_, i) => title(i).seniority !== title(i + 7).seniority);
    expect(changed.length).toBeGreaterThan(100);
    // Every edited record went through the refresher exactly once (a debounced burst; no replay handled twice).
    const histogram: Record<number, number> = {};
    for (const id of ids) histogram[counts.get(id) ?? 0] = (histogram[counts.get(id) ?? 0] ?? 0) + 1;
    expect({ histogram, ms: Date.now() - started }).toEqual({ histogram: { 1: COUNT }, ms: expect.any(Number) });
    expect(loop.writer.stats.recordsSent).toBe(changed.length);
    const expectedMembers = new Set(ids.filter((_, i) => SENIOR.includes(title(i + 7).seniority)));
    expect(await h.activeMembers(audienceId)).toEqual(expectedMembers);
  });

  it('catches up after a stop that came before any replay id was stored', { timeout: 120_000 }, async () => {
    await h.settle();
    await h.stopRuntime();
    // As after a first run stopped before the stream took any event: no replay id in Redis, the import done.
    expect(await h.redis.del(`${h.prefix}:replay:/data/Audience_Loop__chn`)).toBe(1);
    const touched = ids.slice(300, 350);
    await h.updateRecords(
      'Contact',
      touched.map((id, i) => ({ Id: id, Title: title(i + 3).title })),
      h.repConn(),
    );
    await h.startRuntime();
    await waitFor(
      async () => {
        const rows = await seniorityOf(touched);
        return touched.every((id, i) => rows.get(id)?.Seniority__c === title(i + 3).seniority);
      },
      60_000,
      'the edits made while no replay id was stored',
    );
    // Put the titles back as the previous test left them, so the next test's expectations stay simple.
    await h.updateRecords(
      'Contact',
      touched.map((id) => ({ Id: id, Title: title(ids.indexOf(id) + 7).title })),
      h.repConn(),
    );
    await waitFor(
      async () => {
        const rows = await seniorityOf(touched);
        return touched.every((id) => rows.get(id)?.Seniority__c === title(ids.indexOf(id) + 7).seniority);
      },
      60_000,
      'the titles to be put back',
    );
  });

  it('reconciles every change and deletion when the stored replay id has expired', { timeout: 120_000 }, async () => {
    await h.settle();
    await h.stopRuntime();

    const rep = h.repConn();
    // 100 title changes, 25 deletions (of members and non-members), 10 new contacts.
    const changedIds = ids.slice(0, 100);
    await h.updateRecords(
      'Contact',
      changedIds.map((id, i) => ({ Id: id, Title: title(i + 20).title })),
      rep,
    );
    const deleted = ids.slice(200, 225);
    const deletedMembers = deleted.filter((_, k) => SENIOR.includes(title(200 + k + 7).seniority));
    expect(deletedMembers.length).toBeGreaterThan(0);
    for (const id of deleted) await rep.sobject('Contact').destroy(id);
    const added = await h.createRecords(
      'Contact',
      Array.from({ length: 10 }, (_, i) => ({ LastName: `New ${i}`, Title: title(i).title })),
      rep,
    );
    // The org's clock moves past the event retention: the stored replay id is now invalid.
    await h.control('POST', '/clock/advance', { minutes: 20 });

    await h.startRuntime();
    // The refused replay id starts a reconciliation in the background: wait for its outcome in the org.
    await waitFor(
      async () => {
        const rows = await seniorityOf([...changedIds, ...added]);
        return (
          changedIds.every((id, i) => rows.get(id)?.Seniority__c === title(i + 20).seniority) &&
          added.every((id, i) => rows.get(id)?.Seniority__c === title(i).seniority)
        );
      },
      60_000,
      'reconciliation to write every change made while the replay id expired',
    );
    await h.loop.drain();

    const expected = new Set<string>();
    ids.forEach((id, i) => {
      if (deleted.includes(id)) return;
      const t = i < 100 ? title(i + 20) : title(i + 7);
      if (SENIOR.includes(t.seniority)) expected.add(id);
    });
    added.forEach((id, i) => SENIOR.includes(title(i).seniority) && expected.add(id));
    const members = await waitFor(
      async () => {
        const m = await h.activeMembers(audienceId);
        const missing = [...expected].filter((id) => !m.has(id)).map((id) => [ids.indexOf(id), added.indexOf(id)]);
        const extra = [...m].filter((id) => !expected.has(id)).map((id) => [ids.indexOf(id), added.indexOf(id)]);
        if (missing.length || extra.length) throw new Error(JSON.stringify({ missing, extra }));
        return m;
      },
      60_000,
      'deleted records to leave the audience and the changed ones to enter it',
    );
    expect(members).toEqual(expected);
    for (const id of deleted) expect(await h.loop.mirror.get('Contact', id)).toBeUndefined();
  });
});
