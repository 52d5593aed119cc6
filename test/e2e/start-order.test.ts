/**
 * The first start (no stored replay id) follows the stream from new events (-1), so the import must not read the
 * org before the subscription is acknowledged: a rep's edit committed after the import's read and before the
 * subscription would be in neither. The default-size chaos clean run lost 56 of its 100 wave-1 edits that way (the
 * import of 2,000 contacts read them within 10 ms of the subscribe being sent). Here the CDC subscribe's
 * acknowledgement is held (a gate the test controls) until the runtime asks to wait for it — or, were it never to
 * ask, until the import reads — and the rep edits a contact right after the import's read: the edit must reach
 * Seniority__c.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CDC_CHANNEL } from '../../server/src/salesforce/stream/cdc-subscriber';
import { LoopHarness, waitFor } from './support/loop-harness';

type FayeMessage = { channel?: string; subscription?: string };
type FayeExtension = { incoming?: (message: FayeMessage, next: (message: FayeMessage) => void) => void };

let h: LoopHarness;
let streamAtRead: string | undefined;
let readWhileAckHeld = false;
let edited: Promise<void> | undefined;

beforeAll(async () => {
  h = await LoopHarness.create({
    start: false,
    sources: [{ Object__c: 'Contact', Inclusion_Filter__c: null }],
    fieldMaps: [
      { Object__c: 'Contact', Field__c: 'Seniority__c', Attribute__c: 'person.seniority', Write_Rule__c: 'Always' },
    ],
    records: {
      Contact: Array.from({ length: 3 }, (_, i) => ({ LastName: `Person ${i}`, Title: 'Sales Representative' })),
    },
  });
  await h.startRuntime({}, (loop) => {
    // The CDC subscribe's acknowledgement waits until the runtime asks to wait for it (or the import reads).
    let ackHeld = true;
    const heldAcks: (() => void)[] = [];
    const releaseAcks = () => {
      ackHeld = false;
      for (const deliver of heldAcks.splice(0)) deliver();
    };
    const streaming = loop.deps.org.connection.streaming;
    const createClient = streaming.createClient.bind(streaming);
    streaming.createClient = ((extensions: FayeExtension[] = []) =>
      createClient([
        {
          incoming: (message: FayeMessage, next: (message: FayeMessage) => void) => {
            if (ackHeld && message.channel === '/meta/subscribe' && message.subscription === CDC_CHANNEL)
              heldAcks.push(() => next(message));
            else next(message);
          },
        },
        ...extensions,
      ] as Parameters<typeof createClient>[0])) as typeof streaming.createClient;
    const live = loop.subscriber.live.bind(loop.subscriber);
    loop.subscriber.live = () => {
      releaseAcks();
      return live();
    };
    const org = loop.deps.org;
    const firstPage = org.firstPage.bind(org);
    org.firstPage = (async (...args: Parameters<typeof firstPage>) => {
      if (/FROM Contact/i.test(args[0]) && ackHeld) {
        readWhileAckHeld = true;
        releaseAcks();
      }
      const page = await firstPage(...args);
      if (!edited && /FROM Contact/i.test(args[0])) {
        // The import has read the contacts: what the stream was then, and an edit the import did not see.
        streamAtRead = loop.streamState()?.state;
        const contactId = h.records.Contact?.[0] as string;
        edited = h.updateRecords('Contact', [{ Id: contactId, Title: 'Chief Executive Officer' }], h.repConn());
        await edited;
      }
      return page;
    }) as typeof firstPage;
  });
}, 90_000);

afterAll(async () => {
  await h?.stop();
});

describe('first start: the import reads once the stream is subscribed', { timeout: 90_000 }, () => {
  it('a rep’s edit made right after the import read the org reaches the org’s mapped field', async () => {
    expect(edited).toBeDefined();
    expect(readWhileAckHeld).toBe(false);
    expect(streamAtRead).toBe('live');
    const contactId = h.records.Contact?.[0] as string;
    await waitFor(
      async () => {
        const [row] = await h.query<{ Id: string; Seniority__c: string | null }>(
          `SELECT Id, Seniority__c FROM Contact WHERE Id = '${contactId}'`,
        );
        return row?.Seniority__c === 'C-Level';
      },
      30_000,
      'the edit to reach Seniority__c',
    );
  });
});
