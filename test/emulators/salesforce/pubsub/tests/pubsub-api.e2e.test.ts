import * as grpc from '@grpc/grpc-js';
import { Connection } from 'jsforce';
import type PubSubApiClient from 'salesforce-pubsub-api-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSalesforceEmulator, type RunningEmulator } from '../../index';
import { subscribeWithJsforce, type JsforceSubscriber } from '../../streaming/testing/jsforce-subscriber';
import { engineFor } from '../../streaming/streaming-engine';
import { connectPubSubClient, SubscriptionRecorder } from '../testing/pubsub-subscriber';

const CONTACT_TOPIC = '/data/ContactChangeEvent';
const CHANNEL_TOPIC = '/data/Audience_Loop__chn';
const COMMAND_TOPIC = '/event/Audience_Command__e';

let emulator: RunningEmulator;
const clients: PubSubApiClient[] = [];
const cometd: JsforceSubscriber[] = [];

beforeAll(async () => {
  emulator = await startSalesforceEmulator({ seed: 20, streaming: { longPollMs: 2_000 } });
});
afterAll(async () => {
  await emulator?.stop();
});
afterEach(() => {
  for (const client of clients.splice(0)) client.close();
  for (const subscriber of cometd.splice(0)) subscriber.disconnect();
});

function session(accessToken = emulator.accessToken) {
  return {
    pubSubEndpoint: emulator.pubSubEndpoint!,
    instanceUrl: emulator.instanceUrl,
    orgId: emulator.orgId,
    accessToken,
  };
}
async function pubSubClient(accessToken?: string): Promise<PubSubApiClient> {
  const client = await connectPubSubClient(session(accessToken));
  clients.push(client);
  return client;
}
function rest(): Connection {
  return new Connection({ instanceUrl: emulator.instanceUrl, accessToken: emulator.accessToken, version: '62.0' });
}
async function contactIds(n: number): Promise<string[]> {
  const result = await rest().query<{ Id: string }>(`SELECT Id FROM Contact ORDER BY Id LIMIT ${n}`);
  return result.records.map((r) => r.Id);
}
/** Replay ids the org's event bus holds for `topic` (the log CometD replays from too). */
function busReplayIds(topic: string): number[] {
  return engineFor(emulator.context)
    .bus.eventsAfter(topic, -Infinity)
    .map((e) => e.replayId);
}
/**
 * A LATEST subscription only sees what is committed after the server has taken its first FetchRequest; this
 * waits for that state (streams already open are passed in `known`) and returns the new stream's rpc id.
 */
async function serverSubscribed(topic: string, known = new Set<string>()): Promise<string> {
  for (let i = 0; i < 500; i++) {
    const fresh = emulator.pubSub!.subscriptions().find((s) => s.topic === topic && !known.has(s.rpcId));
    if (fresh) return fresh.rpcId;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`no server-side subscription on ${topic}`);
}
function serverStream(rpcId: string) {
  return emulator.pubSub!.subscriptions().find((s) => s.rpcId === rpcId);
}
function openStreams(): Set<string> {
  return new Set(emulator.pubSub!.subscriptions().map((s) => s.rpcId));
}

describe('Pub/Sub API through salesforce-pubsub-api-client', () => {
  it('when jsforce updates a Contact, then a Pub/Sub subscriber gets the change event with its field bitmaps decoded, and CometD gets the same replay id', async () => {
    const [id] = await contactIds(1);
    const client = await pubSubClient();
    const recorder = new SubscriptionRecorder();
    const known = openStreams();
    client.subscribe(CONTACT_TOPIC, recorder.callback, 1);
    const cometdSubscriber = subscribeWithJsforce(emulator.instanceUrl, emulator.accessToken, CONTACT_TOPIC, -1);
    cometd.push(cometdSubscriber);
    await Promise.all([serverSubscribed(CONTACT_TOPIC, known), cometdSubscriber.subscribed]);

    await rest().sobject('Contact').update({ Id: id!, Title: 'VP of Sales', Department: null });

    const [event] = await recorder.waitForEvents(1);
    await recorder.until(() => recorder.lastEventSignals === 1, 'the lastEvent signal');
    const header = event!.payload.ChangeEventHeader!;
    expect(header).toMatchObject({ entityName: 'Contact', recordIds: [id], changeType: 'UPDATE' });
    expect(header.changedFields).toEqual(expect.arrayContaining(['Department', 'LastModifiedDate', 'Title']));
    expect(header.nulledFields).toEqual(['Department']);
    expect(header.diffFields).toEqual([]);
    expect(event!.payload.Title).toBe('VP of Sales');
    expect(event!.payload.Department).toBeNull();
    expect(event!.payload.Email).toBeNull(); // unchanged fields are present, and null
    expect(typeof event!.payload.LastModifiedDate).toBe('number');

    const [viaCometd] = await cometdSubscriber.waitFor(1);
    expect(event!.replayId).toBe(viaCometd!.event.replayId);
    // The bitmaps decode to exactly the names CometD sends in plain text.
    expect([...header.changedFields].sort()).toEqual([...viaCometd!.payload.ChangeEventHeader!.changedFields].sort());
    expect(event!.schemaId).toBe(viaCometd!.schema);
  });

  it('when an address component changes, then changedFields names it under its compound on the custom channel', async () => {
    const [id] = await contactIds(1);
    const client = await pubSubClient();
    const recorder = new SubscriptionRecorder();
    const known = openStreams();
    client.subscribe(CHANNEL_TOPIC, recorder.callback, 1);
    await serverSubscribed(CHANNEL_TOPIC, known);

    await rest().sobject('Contact').update({ Id: id!, MailingStreet: '415 Mission Street' });

    const [event] = await recorder.waitForEvents(1);
    expect([...event!.payload.ChangeEventHeader!.changedFields].sort()).toEqual([
      'LastModifiedDate',
      'MailingAddress.Street',
    ]);
    expect(event!.payload.MailingAddress).toMatchObject({ Street: '415 Mission Street', City: null });
  });

  it('when a subscriber resumes from a stored replay id, then it gets exactly the events after it; EARLIEST gets them all', async () => {
    const ids = await contactIds(3);
    const before = busReplayIds(CONTACT_TOPIC).length;
    for (const [i, id] of ids.entries())
      await rest()
        .sobject('Contact')
        .update({ Id: id, Title: `Replay ${i}` });
    const stored = busReplayIds(CONTACT_TOPIC).slice(before);
    expect(stored).toHaveLength(3);

    const resumed = new SubscriptionRecorder();
    (await pubSubClient()).subscribeFromReplayId(CONTACT_TOPIC, resumed.callback, 2, stored[0]!);
    await resumed.waitForEvents(2);
    expect(resumed.events.map((e) => e.replayId)).toEqual(stored.slice(1));
    expect(resumed.events.map((e) => e.payload.Title)).toEqual(['Replay 1', 'Replay 2']);

    const earliest = new SubscriptionRecorder();
    const all = busReplayIds(CONTACT_TOPIC);
    (await pubSubClient()).subscribeFromEarliestEvent(CONTACT_TOPIC, earliest.callback, all.length);
    await earliest.waitForEvents(all.length);
    expect(earliest.events.map((e) => e.replayId)).toEqual(all);
  });

  it('when the replay id is not retained, then Subscribe fails with INVALID_ARGUMENT and the replayid.corrupted code', async () => {
    const recorder = new SubscriptionRecorder();
    (await pubSubClient()).subscribeFromReplayId(CONTACT_TOPIC, recorder.callback, 1, 999_999_999);
    await recorder.until(() => recorder.errors.length > 0, 'an error');
    const error = recorder.errors[0] as grpc.ServiceError;
    expect(error.code).toBe(grpc.status.INVALID_ARGUMENT);
    expect(error.metadata.get('error-code')).toEqual([
      'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted',
    ]);
  });

  it('flow control: the server sends no more events than requested, and resumes when more are requested', async () => {
    const ids = await contactIds(5);
    const client = await pubSubClient();
    const recorder = new SubscriptionRecorder();
    const known = openStreams();
    client.subscribe(CONTACT_TOPIC, recorder.callback, 2);
    const rpcId = await serverSubscribed(CONTACT_TOPIC, known);
    const before = busReplayIds(CONTACT_TOPIC).length;
    for (const [i, id] of ids.entries())
      await rest()
        .sobject('Contact')
        .update({ Id: id, Title: `Flow ${i}` });
    const published = busReplayIds(CONTACT_TOPIC).slice(before);
    expect(published).toHaveLength(5);

    await recorder.until(() => recorder.lastEventSignals === 1, 'the first batch of 2');
    // Every write has committed and was offered to the stream; the server held back what was not requested.
    expect(recorder.events).toHaveLength(2);
    expect(serverStream(rpcId)).toMatchObject({ topic: CONTACT_TOPIC, pending: 0, delivered: 2 });

    client.requestAdditionalEvents(CONTACT_TOPIC, 2);
    await recorder.until(() => recorder.lastEventSignals === 2, 'the second batch of 2');
    expect(recorder.events).toHaveLength(4);

    client.requestAdditionalEvents(CONTACT_TOPIC, 10);
    await recorder.waitForEvents(5);
    expect(recorder.events.map((e) => e.replayId)).toEqual(published);
    expect(serverStream(rpcId)).toMatchObject({ pending: 9, delivered: 5 });
  });

  it('when a platform event is published over Pub/Sub, then CometD and Pub/Sub subscribers both receive it with one replay id', async () => {
    const cometdSubscriber = subscribeWithJsforce(emulator.instanceUrl, emulator.accessToken, COMMAND_TOPIC, -1);
    cometd.push(cometdSubscriber);
    const recorder = new SubscriptionRecorder();
    const known = openStreams();
    (await pubSubClient()).subscribe(COMMAND_TOPIC, recorder.callback, 1);
    await Promise.all([serverSubscribed(COMMAND_TOPIC, known), cometdSubscriber.subscribed]);

    // Publishing an Audience_Command__e needs create permission on it: the admin's (Audience_Admin).
    const admin = emulator.users.find((u) => u.role === 'admin')!;
    const publisher = await pubSubClient(admin.accessToken);
    const result = await publisher.publish(COMMAND_TOPIC, {
      CreatedDate: Date.now(),
      // A publisher's CreatedById is ignored: the platform stamps the session's user.
      CreatedById: emulator.users.find((u) => u.role === 'rep')!.id,
      Command__c: { string: 'refresh' },
      Record_Id__c: { string: '003000000000001AAA' },
      Target_Id__c: null,
    });

    const [viaCometd] = await cometdSubscriber.waitFor(1);
    expect(viaCometd!.payload).toMatchObject({ Command__c: 'refresh', Record_Id__c: '003000000000001AAA' });
    expect(viaCometd!.event.replayId).toBe(result.replayId);
    const [viaPubSub] = await recorder.waitForEvents(1);
    expect(viaPubSub!.replayId).toBe(result.replayId);
    expect(viaPubSub!.payload).toMatchObject({
      Command__c: 'refresh',
      CreatedById: admin.id,
    });
    expect(viaPubSub!.id).toBe(viaCometd!.event.EventUuid);
  });

  it('when the access token is unknown, then every call fails with UNAUTHENTICATED and the auth error code', async () => {
    const recorder = new SubscriptionRecorder();
    (await pubSubClient('00DHs0000000001!not-a-session')).subscribe(CONTACT_TOPIC, recorder.callback, 1);
    await recorder.until(() => recorder.errors.length > 0, 'an error');
    const error = recorder.errors[0] as grpc.ServiceError;
    expect(error.code).toBe(grpc.status.UNAUTHENTICATED);
    expect(error.metadata.get('error-code')).toEqual(['sfdc.platform.eventbus.grpc.service.auth.error']);
  });
});
