import http from 'node:http';
import { Connection } from 'jsforce';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSalesforceEmulator, type RunningEmulator } from '../../index';
import { BayeuxHttpClient } from '../testing/bayeux-http-client';
import { subscribeWithJsforce, type JsforceSubscriber, type ReceivedEvent } from '../testing/jsforce-subscriber';
import type { StreamingStateView } from '../index';

const CHANNEL = '/data/Audience_Loop__chn';
const VERSION = '62.0';
let emulator: RunningEmulator;
const subscribers: JsforceSubscriber[] = [];
const rawClients: BayeuxHttpClient[] = [];

beforeAll(async () => {
  emulator = await startSalesforceEmulator({ seed: 20, streaming: { longPollMs: 2_000 } });
});
afterAll(async () => {
  await emulator?.stop();
});
afterEach(async () => {
  for (const s of subscribers.splice(0)) s.disconnect();
  await Promise.all(rawClients.splice(0).map((c) => c.disconnect().catch(() => undefined)));
  await control('/streaming/reset');
});

type Role = 'admin' | 'integration' | 'rep';
const user = (role: Role) => {
  const found = emulator.users.find((u) => u.role === role);
  if (!found) throw new Error(`no ${role} user`);
  return found;
};
/** A fresh token per call: some tests move the org clock past the standing tokens' lifetime. */
async function tokenFor(role: Role): Promise<string> {
  return (await control('/tokens', { role })).accessToken as string;
}
async function connection(role: Role, client?: string): Promise<Connection> {
  return new Connection({
    instanceUrl: emulator.instanceUrl,
    accessToken: await tokenFor(role),
    version: VERSION,
    ...(client ? { callOptions: { client } } : {}),
  });
}
async function control(path: string, body: unknown = {}): Promise<Record<string, unknown>> {
  const res = await fetch(`${emulator.instanceUrl}/__emulator${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return (await res.json()) as Record<string, unknown>;
}
async function subscribe(replayId: number, channel = CHANNEL, token?: string): Promise<JsforceSubscriber> {
  const subscriber = subscribeWithJsforce(
    emulator.instanceUrl,
    token ?? (await tokenFor('integration')),
    channel,
    replayId,
  );
  subscribers.push(subscriber);
  return subscriber;
}
async function contactIds(n: number): Promise<string[]> {
  const result = await (
    await connection('integration')
  ).query<{ Id: string }>(`SELECT Id FROM Contact ORDER BY Id LIMIT ${n}`);
  return result.records.map((r) => r.Id);
}
const headerOf = (e: ReceivedEvent) => e.payload.ChangeEventHeader;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('streaming through the emulator', () => {
  it('when a rep updates a Contact over REST, then the channel subscriber sees the rep as commitUser and the client origin', async () => {
    const [id] = await contactIds(1);
    const sub = await subscribe(-1);
    await sub.subscribed;
    await (
      await connection('rep', 'rep-console')
    )
      .sobject('Contact')
      .update({ Id: id!, Phone: '+1 415 555 0101', MailingCity: 'Oakland' });
    const [event] = await sub.waitFor(1);
    expect(headerOf(event!)).toMatchObject({
      entityName: 'Contact',
      changeType: 'UPDATE',
      commitUser: user('rep').id,
      changeOrigin: `com/salesforce/api/rest/${VERSION};client=rep-console`,
      recordIds: [id],
      sequenceNumber: 1,
    });
    expect(headerOf(event!).changedFields).toEqual(
      expect.arrayContaining(['Phone', 'MailingAddress.City', 'LastModifiedDate']),
    );
    expect(event?.payload).toMatchObject({ Phone: '+1 415 555 0101', MailingAddress: { City: 'Oakland' } });
    expect(event?.payload.LastModifiedDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it('when the subscriber reconnects with its stored replay id, then Collections writes made meanwhile all arrive once', async () => {
    const ids = await contactIds(4);
    const first = await subscribe(-1);
    await first.subscribed;
    await (
      await connection('integration', 'audience-loop')
    )
      .sobject('Contact')
      .update({ Id: ids[0]!, Title: 'VP Sales' });
    await first.waitFor(1);
    const stored = first.lastReplayId()!;
    first.disconnect();

    // One Collections call changing three records the same way → one merged event.
    const rep = await connection('rep');
    await rep.sobject('Contact').update(ids.slice(1).map((Id) => ({ Id, Title: 'CTO' })));
    await rep.sobject('Contact').update({ Id: ids[0]!, Title: 'CEO' });
    const second = await subscribe(stored);
    await second.subscribed;
    const received = await second.waitFor(2);
    await sleep(300);
    expect(second.received).toHaveLength(2);
    expect(received.map((e) => [headerOf(e).recordIds, e.payload.Title])).toEqual([
      [ids.slice(1), 'CTO'],
      [[ids[0]], 'CEO'],
    ]);
    expect(received[0]!.event.replayId).toBeGreaterThan(stored);
  });

  it('when a Composite call creates, updates and deletes in one transaction, then the events share its key in order', async () => {
    const [id] = await contactIds(1);
    const sub = await subscribe(-1);
    await sub.subscribed;
    const conn = await connection('integration', 'audience-loop');
    const created = await conn
      .sobject('Account')
      .create({ Name: 'Composite Co', BillingCity: 'Leeds', BillingCountry: 'United Kingdom' });
    await sub.waitFor(1);
    await conn.requestPost(`/services/data/v${VERSION}/composite`, {
      allOrNone: true,
      compositeRequest: [
        {
          method: 'PATCH',
          url: `/services/data/v${VERSION}/sobjects/Contact/${id}`,
          referenceId: 'c',
          body: { Title: 'COO' },
        },
        { method: 'DELETE', url: `/services/data/v${VERSION}/sobjects/Account/${created.id}`, referenceId: 'a' },
      ],
    });
    const [create, update, del] = await sub.waitFor(3);
    expect(headerOf(create!)).toMatchObject({ changeType: 'CREATE', entityName: 'Account', changedFields: [] });
    expect(create?.payload).toMatchObject({
      Name: 'Composite Co',
      BillingAddress: { City: 'Leeds', Country: 'United Kingdom' },
    });
    expect(create?.payload).not.toHaveProperty('Id');
    expect([headerOf(update!).sequenceNumber, headerOf(del!).sequenceNumber]).toEqual([1, 2]);
    expect(headerOf(update!).transactionKey).toBe(headerOf(del!).transactionKey);
    expect(headerOf(del!)).toMatchObject({ changeType: 'DELETE', recordIds: [created.id] });
    expect(Object.keys(del!.payload)).toEqual(['ChangeEventHeader']);
  });

  it('when the retention window passes, then the stored replay id is refused with the invalid-replay error', async () => {
    const [id] = await contactIds(1);
    const first = await subscribe(-1);
    await first.subscribed;
    await (await connection('integration')).sobject('Contact').update({ Id: id!, Title: 'Head of Data' });
    await first.waitFor(1);
    const stored = first.lastReplayId()!;
    first.disconnect();
    await control('/clock/advance', { hours: 72, ms: 1 });
    const late = await subscribe(stored);
    await expect(late.subscribed).rejects.toMatchObject({
      message: expect.stringMatching(new RegExp(`^400::The replayId \\{${stored}\\} you provided was invalid`)),
    });
  });

  it('when a platform event is published over REST, then /event subscribers get it with EventUuid', async () => {
    const sub = await subscribe(-1, '/event/Audience_Command__e');
    await sub.subscribed;
    const result = await (
      await connection('admin')
    )
      .sobject('Audience_Command__e')
      .create({ Command__c: 'RUN_IMPORT' });
    expect(result.success).toBe(true);
    const [event] = await sub.waitFor(1);
    expect(event?.payload).toMatchObject({ Command__c: 'RUN_IMPORT', CreatedById: user('admin').id });
    expect(event?.event.EventUuid).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('when an admin edits a config object, then the Apex stand-in publishes RELOAD_CONFIG naming the record', async () => {
    const sub = await subscribe(-1, '/event/Audience_Command__e');
    await sub.subscribed;
    const created = await (await connection('admin')).sobject('Audience__c').create({ Name: 'Emulator VPs' });
    expect(created.success).toBe(true);
    const [event] = await sub.waitFor(1);
    expect(event?.payload).toMatchObject({
      Command__c: 'RELOAD_CONFIG',
      Target_Id__c: created.id,
      CreatedById: user('admin').id,
    });
  });

  it('when the token is revoked, then the jsforce AuthFailure extension fires', async () => {
    const token = await tokenFor('integration');
    const sub = await subscribe(-1, CHANNEL, token);
    await sub.subscribed;
    await fetch(`${emulator.instanceUrl}/services/oauth2/revoke`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token }),
    });
    const deadline = Date.now() + 20_000;
    while (sub.authFailures.length === 0 && Date.now() < deadline) await sleep(100);
    expect(sub.authFailures[0]).toMatchObject({ error: '401::Authentication invalid', advice: { reconnect: 'none' } });
  });

  it('when a client is silent past the idle window, then its next connect gets 403::Unknown client', async () => {
    const client = new BayeuxHttpClient(`${emulator.instanceUrl}/cometd/${VERSION}`, await tokenFor('integration'));
    rawClients.push(client);
    await client.handshake();
    await client.connect();
    await control('/clock/advance', { seconds: 41 });
    const [reply] = await client.connect();
    expect(reply).toMatchObject({ error: '403::Unknown client', advice: { reconnect: 'handshake' } });
  });
});

describe('CometD URL and body rules behind the core', () => {
  it('when Faye probes for a WebSocket or the body is not a Bayeux array, then the emulator answers as the notes say', async () => {
    const endpoint = `${emulator.instanceUrl}/cometd/${VERSION}`;
    const probe = await new Promise<number | undefined>((resolve, reject) => {
      const req = http.request(endpoint, {
        headers: {
          Connection: 'Upgrade',
          Upgrade: 'websocket',
          'Sec-WebSocket-Version': '13',
          'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode);
      });
      req.on('upgrade', () => resolve(101));
      req.on('error', reject);
      req.end();
    });
    expect(probe).toBe(400);
    const client = new BayeuxHttpClient(endpoint, await tokenFor('integration'));
    expect((await client.post({ channel: '/meta/handshake', id: '1' })).status).toBe(400);
    expect(
      (await client.post([{ channel: '/meta/handshake', id: '1', ext: { pad: 'x'.repeat(33_000) } }])).status,
    ).toBe(413);
    const old = await fetch(`${emulator.instanceUrl}/cometd/36.0`, { method: 'POST', body: '[]' });
    expect(old.status).toBe(400);
  });
});

describe('streaming faults on the emulator', () => {
  it('when unknownClient is switched on, then the subscriber re-handshakes and misses nothing', async () => {
    const ids = await contactIds(2);
    const sub = await subscribe(-1);
    await sub.subscribed;
    const conn = await connection('integration');
    await conn.sobject('Contact').update({ Id: ids[0]!, Department: 'One' });
    await sub.waitFor(1);
    expect(await control('/streaming/faults', { unknownClient: true })).toMatchObject({ forgottenClients: 1 });
    await conn.sobject('Contact').update({ Id: ids[1]!, Department: 'Two' });
    await conn.sobject('Contact').update({ Id: ids[0]!, Department: 'Three' });
    await sub.waitFor(3);
    await sleep(300);
    expect(sub.received.map((e) => e.payload.Department)).toEqual(['One', 'Two', 'Three']);
  });

  it('when long polls are dropped, then Faye retries and the events still arrive', async () => {
    const [id] = await contactIds(1);
    const sub = await subscribe(-1);
    await sub.subscribed;
    await sleep(200);
    expect(await control('/streaming/faults', { dropLongPolls: 1 })).toMatchObject({ ok: true });
    await (await connection('integration')).sobject('Contact').update({ Id: id!, Department: 'After drop' });
    const [event] = await sub.waitFor(1, 15_000);
    expect(event?.payload.Department).toBe('After drop');
  });

  it('when GAP_* and GAP_OVERFLOW events are injected, then the channel delivers them header-only', async () => {
    const [id] = await contactIds(1);
    const sub = await subscribe(-1);
    await sub.subscribed;
    for (const changeType of ['GAP_CREATE', 'GAP_UPDATE', 'GAP_DELETE', 'GAP_UNDELETE']) {
      await control('/streaming/faults', { inject: { changeType, entityName: 'Contact', recordIds: [id] } });
    }
    await control('/streaming/faults', { inject: { changeType: 'GAP_OVERFLOW', entityName: 'Lead' } });
    const events = await sub.waitFor(5);
    expect(events.map((e) => [headerOf(e).changeType, headerOf(e).recordIds])).toEqual([
      ['GAP_CREATE', [id]],
      ['GAP_UPDATE', [id]],
      ['GAP_DELETE', [id]],
      ['GAP_UNDELETE', [id]],
      ['GAP_OVERFLOW', []],
    ]);
    for (const e of events) expect(Object.keys(e.payload)).toEqual(['ChangeEventHeader']);
  });

  it('when the state is read, then it lists clients, subscriptions and the event log size', async () => {
    const sub = await subscribe(-1);
    await sub.subscribed;
    const state = (await (
      await fetch(`${emulator.instanceUrl}/__emulator/streaming/state`)
    ).json()) as StreamingStateView;
    expect(state.clients).toEqual([
      expect.objectContaining({ userId: user('integration').id, subscriptions: [CHANNEL] }),
    ]);
    expect(state.subscriptions).toBe(1);
    expect(state.cdc.selectedEntities).toEqual(expect.arrayContaining(['Contact', 'Lead', 'Account']));
    expect(typeof state.eventLogSize).toBe('number');
  });
});
