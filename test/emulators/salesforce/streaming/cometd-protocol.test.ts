import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { BayeuxHttpClient } from './testing/bayeux-http-client';
import { INTEGRATION_USER, REP_USER } from './testing/fake-context';
import { startFakeOrgServer, type FakeOrgServer } from './testing/fake-org-server';
import { contactId, contactPhoneUpdate } from './testing/record-changes';
import { dataMessages } from './testing/wire-types';
import type { StreamingStateView } from './index';

const CHANNEL = '/data/Audience_Loop__chn';
let org: FakeOrgServer | undefined;
const clients: BayeuxHttpClient[] = [];

afterEach(async () => {
  await Promise.all(clients.splice(0).map((c) => c.disconnect().catch(() => undefined)));
  await org?.close();
  org = undefined;
});

async function start(options: Parameters<typeof startFakeOrgServer>[0] = {}): Promise<FakeOrgServer> {
  org = await startFakeOrgServer(options);
  return org;
}

/** `token: null` sends no Authorization header. */
function bayeux(server: FakeOrgServer, token: string | null = server.issueToken(INTEGRATION_USER), version = '62.0') {
  const client = new BayeuxHttpClient(`${server.url}/cometd/${version}`, token ?? undefined);
  clients.push(client);
  return client;
}

/** Handshake, first (immediate) connect, subscribe. */
async function subscribed(server: FakeOrgServer, replay?: number, channel = CHANNEL): Promise<BayeuxHttpClient> {
  const client = bayeux(server);
  await client.handshake();
  await client.connect();
  const reply = await client.subscribe(channel, replay);
  expect(reply).toMatchObject({ successful: true, subscription: channel });
  return client;
}

describe('CometD endpoint', () => {
  it('when the version is missing or below 37.0, then the URL is refused with Salesforce’s text', async () => {
    const server = await start();
    const none = await fetch(`${server.url}/cometd`, { method: 'POST', body: '[]' });
    expect(none.status).toBe(400);
    expect(JSON.stringify(await none.json())).toContain('API version in the URI is mandatory');
    const old = await bayeux(server, 'x', '36.0').post([{ channel: '/meta/handshake', id: '1' }]);
    expect(old.status).toBe(400);
    expect(JSON.stringify(old.body)).toContain("Only API versions '37.0' and later are supported");
  });

  it('when Faye probes for a WebSocket, then the GET is refused so it falls back to long-polling', async () => {
    const server = await start();
    const status = await new Promise<number | undefined>((resolve, reject) => {
      const req = http.request(`${server.url}/cometd/62.0`, {
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
    expect(status).toBe(400);
  });

  it('when the body is a bare object, not JSON, or over 32 KB, then the request is refused', async () => {
    const server = await start();
    const client = bayeux(server);
    expect((await client.post({ channel: '/meta/handshake', id: '1' })).status).toBe(400);
    expect((await client.post('{not json')).status).toBe(400);
    const big = [{ channel: '/meta/handshake', id: '1', ext: { pad: 'x'.repeat(33_000) } }];
    expect((await client.post(big)).status).toBe(413);
  });

  it('when a message is malformed, then it gets a Bayeux error reply and the server keeps serving', async () => {
    const server = await start();
    const client = bayeux(server);
    const { status, body } = await client.post([42, { channel: '/meta/connect', id: '7' }]);
    expect(status).toBe(200);
    expect(body).toEqual([
      expect.objectContaining({ successful: false, error: expect.stringMatching(/^400::/) }),
      expect.objectContaining({
        channel: '/meta/connect',
        id: '7',
        successful: false,
        error: expect.stringMatching(/^400::/),
      }),
    ]);
    expect((await client.handshake()).successful).toBe(true);
  });

  it('when a client handshakes, then the reply matches Salesforce’s and sets the browser cookie', async () => {
    const server = await start();
    const client = bayeux(server);
    const { body } = await client.post([
      { channel: '/meta/handshake', version: '1.0', supportedConnectionTypes: ['long-polling'], id: '1' },
    ]);
    expect(body[0]).toEqual({
      ext: { replay: true, 'payload.format': true },
      minimumVersion: '1.0',
      clientId: expect.stringMatching(/^[a-z0-9]{26}$/),
      supportedConnectionTypes: ['long-polling'],
      channel: '/meta/handshake',
      id: '1',
      version: '1.0',
      successful: true,
      reestablish: false,
    });
  });

  it('when the token is absent or invalid, then the handshake is denied with the 401 cause in ext.sfdc', async () => {
    const server = await start();
    const anonymous = await bayeux(server, null).handshake();
    expect(anonymous).toMatchObject({
      error: '403::Handshake denied',
      successful: false,
      advice: { reconnect: 'none' },
      ext: { sfdc: { failureReason: '401::Request requires authentication' } },
    });
    const bad = await bayeux(server, 'not-a-token').handshake();
    expect(bad.ext?.sfdc?.failureReason).toBe('401::Authentication invalid');
  });

  it('when the first connect follows the handshake, then it returns at once with Salesforce’s advice', async () => {
    // A long poll far beyond the test's timeout: a first connect that were held would fail the test.
    const server = await start({ streaming: { longPollMs: 600_000 } });
    const client = bayeux(server);
    await client.handshake();
    const [reply] = await client.connect();
    expect(reply).toEqual({
      clientId: client.clientId,
      advice: { interval: 0, reconnect: 'retry', timeout: 600_000 },
      channel: '/meta/connect',
      id: expect.any(String),
      successful: true,
    });
  });

  it('when no event arrives, then a later connect is held for the long-poll time', async () => {
    const server = await start({ streaming: { longPollMs: 600 } });
    const client = await subscribed(server);
    const started = Date.now();
    const messages = await client.connect();
    expect(Date.now() - started).toBeGreaterThanOrEqual(550);
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ channel: '/meta/connect', successful: true });
  });

  it('when a change commits while a poll is held, then the poll returns with the event envelope', async () => {
    const server = await start({ streaming: { longPollMs: 10_000 } });
    const client = await subscribed(server);
    const poll = client.connect();
    await new Promise((r) => setTimeout(r, 100));
    server.commit([contactPhoneUpdate(contactId(1), '111')], { commitUserId: REP_USER });
    const messages = await poll;
    expect(messages.at(-1)).toMatchObject({ channel: '/meta/connect', successful: true });
    expect(dataMessages(messages)).toEqual([
      {
        channel: CHANNEL,
        data: {
          schema: expect.stringMatching(/^[\w-]{22}$/),
          payload: expect.objectContaining({
            ChangeEventHeader: expect.objectContaining({ commitUser: REP_USER, recordIds: [contactId(1)] }),
            Phone: '111',
          }),
          event: { replayId: expect.any(Number) },
        },
      },
    ]);
  });

  it('when a change commits, then it is delivered on every channel its entity belongs to', async () => {
    const server = await start();
    const onAll = await subscribed(server, undefined, '/data/ChangeEvents');
    const onEntity = await subscribed(server, undefined, '/data/ContactChangeEvent');
    const onLead = await subscribed(server, undefined, '/data/LeadChangeEvent');
    server.commit([contactPhoneUpdate(contactId(1), '1')]);
    const [all, entity, lead] = await Promise.all([onAll.connect(), onEntity.connect(), onLead.connect()]);
    expect(dataMessages(all).map((m) => m.channel)).toEqual(['/data/ChangeEvents']);
    expect(dataMessages(entity).map((m) => m.channel)).toEqual(['/data/ContactChangeEvent']);
    expect(dataMessages(lead)).toEqual([]);
  });

  it('when a platform event is published, then /event/<Name> delivers it with EventUuid next to replayId', async () => {
    const server = await start();
    const client = await subscribed(server, undefined, '/event/Audience_Command__e');
    const published = server.ctx.publishPlatformEvent('Audience_Command__e', { Command__c: 'RUN_IMPORT' }, REP_USER);
    const [message] = dataMessages(await client.connect());
    expect(message).toEqual({
      channel: '/event/Audience_Command__e',
      data: {
        schema: expect.any(String),
        payload: { CreatedDate: expect.stringMatching(/Z$/), CreatedById: REP_USER, Command__c: 'RUN_IMPORT' },
        event: { EventUuid: published.eventUuid, replayId: expect.any(Number) },
      },
    });
  });

  it('when the subscription is missing, relative, or unknown, then the subscribe fails with Salesforce’s text', async () => {
    const server = await start();
    const client = bayeux(server);
    await client.handshake();
    const { body } = await client.post([{ channel: '/meta/subscribe', clientId: client.clientId, id: '9' }]);
    expect(body[0]).toMatchObject({ successful: false, error: '400::Channel name not specified' });
    expect((await client.subscribe('data/ChangeEvents')).error).toBe(
      "400::Channel subscriptions must start with a leading '/'",
    );
    for (const channel of [
      '/topic/InvoiceStatementUpdates',
      '/data/Nope__chn',
      '/data/contactChangeEvent',
      '/event/Nope__e',
    ]) {
      expect((await client.subscribe(channel)).error).toBe(
        `400::The channel you requested to subscribe to doesn't exist {${channel}}`,
      );
    }
    expect((await client.subscribe('/data/Audience__ChangeEvent')).successful).toBe(true);
  });

  it('when replaying with -2, then every retained event comes; with -1, only new ones', async () => {
    const server = await start();
    server.commit([contactPhoneUpdate(contactId(1), '1')]);
    server.commit([contactPhoneUpdate(contactId(2), '2')]);
    const all = await subscribed(server, -2);
    const fresh = await subscribed(server, -1);
    expect(dataMessages(await all.connect()).map((m) => m.data.payload.Phone)).toEqual(['1', '2']);
    server.commit([contactPhoneUpdate(contactId(3), '3')]);
    expect(dataMessages(await fresh.connect()).map((m) => m.data.payload.Phone)).toEqual(['3']);
  });

  it('when replaying from a stored id, then exactly the later events come, in order', async () => {
    const server = await start();
    const ids = [1, 2, 3, 4];
    for (const n of ids) server.commit([contactPhoneUpdate(contactId(n), String(n))]);
    const first = await subscribed(server, -2);
    const replayIds = dataMessages(await first.connect()).map((m) => m.data.event.replayId as number);
    expect(replayIds).toHaveLength(ids.length);
    expect([...replayIds].sort((a, b) => a - b)).toEqual(replayIds);
    const resumed = await subscribed(server, replayIds[1]);
    expect(dataMessages(await resumed.connect()).map((m) => m.data.payload.Phone)).toEqual(['3', '4']);
  });

  it('when the replay id was never issued or has expired, then the subscribe fails with the invalid-replay text', async () => {
    const server = await start({ streaming: { retentionMs: 60_000 } });
    server.commit([contactPhoneUpdate(contactId(1), '1')]);
    const probe = await subscribed(server, -2);
    const [event] = dataMessages(await probe.connect());
    const stored = event!.data.event.replayId;

    const client = bayeux(server);
    await client.handshake();
    const never = await client.subscribe(CHANNEL, stored + 1_000);
    expect(never).toMatchObject({
      channel: '/meta/subscribe',
      subscription: CHANNEL,
      successful: false,
      error: `400::The replayId {${stored + 1_000}} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`,
    });
    expect((await client.subscribe(CHANNEL, stored)).successful).toBe(true);
    await client.unsubscribe(CHANNEL);
    server.ctx.clock.advance(60_001);
    // The clock jump also outlasts the idle window, so a fresh client asks.
    const late = bayeux(server);
    await late.handshake();
    const expired = await late.subscribe(CHANNEL, stored);
    expect(expired.error).toMatch(/^400::The replayId \{\d+\} you provided was invalid/);
  });

  it('when the client stays silent past the idle window, then its next connect gets 403::Unknown client', async () => {
    const server = await start({ streaming: { clientIdleMs: 40_000 } });
    const client = await subscribed(server);
    server.ctx.clock.advance(40_001);
    const [reply] = await client.connect();
    expect(reply).toMatchObject({
      channel: '/meta/connect',
      error: '403::Unknown client',
      successful: false,
      advice: { interval: 0, reconnect: 'handshake' },
    });
  });

  it('when the token is revoked, then the next connect fails with 401 and reconnect none', async () => {
    const server = await start({ streaming: { longPollMs: 300 } });
    const token = server.issueToken(INTEGRATION_USER);
    const client = bayeux(server, token);
    await client.handshake();
    await client.connect();
    const held = client.connect();
    server.revokeToken(token);
    const [reply] = await held;
    expect(reply).toEqual({
      clientId: client.clientId,
      advice: { reconnect: 'none', interval: 0 },
      channel: '/meta/connect',
      id: expect.any(String),
      error: '401::Authentication invalid',
      successful: false,
    });
  });

  it('when the org already has its maximum of clients, then another handshake is refused until one leaves', async () => {
    const server = await start({ streaming: { maxConcurrentClients: 2 } });
    const a = bayeux(server);
    const b = bayeux(server);
    const c = bayeux(server);
    expect((await a.handshake()).successful).toBe(true);
    expect((await b.handshake()).successful).toBe(true);
    expect(await c.handshake()).toMatchObject({
      successful: false,
      error: '403::Handshake denied',
      ext: { sfdc: { failureReason: '403::Organization concurrent user limit exceeded' } },
    });
    await a.disconnect();
    expect((await c.handshake()).successful).toBe(true);
  });

  it('when a client drops its session cookie, then its connect fails with the missing-cookie error', async () => {
    const server = await start();
    const client = bayeux(server);
    await client.handshake();
    const { body } = await client.post(
      [{ channel: '/meta/connect', clientId: client.clientId, connectionType: 'long-polling', id: '5' }],
      { keepCookies: false },
    );
    expect(body[0]?.error).toBe(
      `400::Client ${client.clientId} has established a session, but no BAYEUX_BROWSER cookie present`,
    );
  });

  it('when a client unsubscribes or disconnects, then it stops receiving and is forgotten', async () => {
    const server = await start({ streaming: { longPollMs: 300 } });
    const client = await subscribed(server);
    expect(await client.unsubscribe(CHANNEL)).toMatchObject({ successful: true, subscription: CHANNEL });
    server.commit([contactPhoneUpdate(contactId(1), '1')]);
    expect(dataMessages(await client.connect())).toEqual([]);
    const id = client.clientId;
    expect(await client.disconnect()).toMatchObject({ channel: '/meta/disconnect', successful: true });
    client.clientId = id;
    expect((await client.connect())[0]?.error).toBe('403::Unknown client');
  });

  it('when the org selects more entities than the allocation, then only the first ones are captured', async () => {
    const server = await start({ streaming: { maxSelectedEntities: 2 } });
    const client = await subscribed(server, undefined, '/data/ChangeEvents');
    server.commit([
      contactPhoneUpdate(contactId(1), '1'),
      { changeType: 'DELETE', entityName: 'Lead', recordId: '00Q000000000001AAA', changedFields: [], values: {} },
      { changeType: 'DELETE', entityName: 'Account', recordId: '001000000000001AAA', changedFields: [], values: {} },
    ]);
    const entities = dataMessages(await client.connect()).map((m) => m.data.payload.ChangeEventHeader.entityName);
    expect(entities).toEqual(['Contact', 'Lead']);
    const state = (await (await fetch(`${server.url}/__emulator/streaming/state`)).json()) as StreamingStateView;
    expect(state.cdc).toEqual({ selectedEntities: ['Contact', 'Lead'], refusedSelections: ['Account'] });
  });
});
