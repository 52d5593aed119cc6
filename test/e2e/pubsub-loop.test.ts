/**
 * The loop's core over the Pub/Sub API (`CDC_TRANSPORT=pubsub`): the initial import, a rep's title change carried to
 * Seniority__c and into the audience with the echo of our write dropped, and a change made while the loop was down
 * handled after a restart from the stored replay id — every change event through the emulator's gRPC endpoint.
 * (`CDC_TRANSPORT=pubsub npx vitest run test/e2e/…` runs any other scenario over it too.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CDC_CHANNEL } from '../../server/src/salesforce/stream/cdc-subscriber';
import { LoopHarness, waitFor } from './support/loop-harness';

const SENIOR = ['C-Level', 'VP', 'Director'];

describe('e2e: the loop over the Pub/Sub API', { timeout: 120_000 }, () => {
  let h: LoopHarness;
  let audienceId: string;

  beforeAll(async () => {
    h = await LoopHarness.create({
      cdcTransport: 'pubsub',
      sources: [{ Object__c: 'Contact', Inclusion_Filter__c: JSON.stringify({ field: 'Email', op: 'is_not_blank' }) }],
      fieldMaps: [
        { Object__c: 'Contact', Field__c: 'Seniority__c', Attribute__c: 'person.seniority', Write_Rule__c: 'Tracked' },
        { Object__c: 'Contact', Field__c: 'Title', Attribute__c: null, Write_Rule__c: 'Never', Import__c: true },
      ],
      audiences: [
        {
          Name: 'Senior',
          Object__c: 'Contact',
          Filter__c: JSON.stringify({ field: 'Seniority__c', op: 'in', value: SENIOR }),
        },
      ],
      records: {
        Contact: [
          { LastName: 'Analyst', Title: 'Data Analyst', Email: 'ana@example.com' },
          { LastName: 'Engineer', Title: 'Software Engineer', Email: 'eng@example.com' },
        ],
      },
    });
    audienceId = h.ids.audiences[0]!;
  }, 120_000);

  afterAll(async () => {
    await h?.stop();
  });

  const seniority = async (id: string) =>
    (await h.byId<{ Id: string; Seniority__c: string | null }>('Contact', ['Seniority__c'], [id])).get(id)
      ?.Seniority__c;
  /** The loop's Subscribe streams on the emulator's gRPC endpoint. */
  const grpcStreams = () => h.emulator.pubSub!.subscriptions().filter((s) => s.topic === CDC_CHANNEL);

  it('imports, then carries a title change to Seniority__c and into the audience over gRPC, without echo work', async () => {
    const [id] = h.records.Contact!;
    expect(await seniority(id!)).toBe('Entry');
    const loop = h.loop;
    const jobsBefore = loop.stats.processed;
    const echoesBefore = loop.stats.echoesDropped;
    const deliveredBefore = grpcStreams().reduce((n, s) => n + s.delivered, 0);

    await h.updateRecords('Contact', [{ Id: id!, Title: 'VP of Sales' }], h.repConn());
    await waitFor(async () => (await seniority(id!)) === 'VP', 60_000, 'Seniority__c to follow the new title');
    await waitFor(async () => (await h.activeMembers(audienceId)).has(id!), 60_000, 'audience entry');
    await waitFor(() => loop.stats.echoesDropped > echoesBefore, 60_000, 'the echo of our write');
    await h.settle();
    expect(loop.stats.processed - jobsBefore).toBe(1);
    // The rep's change and the echo came over the one gRPC stream; no CometD client follows the channel.
    expect(grpcStreams()).toHaveLength(1);
    expect(grpcStreams()[0]!.delivered - deliveredBefore).toBeGreaterThanOrEqual(2);
    const res = await fetch(`${h.emulator.instanceUrl}/__emulator/streaming/state`);
    const cometd = ((await res.json()) as { clients: { subscriptions: string[] }[] }).clients;
    expect(cometd.filter((c) => c.subscriptions.includes(CDC_CHANNEL))).toHaveLength(0);
  });

  it('after a restart, handles the change made while it was down from the stored replay id, once', async () => {
    const [, id] = h.records.Contact!;
    await h.settle();
    const stored = h.loop.streamState()?.replayId;
    await h.stopRuntime();
    await h.updateRecords('Contact', [{ Id: id!, Title: 'Director of Engineering' }], h.repConn());

    const loop = await h.startRuntime();
    await waitFor(async () => (await seniority(id!)) === 'Director', 60_000, 'the missed change written back');
    await h.settle();
    expect(loop.streamState()?.replayId).toBeGreaterThan(stored!);
    // The missed change once, plus nothing replayed from before the stored id.
    expect(loop.stats.processed).toBe(1);
    expect((await h.activeMembers(audienceId)).has(id!)).toBe(true);
  });
});
