/**
 * A first start (no stored replay id) over the Pub/Sub API subscribes from new events while the import reads the org.
 * Pub/Sub acknowledges no subscription, so the import does not wait; a rep's edit committed after the import read the
 * record and before the subscription took effect is then in neither. Here the emulator holds the loop's CDC stream (a
 * gate the test controls: not in effect, no events, no keep-alive); the rep edits a contact right after the import
 * read it, then the stream is released: it starts from the tip (past the edit) and answers. The loop must reconcile
 * what changed before that answer: the edit reaches Seniority__c.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/src/lib/logger';
import { CDC_CHANNEL } from '../../server/src/salesforce/stream/cdc-subscriber';
import { LoopHarness, waitFor } from './support/loop-harness';

const CATCH_UP = 'first start over Pub/Sub: reconciling changes made before the stream answered';

let h: LoopHarness;
const logged: string[] = [];
let edited: Promise<void> | undefined;
let heldAtEdit: number | undefined;
let caughtUpBeforeRelease = true;

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
  const pubSub = h.emulator.pubSub!;
  const heldStreams = () => pubSub.subscriptions().filter((s) => s.heldTopic === CDC_CHANNEL).length;
  const release = pubSub.holdSubscriptions(CDC_CHANNEL);
  await h.startRuntime({}, (loop) => {
    const org = loop.deps.org;
    const firstPage = org.firstPage.bind(org);
    org.firstPage = (async (...args: Parameters<typeof firstPage>) => {
      const page = await firstPage(...args);
      if (!edited && /FROM Contact/i.test(args[0])) {
        // The import has read the contacts, the CDC stream is not in effect: an edit neither of them sees.
        heldAtEdit = await waitFor(heldStreams, 30_000, 'the CDC stream held by the emulator');
        const contactId = h.records.Contact?.[0] as string;
        edited = h.updateRecords('Contact', [{ Id: contactId, Title: 'Chief Executive Officer' }], h.repConn());
        await edited;
        caughtUpBeforeRelease = logged.some((line) => line.includes(CATCH_UP));
        release();
      }
      return page;
    }) as typeof firstPage;
  });
}, 120_000);

afterAll(async () => {
  await h?.stop();
});

describe('first start over Pub/Sub: changes made before the stream answered', { timeout: 120_000 }, () => {
  it('a rep’s edit made after the import read, while the subscription was not yet in effect, reaches Seniority__c', async () => {
    expect(edited).toBeDefined();
    expect(heldAtEdit).toBe(1);
    expect(caughtUpBeforeRelease).toBe(false);
    const contactId = h.records.Contact![0]!;
    await waitFor(
      async () => {
        const rows = await h.byId<{ Id: string; Seniority__c: string | null }>(
          'Contact',
          ['Seniority__c'],
          [contactId],
        );
        return rows.get(contactId)?.Seniority__c === 'C-Level';
      },
      60_000,
      'the edit to reach Seniority__c',
    );
    expect(logged.filter((line) => line.includes(CATCH_UP))).toHaveLength(1);
  });
});
