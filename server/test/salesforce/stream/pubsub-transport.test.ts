/**
 * The Pub/Sub API transport against the emulator's gRPC endpoint (TLS, Salesforce's own client): the same
 * `RecordChangeEvent`s as CometD for the same org changes, replay from the stored id across a restart, and flow
 * control as the server sees it.
 */
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Connection } from 'jsforce';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../../test/emulators/salesforce';
import { startPubSubServer, type RunningPubSubServer } from '../../../../test/emulators/salesforce/pubsub/index';
import { engineFor } from '../../../../test/emulators/salesforce/streaming/streaming-engine';
import { CdcSubscriber, CDC_CHANNEL } from '../../../src/salesforce/stream/cdc-subscriber';
import type { RecordChangeEvent } from '../../../src/salesforce/stream/change-event';
import { PubSubTransport } from '../../../src/salesforce/stream/pubsub-transport';
import { ReplayStore } from '../../../src/salesforce/stream/replay-store';
import {
  captureLogger,
  connectionAs,
  control,
  deleteTestKeys,
  everyEventTaken,
  integrationConnection,
  openRedis,
  startEmulator,
  testKeySpace,
  waitUntil,
} from './stream-harness';

let emulator: RunningEmulator;
let redis: Redis;
let conn: Connection;
const running: CdcSubscriber[] = [];
/** The emulator's gRPC server; a test restarts it (same port) to drop the streams. */
let grpcServer: RunningPubSubServer;

beforeAll(async () => {
  emulator = await startEmulator();
  redis = await openRedis();
  conn = await integrationConnection(emulator);
  grpcServer = emulator.pubSub!;
});
afterEach(async () => {
  for (const subscriber of running.splice(0)) await subscriber.stop();
});
afterAll(async () => {
  await deleteTestKeys(redis);
  redis?.disconnect();
  if (grpcServer !== emulator?.pubSub) await grpcServer?.stop();
  await emulator?.stop();
});

interface Follower {
  subscriber: CdcSubscriber;
  handled: RecordChangeEvent[];
  store: ReplayStore;
}

function follow(
  transport: 'cometd' | 'pubsub',
  options: {
    store?: ReplayStore;
    window?: number;
    handler?: (event: RecordChangeEvent) => Promise<void>;
    conn?: Connection;
    onReplayInvalid?: () => Promise<void>;
  } = {},
): Follower & { replayInvalidCalls: () => number } {
  const own = options.conn ?? conn;
  let replayInvalidCalls = 0;
  const store = options.store ?? new ReplayStore(redis, testKeySpace(`pubsub-${transport}`), CDC_CHANNEL);
  const handled: RecordChangeEvent[] = [];
  const { logger } = captureLogger();
  const subscriber = new CdcSubscriber({
    conn: own,
    channel: CDC_CHANNEL,
    replayStore: store,
    logger,
    backoff: { initialMs: 100, maxMs: 1_000 },
    handler: async (event) => {
      await options.handler?.(event);
      handled.push(event);
    },
    onReplayInvalid: async () => {
      replayInvalidCalls += 1;
      await options.onReplayInvalid?.();
    },
    transport:
      transport === 'pubsub'
        ? new PubSubTransport({
            conn: own,
            endpoint: emulator.pubSubEndpoint,
            rejectUnauthorized: false,
            window: options.window,
            logger,
          })
        : undefined,
  });
  running.push(subscriber);
  return { subscriber, handled, store, replayInvalidCalls: () => replayInvalidCalls };
}

/** The server-side Subscribe streams on the loop's channel. */
function serverStreams() {
  return grpcServer.subscriptions().filter((s) => s.topic === CDC_CHANNEL);
}

/** Live on both sides: CometD acknowledged the subscribe, the gRPC server took the first FetchRequest. */
async function live(follower: Follower, transport: 'cometd' | 'pubsub', known: Set<string> = new Set()): Promise<void> {
  await waitUntil(`${transport} live`, () => follower.subscriber.state().state === 'live');
  if (transport === 'pubsub')
    await waitUntil('the server-side stream', () => serverStreams().some((s) => !known.has(s.rpcId)));
  else await waitUntil('CometD polling', () => everyEventTaken(emulator));
}

function latestReplayId(): number {
  return engineFor(emulator.context).bus.latestReplayId();
}

async function rep(): Promise<Connection> {
  return connectionAs(emulator, 'rep');
}

describe('CDC over the Pub/Sub API', () => {
  it('when contacts are created, updated (values set and nulled, a compound changed), deleted and undeleted, then Pub/Sub yields the same RecordChangeEvents as CometD', async () => {
    const cometd = follow('cometd');
    const pubsub = follow('pubsub');
    await cometd.subscriber.start();
    await pubsub.subscriber.start();
    await live(cometd, 'cometd');
    await live(pubsub, 'pubsub');

    const org = await rep();
    const created = await org.sobject('Contact').create({
      FirstName: 'Ada',
      LastName: `Lovelace ${randomUUID().slice(0, 8)}`,
      Email: 'ada@example.com',
      Title: 'Analyst',
      MailingCity: 'London',
    });
    const id = (created as { id: string }).id;
    await org.sobject('Contact').update({ Id: id, Title: 'Countess', MailingCity: 'Paris', LastName: 'Byron' });
    await org.sobject('Contact').update({ Id: id, Email: null, Title: null });
    await org.sobject('Contact').destroy(id);
    await org
      .request({ method: 'POST', url: `/services/data/v62.0/sobjects/Contact/${id}/undelete` })
      .catch(() => undefined);
    await org
      .sobject('Contact')
      .update({ Id: id, Description: 'last' })
      .catch(() => undefined);
    const target = latestReplayId();

    await waitUntil('both transports handled everything', () => {
      const last = (f: Follower) => f.handled.at(-1)?.replayId;
      return last(cometd) === target && last(pubsub) === target;
    });
    const types = pubsub.handled.map((e) => e.changeType);
    expect(types.slice(0, 4)).toEqual(['CREATE', 'UPDATE', 'UPDATE', 'DELETE']);
    expect(pubsub.handled.length).toBeGreaterThanOrEqual(4);
    // Datetimes arrive as longs over gRPC and are ISO strings again, nulled fields explicit nulls, compounds flat.
    const nulled = pubsub.handled[2]!;
    expect(nulled.values).toMatchObject({ Email: null, Title: null });
    expect(pubsub.handled[1]!.values).toMatchObject({ Title: 'Countess', MailingCity: 'Paris', LastName: 'Byron' });
    // Pub/Sub lists changed fields in schema order, CometD in its own: the same set.
    const comparable = (events: RecordChangeEvent[]) =>
      events.map((e) => ({ ...e, changedFields: [...e.changedFields].sort() }));
    expect(comparable(pubsub.handled)).toEqual(comparable(cometd.handled));
  });

  it('when the subscriber restarts from the stored replay id, then it gets exactly the changes made while it was down, nothing twice', async () => {
    const first = follow('pubsub');
    await first.subscriber.start();
    await live(first, 'pubsub');
    const org = await rep();
    const ids = (await org.query<{ Id: string }>('SELECT Id FROM Contact ORDER BY Id LIMIT 3')).records.map(
      (r) => r.Id,
    );
    await org.sobject('Contact').update({ Id: ids[0]!, Title: 'before the restart' });
    const before = latestReplayId();
    await waitUntil('the first change handled and stored', async () => (await first.store.get()) === before);
    await first.subscriber.stop();
    running.splice(running.indexOf(first.subscriber), 1);

    for (const [i, id] of ids.entries()) await org.sobject('Contact').update({ Id: id, Title: `while down ${i}` });
    const target = latestReplayId();
    const streams = new Set(serverStreams().map((s) => s.rpcId));
    const second = follow('pubsub', { store: first.store });
    await second.subscriber.start();
    await live(second, 'pubsub', streams);
    await waitUntil('the missed changes handled', () => second.handled.at(-1)?.replayId === target);

    const missed = engineFor(emulator.context)
      .bus.eventsAfter(CDC_CHANNEL, before)
      .map((e) => e.replayId);
    expect(second.handled.map((e) => e.replayId)).toEqual(missed);
    expect(second.handled.map((e) => e.values.Title)).toEqual(['while down 0', 'while down 1', 'while down 2']);
    expect(first.handled.map((e) => e.replayId)).toEqual([before]);
    expect(await second.store.get()).toBe(target);
  });

  it('when the handler is slow, then no more events are requested than the window, and more are asked for as they drain', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered = 0;
    let worstOutstanding = 0;
    const window = 2;
    const streamsBefore = new Set(serverStreams().map((s) => s.rpcId));
    const ours = () => serverStreams().find((s) => !streamsBefore.has(s.rpcId));
    const slow = follow('pubsub', {
      window,
      handler: async () => {
        entered += 1;
        await gate;
        // Delivered by the server and not yet handled: what sits in memory on our side.
        const stream = ours()!;
        worstOutstanding = Math.max(worstOutstanding, stream.delivered - slow.handled.length);
      },
    });
    await slow.subscriber.start();
    await live(slow, 'pubsub', streamsBefore);
    const org = await rep();
    const ids = (await org.query<{ Id: string }>('SELECT Id FROM Contact ORDER BY Id LIMIT 5')).records.map(
      (r) => r.Id,
    );
    for (const [i, id] of ids.entries()) await org.sobject('Contact').update({ Id: id, Title: `slow ${i}` });
    const target = latestReplayId();

    await waitUntil('the first event in the handler', () => entered === 1);
    // The server has sent what was asked for and holds the rest: nothing more was requested.
    await waitUntil('the window delivered', () => ours()?.delivered === window && ours()?.pending === 0);
    expect(engineFor(emulator.context).bus.eventsAfter(CDC_CHANNEL, -Infinity).length).toBeGreaterThan(window);
    expect(slow.handled).toHaveLength(0);

    release();
    await waitUntil('every event handled', () => slow.handled.at(-1)?.replayId === target);
    expect(slow.handled.map((e) => e.values.Title)).toEqual(['slow 0', 'slow 1', 'slow 2', 'slow 3', 'slow 4']);
    expect(ours()!.delivered).toBe(5);
    expect(worstOutstanding).toBeLessThanOrEqual(window);
  });
});

describe('Pub/Sub recovery', () => {
  it('when the gRPC stream drops while every session has expired, then the token is renewed through jsforce and the stream resumes from the stored id', async () => {
    const own = await integrationConnection(emulator);
    const refreshes: string[] = [];
    own.on('refresh', (token: string) => refreshes.push(token));
    const follower = follow('pubsub', { conn: own });
    await follower.subscriber.start();
    await live(follower, 'pubsub', new Set(serverStreams().map((s) => s.rpcId)));
    const org = await rep();
    const ids = (await org.query<{ Id: string }>('SELECT Id FROM Contact ORDER BY Id LIMIT 2')).records.map(
      (r) => r.Id,
    );
    await org.sobject('Contact').update({ Id: ids[0]!, Title: 'Before the drop' });
    await waitUntil('the first change handled', () => follower.handled.length === 1);

    await control(emulator, '/faults', { expireSessions: true });
    await grpcServer.stop();
    // Made while no stream is open: only the stored replay id brings it back.
    await (await rep()).sobject('Contact').update({ Id: ids[1]!, Title: 'During the drop' });
    grpcServer = await startPubSubServer(emulator.context, { host: '127.0.0.1', port: grpcServer.port });

    await waitUntil('the token is renewed', () => refreshes.length >= 1);
    await waitUntil('the missed change handled', () => follower.handled.length >= 2);
    await (await rep()).sobject('Contact').update({ Id: ids[0]!, Title: 'After the drop' });
    await waitUntil('the next change handled', () => follower.handled.length >= 3);
    expect(follower.handled.map((e) => e.values.Title)).toEqual([
      'Before the drop',
      'During the drop',
      'After the drop',
    ]);
    expect(follower.subscriber.state().state).toBe('live');
  });

  it('when the stored replay id is past retention, then the objects are reconciled once and new events follow', async () => {
    const first = follow('pubsub');
    await first.subscriber.start();
    await live(first, 'pubsub', new Set(serverStreams().map((s) => s.rpcId)));
    const [id] = (await (await rep()).query<{ Id: string }>('SELECT Id FROM Contact ORDER BY Id LIMIT 1')).records;
    await (await rep()).sobject('Contact').update({ Id: id!.Id, Title: 'Three days ago' });
    const stored = latestReplayId();
    await waitUntil('its replay id stored', async () => (await first.store.get()) === stored);
    await first.subscriber.stop();
    // Missed while down, then gone with the retention window: only a reconciliation finds it.
    await (await rep()).sobject('Contact').update({ Id: id!.Id, Title: 'Missed' });

    // Past retention (and every token's lifetime: the subscriber renews its own first).
    await control(emulator, '/clock/advance', { hours: 72, ms: 1 });
    const second = follow('pubsub', { store: first.store, conn: await integrationConnection(emulator) });
    await second.subscriber.start();
    await waitUntil('reconciliation ran', () => second.replayInvalidCalls() === 1);
    await waitUntil('live again', () => second.subscriber.state().state === 'live');
    await waitUntil('the server-side stream', () => serverStreams().length > 0);
    await (await rep()).sobject('Contact').update({ Id: id!.Id, Title: 'After reconciling' });
    const target = latestReplayId();
    await waitUntil('the new change handled and stored', async () => (await second.store.get()) === target);
    expect(second.handled.map((e) => e.values.Title)).toEqual(['After reconciling']);
    expect(second.replayInvalidCalls()).toBe(1);
  });

  it('when the server holds a new stream, then answered() waits (live is only the request sent); released, it resolves at the first FetchResponse', async () => {
    const release = grpcServer.holdSubscriptions(CDC_CHANNEL);
    const held = () => grpcServer.subscriptions().filter((s) => s.heldTopic === CDC_CHANNEL);
    const stopped = follow('pubsub');
    await stopped.subscriber.start();
    await waitUntil('the first stream held', () => held().length === 1);
    const first = held()[0]!.rpcId;
    const unanswered = stopped.subscriber.answered();
    await stopped.subscriber.stop();
    expect(await unanswered).toBe(false);

    const follower = follow('pubsub');
    await follower.subscriber.start();
    let answered: boolean | undefined;
    void follower.subscriber.answered().then((value) => (answered = value));
    await waitUntil('the second stream held', () => held().some((s) => s.rpcId !== first));
    expect(follower.subscriber.acknowledgesSubscribe).toBe(false);
    expect(follower.subscriber.state().state).toBe('live');
    expect(answered).toBeUndefined();
    release();
    await waitUntil('the first answer (a keep-alive)', () => answered === true);
    expect(await follower.subscriber.answered()).toBe(true);

    const cometd = follow('cometd');
    await cometd.subscriber.start();
    expect(cometd.subscriber.acknowledgesSubscribe).toBe(true);
    expect(await cometd.subscriber.answered()).toBe(true);
    expect(cometd.subscriber.state().state).toBe('live');
  });
});
