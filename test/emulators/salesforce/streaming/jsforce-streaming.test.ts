import { afterEach, describe, expect, it } from 'vitest';
import type { StreamingStateView } from './index';
import { INTEGRATION_USER, REP_USER } from './testing/fake-context';
import { startFakeOrgServer, type FakeOrgServer } from './testing/fake-org-server';
import { subscribeWithJsforce, type JsforceSubscriber } from './testing/jsforce-subscriber';
import { contactId, contactPhoneUpdate } from './testing/record-changes';

const CHANNEL = '/data/Audience_Loop__chn';
let org: FakeOrgServer | undefined;
const subscribers: JsforceSubscriber[] = [];

afterEach(async () => {
  for (const s of subscribers.splice(0)) s.disconnect();
  await org?.close();
  org = undefined;
});

async function start(options: Parameters<typeof startFakeOrgServer>[0] = {}): Promise<FakeOrgServer> {
  org = await startFakeOrgServer(options);
  return org;
}

function subscribe(
  server: FakeOrgServer,
  replayId: number,
  channel = CHANNEL,
  token = server.issueToken(INTEGRATION_USER),
) {
  const subscriber = subscribeWithJsforce(server.url, token, channel, replayId);
  subscribers.push(subscriber);
  return subscriber;
}

const phones = (s: JsforceSubscriber) => s.received.map((e) => e.payload.Phone as string);
const state = async (server: FakeOrgServer) =>
  (await (await fetch(`${server.url}/__emulator/streaming/state`)).json()) as StreamingStateView;
const fault = async (server: FakeOrgServer, body: unknown) =>
  fetch(`${server.url}/__emulator/streaming/faults`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Polls `condition` until it holds (the timeout is a safety net, not a timing assertion). */
async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('jsforce 3 streaming against the emulator', () => {
  it('when a rep updates a Contact, then a Replay subscriber on the custom channel gets it with the rep as commitUser', async () => {
    const server = await start();
    const sub = subscribe(server, -1);
    await sub.subscribed;
    server.commit([contactPhoneUpdate(contactId(1), '+1 555 0100')], {
      commitUserId: REP_USER,
      changeOrigin: 'com/salesforce/api/rest/62.0;client=rep-console',
    });
    const [event] = await sub.waitFor(1);
    expect(event?.payload.ChangeEventHeader).toMatchObject({
      entityName: 'Contact',
      changeType: 'UPDATE',
      commitUser: REP_USER,
      changeOrigin: 'com/salesforce/api/rest/62.0;client=rep-console',
      recordIds: [contactId(1)],
      changedFields: ['Phone', 'LastModifiedDate'],
    });
    expect(event?.event.replayId).toEqual(expect.any(Number));
  });

  it('when the subscriber reconnects with its stored replay id, then nothing is lost and nothing repeats', async () => {
    const server = await start();
    const first = subscribe(server, -1);
    await first.subscribed;
    server.commit([contactPhoneUpdate(contactId(1), '1')]);
    server.commit([contactPhoneUpdate(contactId(2), '2')]);
    await first.waitFor(2);
    const stored = first.lastReplayId();
    first.disconnect();

    for (const n of [3, 4, 5]) server.commit([contactPhoneUpdate(contactId(n), String(n))]);
    const second = subscribe(server, stored ?? -1);
    await second.subscribed;
    await second.waitFor(3);
    server.commit([contactPhoneUpdate(contactId(6), '6')]);
    await second.waitFor(4);
    await sleep(200);
    expect(phones(first)).toEqual(['1', '2']);
    expect(phones(second)).toEqual(['3', '4', '5', '6']);
  });

  it('when the stored replay id has expired, then the subscribe fails with the invalid-replay error', async () => {
    const server = await start({ streaming: { retentionMs: 3_600_000 } });
    const first = subscribe(server, -1);
    await first.subscribed;
    server.commit([contactPhoneUpdate(contactId(1), '1')]);
    await first.waitFor(1);
    const stored = first.lastReplayId() ?? 0;
    first.disconnect();
    server.ctx.clock.advance(3_600_001);
    const late = subscribe(server, stored);
    // Faye's error grammar cannot split this text, so the whole `400::…` string lands in `message`.
    await expect(late.subscribed).rejects.toMatchObject({
      message: `400::The replayId {${stored}} you provided was invalid.  Please provide a valid ID, -2 to replay all events, or -1 to replay only new events.`,
    });
  });

  it('when the token is revoked, then the AuthFailure extension fires', async () => {
    const server = await start({ streaming: { longPollMs: 300 } });
    const token = server.issueToken(INTEGRATION_USER);
    const sub = subscribe(server, -1, CHANNEL, token);
    await sub.subscribed;
    server.revokeToken(token);
    await until('the AuthFailure extension fires', () => sub.authFailures.length > 0);
    expect(sub.authFailures[0]).toMatchObject({ error: '401::Authentication invalid', advice: { reconnect: 'none' } });
  });

  it('when a platform event is published, then the jsforce listener gets EventUuid in data.event', async () => {
    const server = await start();
    const sub = subscribe(server, -1, '/event/Audience_Command__e');
    await sub.subscribed;
    const published = server.ctx.publishPlatformEvent('Audience_Command__e', { Command__c: 'RELOAD_CONFIG' }, REP_USER);
    const [event] = await sub.waitFor(1);
    expect(event?.event).toEqual({ EventUuid: published.eventUuid, replayId: expect.any(Number) });
    expect(event?.payload).toMatchObject({ Command__c: 'RELOAD_CONFIG', CreatedById: REP_USER });
  });
});

describe('org limits seen by jsforce', () => {
  it('when the org is at its client limit, then another jsforce client gets in only after one leaves', async () => {
    const server = await start({ streaming: { maxConcurrentClients: 1 } });
    const first = subscribe(server, -1);
    await first.subscribed;
    const second = subscribe(server, -1);
    let secondReady = false;
    void second.subscribed.then(() => (secondReady = true));
    await sleep(1_000);
    expect(secondReady).toBe(false);
    expect((await state(server)).clients).toHaveLength(1);
    first.disconnect();
    // Faye retries a refused handshake after its 5 s retry delay.
    await second.subscribed;
    server.commit([contactPhoneUpdate(contactId(1), '1')]);
    await second.waitFor(1);
    expect(second.authFailures).toEqual([]);
  });
});

describe('streaming faults through the control endpoint', () => {
  it('when unknownClient is switched on, then jsforce re-handshakes, resubscribes from its replay id and loses nothing', async () => {
    const server = await start({ streaming: { longPollMs: 5_000 } });
    const sub = subscribe(server, -1);
    await sub.subscribed;
    server.commit([contactPhoneUpdate(contactId(1), '1')]);
    await sub.waitFor(1);
    const before = (await state(server)).clients.map((c) => c.clientId);

    const res = await fault(server, { unknownClient: true });
    expect(await res.json()).toMatchObject({ ok: true, forgottenClients: 1 });
    // Committed while the client is being told it is unknown: only the replay id brings these back.
    server.commit([contactPhoneUpdate(contactId(2), '2')]);
    server.commit([contactPhoneUpdate(contactId(3), '3')]);
    await sub.waitFor(3);
    const after = (await state(server)).clients.map((c) => c.clientId);
    expect(after).toHaveLength(1);
    expect(after[0]).not.toBe(before[0]);
    server.commit([contactPhoneUpdate(contactId(4), '4')]);
    await sub.waitFor(4);
    await sleep(200);
    expect(phones(sub)).toEqual(['1', '2', '3', '4']);
  });

  it('when a held long poll is dropped, then Faye retries it and the events committed meanwhile still arrive', async () => {
    const server = await start({ streaming: { longPollMs: 10_000 } });
    const sub = subscribe(server, -1);
    await sub.subscribed;
    await until('the long poll is held', async () => (await state(server)).clients.some((c) => c.holdingPoll));
    const res = await fault(server, { dropLongPolls: 1 });
    expect(await res.json()).toMatchObject({ ok: true, droppedNow: 1 });
    server.commit([contactPhoneUpdate(contactId(1), '1')]);
    // Faye waits its retry delay (5 s) after a network error before polling again.
    await sub.waitFor(1, 15_000);
    expect(phones(sub)).toEqual(['1']);
    expect(sub.authFailures).toEqual([]);
  });

  it('when gap and overflow events are injected, then subscribers get header-only events', async () => {
    const server = await start();
    const sub = subscribe(server, -1);
    await sub.subscribed;
    const gap = await fault(server, {
      inject: { changeType: 'GAP_UPDATE', entityName: 'Contact', recordIds: [contactId(7)] },
    });
    expect(gap.status).toBe(200);
    await fault(server, { inject: { changeType: 'GAP_OVERFLOW', entityName: 'Account' } });
    const [update, overflow] = await sub.waitFor(2);
    expect(update?.payload).toEqual({
      ChangeEventHeader: expect.objectContaining({
        changeType: 'GAP_UPDATE',
        entityName: 'Contact',
        recordIds: [contactId(7)],
        changedFields: [],
      }),
    });
    expect(overflow?.payload).toEqual({
      ChangeEventHeader: expect.objectContaining({ changeType: 'GAP_OVERFLOW', entityName: 'Account', recordIds: [] }),
    });
  });

  it('when a fault request is malformed or names an unselected entity, then it is refused', async () => {
    const server = await start();
    expect((await fault(server, { dropLongPolls: -1 })).status).toBe(400);
    expect((await fault(server, { inject: { changeType: 'GAP_UPDATE', entityName: 'Audience__c' } })).status).toBe(400);
  });

  it('when reset, then clients are forgotten and the event log is cleared', async () => {
    const server = await start();
    const sub = subscribe(server, -1);
    await sub.subscribed;
    server.commit([contactPhoneUpdate(contactId(1), '1')]);
    await sub.waitFor(1);
    expect((await state(server)).eventLogSize).toBe(1);
    await fetch(`${server.url}/__emulator/streaming/reset`, { method: 'POST' });
    const after = await state(server);
    expect(after.eventLogSize).toBe(0);
  });
});
