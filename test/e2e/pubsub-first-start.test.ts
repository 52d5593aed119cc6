/**
 * A first start (no stored replay id) over the Pub/Sub API subscribes from new events while the import reads the org.
 * Pub/Sub acknowledges no subscription, so the import does not wait; a rep's edit committed after the import read the
 * record and before the subscription took effect is then in neither. Here the emulator holds the loop's CDC stream (a
 * gate the test controls: not in effect, no events, no keep-alive) through the whole start and the edit; released, the
 * stream starts from the tip (past the edit) and answers. The loop must reconcile what changed before that answer:
 * the edit reaches Seniority__c.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/src/lib/logger';
import { CDC_CHANNEL } from '../../server/src/salesforce/stream/cdc-subscriber';
import { LoopHarness, waitFor } from './support/loop-harness';

const CATCH_UP = 'first start over Pub/Sub: reconciling changes made before the stream answered';

let h: LoopHarness;
const logged: string[] = [];

beforeAll(async () => {
  const logger = createLogger({ level: 'info', name: 'e2e' }, { write: (line: string) => logged.push(line) });
  h = await LoopHarness.create({
    start: false,
    cdcTransport: 'pubsub',
    logger,
    sources: [{ Object__c: 'Contact', Inclusion_Filter__c: null }],
    fieldMaps: [
      { Object__c: 'Contact', Field__c: 'Seniority__c', Attribute__c: 'person.seniority', Write_Rule__c: 'Always' },
    ],
    records: {
      Contact: Array.from({ length: 3 }, (_, i) => ({ LastName: `Person ${i}`, Title: 'Sales Representative' })),
    },
  });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('first start over Pub/Sub: changes made before the stream answered', { timeout: 120_000 }, () => {
  it('a rep’s edit made after the import read, while the subscription was not yet in effect, reaches Seniority__c', async () => {
    const pubSub = h.emulator.pubSub!;
    const release = pubSub.holdSubscriptions(CDC_CHANNEL);
    // The runtime starts (the import reads every contact) with the CDC stream held.
    await h.startRuntime();
    const contactId = h.records.Contact![0]!;
    const seniority = async () =>
      (await h.byId<{ Id: string; Seniority__c: string | null }>('Contact', ['Seniority__c'], [contactId])).get(
        contactId,
      )?.Seniority__c;
    expect(await seniority()).not.toBe('C-Level');
    expect(pubSub.subscriptions().filter((s) => s.heldTopic === CDC_CHANNEL)).toHaveLength(1);
    expect(logged.some((line) => line.includes(CATCH_UP))).toBe(false);

    await h.updateRecords('Contact', [{ Id: contactId, Title: 'Chief Executive Officer' }], h.repConn());
    release();

    await waitFor(async () => (await seniority()) === 'C-Level', 60_000, 'the edit to reach Seniority__c');
    expect(logged.filter((line) => line.includes(CATCH_UP))).toHaveLength(1);
  });
});
