/**
 * An episode saved in the org always reaches the stages that act on it: the entry events are handed off (the
 * membership queue, the listeners) before Redis records the transition, so a hand-off that fails (Redis restarting
 * under the enqueue) leaves the transition to be found again by the retried intake batch — never an episode in the
 * org whose actions were never applied.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MembershipEvent } from '../../server/src/pipeline/segments/membership/membership-event';
import { LoopHarness, waitFor } from './support/loop-harness';

describe('e2e: membership hand-off failing once', () => {
  let h: LoopHarness;

  beforeAll(async () => {
    h = await LoopHarness.create({
      start: false,
      sources: [{ Object__c: 'Contact' }],
      fieldMaps: [],
      audiences: [
        { Name: 'Everyone with a title', Object__c: 'Contact', Filter__c: '{"field":"Title","op":"is_not_blank"}' },
      ],
      records: { Contact: Array.from({ length: 3 }, (_, i) => ({ LastName: `Person ${i}` })) },
    });
  }, 120_000);

  afterAll(async () => {
    await h?.stop();
  });

  it('hands the entries off again when the first hand-off throws after the episodes were saved', async () => {
    const received: MembershipEvent[] = [];
    let refuseNext = false;
    let refused = 0;
    await h.startRuntime({}, (loop) =>
      loop.fanout.listen(async (events) => {
        // The test's gate: the first hand-off after the edit fails, as an enqueue does while Redis restarts.
        if (refuseNext) {
          refuseNext = false;
          refused += 1;
          throw new Error('hand-off refused by the test');
        }
        received.push(...events);
      }),
    );
    const ids = h.records.Contact ?? [];
    refuseNext = true;
    await h.updateRecords(
      'Contact',
      ids.map((Id) => ({ Id, Title: 'Engineer' })),
    );

    await waitFor(
      () => new Set(received.filter((e) => e.kind === 'entry').map((e) => e.recordId)).size === ids.length,
      60_000,
      'every entry handed off',
    );
    expect(refused).toBe(1);
    const audienceId = h.ids.audiences[0] ?? '';
    expect(await h.activeMembers(audienceId)).toEqual(new Set(ids));
    // One episode each: the retried batch repeated the same upsert (same Key__c), not a second episode.
    const entries = received.filter((e) => e.kind === 'entry');
    expect(new Set(entries.map((e) => e.episodeKey)).size).toBe(ids.length);
    expect(entries.every((e) => e.episodeKey.endsWith('-1'))).toBe(true);
  }, 180_000);
});
