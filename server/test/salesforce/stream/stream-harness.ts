import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Connection } from 'jsforce';
import type { Redis } from 'ioredis';
import { startSalesforceEmulator, type RunningEmulator } from '../../../../test/emulators/salesforce';
import { createLogger, type Logger } from '../../../src/lib/logger';
import { connectSalesforce } from '../../../src/salesforce/auth/connection-factory';
import { CdcSubscriber, CDC_CHANNEL, type CdcSubscriberOptions } from '../../../src/salesforce/stream/cdc-subscriber';
import type { RecordChangeEvent } from '../../../src/salesforce/stream/change-event';
import { ReplayStore } from '../../../src/salesforce/stream/replay-store';
import { KeySpace } from '../../../src/state/key-space';
import { createRedis } from '../../../src/state/redis';
import { TEST_REDIS_URL, uniquePrefix } from '../../support/redis-test';

export const API_VERSION = '62.0';
export type Role = 'admin' | 'integration' | 'rep';

/** Short polls and idle windows keep the suites fast; the behaviour is Salesforce's. */
export async function startEmulator(): Promise<RunningEmulator> {
  return startSalesforceEmulator({ seed: 20, streaming: { longPollMs: 2_000, clientIdleMs: 5_000 } });
}

export async function openRedis(): Promise<Redis> {
  const redis = createRedis(TEST_REDIS_URL, { name: 'stream-test' });
  await redis.connect();
  return redis;
}

const prefixesUsed = new Set<string>();

/** A KeySpace under a prefix of its own, remembered so `deleteTestKeys` can remove what the test wrote. */
export function testKeySpace(label = 'stream'): KeySpace {
  const prefix = uniquePrefix(label);
  prefixesUsed.add(prefix);
  return new KeySpace(prefix);
}

/** Deletes only the keys under the prefixes this file created (never a flush: the database is shared). */
export async function deleteTestKeys(redis: Redis): Promise<void> {
  for (const prefix of prefixesUsed) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
  prefixesUsed.clear();
}

/** Log lines and control replies are loosely shaped JSON; tests read the fields they need. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = Record<string, any>;

export async function control(emulator: RunningEmulator, path: string, body: unknown = {}): Promise<Json> {
  const res = await fetch(`${emulator.instanceUrl}/__emulator${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return res.json();
}

/** A fresh token per call: some tests expire sessions or move the org clock past the standing tokens' lifetime. */
export async function connectionAs(
  emulator: RunningEmulator,
  role: Role,
  client = `${role}-console`,
): Promise<Connection> {
  const { accessToken } = (await control(emulator, '/tokens', { role })) as { accessToken: string };
  return new Connection({
    instanceUrl: emulator.instanceUrl,
    accessToken,
    version: API_VERSION,
    callOptions: { client },
  });
}

/** The server's own connection: client credentials, so jsforce can renew the token (and emits `refresh`). */
export async function integrationConnection(emulator: RunningEmulator): Promise<Connection> {
  return connectSalesforce({
    mode: 'client_credentials',
    apiVersion: API_VERSION,
    loginUrl: emulator.loginUrl,
    clientId: emulator.clientId,
    clientSecret: emulator.clientSecret,
  });
}

export function userId(emulator: RunningEmulator, role: Role): string {
  const user = emulator.users.find((u) => u.role === role);
  if (!user) throw new Error(`no ${role} user in the emulator`);
  return user.id;
}

export async function contactIds(emulator: RunningEmulator, n: number): Promise<string[]> {
  const conn = await connectionAs(emulator, 'integration');
  const result = await conn.query<{ Id: string }>(`SELECT Id FROM Contact ORDER BY Id LIMIT ${n}`);
  return result.records.map((r) => r.Id);
}

/** Polls `condition` until it holds; fails with `what` after `timeoutMs` (generous: no timing is asserted). */
export async function waitUntil(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for: ${what}`);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Makes one more change (a Description no test asserts) and waits until it is handled. Events are handled in
 * order, so everything the org sent before it (a duplicate or a stray event included) has been handled by then: the
 * positive signal a test waits on before it asserts that nothing more arrived. Returns the events handled before it.
 */
export async function handledBeforeSentinel(
  emulator: RunningEmulator,
  harness: Harness,
  recordId: string,
): Promise<RecordChangeEvent[]> {
  const marker = `sentinel ${randomUUID()}`;
  await (await connectionAs(emulator, 'rep')).sobject('Contact').update({ Id: recordId, Description: marker });
  const isSentinel = (event: RecordChangeEvent) => event.values.Description === marker;
  await waitUntil('the sentinel change is handled', () => harness.handled.some(isSentinel));
  return harness.handled.slice(0, harness.handled.findIndex(isSentinel));
}

/** The emulator's view of its CometD clients (`GET /__emulator/streaming/state`). */
export async function streamingClients(
  emulator: RunningEmulator,
): Promise<{ clientId: string; subscriptions: string[]; pendingEvents: number; holdingPoll: boolean }[]> {
  const res = await fetch(`${emulator.instanceUrl}/__emulator/streaming/state`);
  return ((await res.json()) as Json).clients;
}

/**
 * True once every client subscribed to `channel` has been sent every event and has come back with its next long
 * poll: Faye hands a reply's events to the subscription before it polls again, so each was accepted by then.
 */
export async function everyEventTaken(emulator: RunningEmulator, channel = CDC_CHANNEL): Promise<boolean> {
  const clients = (await streamingClients(emulator)).filter((c) => c.subscriptions.includes(channel));
  return clients.length > 0 && clients.every((c) => c.pendingEvents === 0 && c.holdingPoll);
}

/** A logger whose JSON lines a test can read. */
export function captureLogger(): { logger: Logger; lines: () => Json[] } {
  const raw: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      raw.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const logger = createLogger({ level: process.env.STREAM_TEST_LOG ?? 'debug', name: 'stream-test' }, sink);
  return { logger, lines: () => raw.map((line) => JSON.parse(line) as Json) };
}

export interface Harness {
  subscriber: CdcSubscriber;
  store: ReplayStore;
  handled: RecordChangeEvent[];
  replayInvalidCalls: number;
  logs: () => Json[];
}

/** A subscriber on its own key prefix with a recording handler; `handler` wraps the recording if given. */
export function buildHarness(
  conn: Connection,
  redis: Redis,
  overrides: Partial<
    Pick<CdcSubscriberOptions, 'handler' | 'onReplayInvalid' | 'onMalformed' | 'onPoison' | 'poison' | 'channel'>
  > & {
    store?: ReplayStore;
  } = {},
): Harness {
  const store = overrides.store ?? new ReplayStore(redis, testKeySpace(), CDC_CHANNEL);
  const { logger, lines } = captureLogger();
  const harness: Harness = {
    store,
    handled: [],
    replayInvalidCalls: 0,
    logs: lines,
    subscriber: undefined as unknown as CdcSubscriber,
  };
  harness.subscriber = new CdcSubscriber({
    conn,
    channel: overrides.channel ?? CDC_CHANNEL,
    replayStore: store,
    logger,
    backoff: { initialMs: 100, maxMs: 1_000 },
    handler: async (event) => {
      await overrides.handler?.(event);
      harness.handled.push(event);
    },
    onReplayInvalid: async () => {
      harness.replayInvalidCalls += 1;
      await overrides.onReplayInvalid?.();
    },
    onMalformed: overrides.onMalformed,
    onPoison: overrides.onPoison,
    poison: overrides.poison,
  });
  return harness;
}
