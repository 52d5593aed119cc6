import type { Redis } from 'ioredis';
import type { Connection } from 'jsforce';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../../test/emulators/salesforce';
import {
  buildHarness,
  connectionAs,
  contactIds,
  control,
  deleteTestKeys,
  handledBeforeSentinel,
  integrationConnection,
  openRedis,
  startEmulator,
  waitUntil,
  type Harness,
} from './stream-harness';

// Own emulator: these tests expire every session and move the org clock by days.
let emulator: RunningEmulator;
let redis: Redis;
const running: Harness[] = [];

beforeAll(async () => {
  emulator = await startEmulator();
  redis = await openRedis();
});

afterEach(async () => {
  for (const harness of running.splice(0)) await harness.subscriber.stop();
  await control(emulator, '/streaming/reset');
});

afterAll(async () => {
  if (redis) await deleteTestKeys(redis);
  redis?.disconnect();
  await emulator?.stop();
});

async function live(conn: Connection, overrides: Parameters<typeof buildHarness>[2] = {}): Promise<Harness> {
  const harness = buildHarness(conn, redis, overrides);
  running.push(harness);
  await harness.subscriber.start();
  await waitUntil('subscriber live', () => harness.subscriber.state().state === 'live');
  return harness;
}

describe('CdcSubscriber recovery', () => {
  it('when every session expires, then the subscriber renews the token, rebuilds its client and loses nothing', async () => {
    const ids = await contactIds(emulator, 2);
    const conn = await integrationConnection(emulator);
    const refreshes: string[] = [];
    conn.on('refresh', (token: string) => refreshes.push(token));
    const harness = await live(conn);
    await (await connectionAs(emulator, 'rep')).sobject('Contact').update({ Id: ids[0]!, Title: 'Before expiry' });
    await waitUntil('the first change is handled', () => harness.handled.length === 1);

    expect(await control(emulator, '/faults', { expireSessions: true })).toMatchObject({
      expiredSessions: expect.any(Number),
    });
    // Made while the streaming session is dead: only the stored replay id brings it back.
    await (await connectionAs(emulator, 'rep')).sobject('Contact').update({ Id: ids[1]!, Title: 'During expiry' });

    await waitUntil('the token is renewed', () => refreshes.length >= 1);
    await waitUntil('the second change is handled', () => harness.handled.length >= 2);
    await (await connectionAs(emulator, 'rep')).sobject('Contact').update({ Id: ids[0]!, Title: 'After expiry' });
    await waitUntil('the third change is handled', () => harness.handled.length >= 3);
    const handled = await handledBeforeSentinel(emulator, harness, ids[1]!);
    expect(handled.map((e) => e.values.Title)).toEqual(['Before expiry', 'During expiry', 'After expiry']);
    expect(harness.subscriber.state().state).toBe('live');
    expect(harness.logs().some((l) => /401::Authentication invalid/.test(l.msg))).toBe(true);
    // The token never reaches a log line.
    const text = JSON.stringify(harness.logs());
    for (const token of refreshes) expect(text).not.toContain(token);
  });

  it('when the token is renewed elsewhere, then the streaming client is rebuilt from the stored id', async () => {
    const [id] = await contactIds(emulator, 1);
    const conn = await integrationConnection(emulator);
    const harness = await live(conn);
    // What jsforce emits after any REST call of the server met INVALID_SESSION_ID and refreshed.
    conn.emit('refresh', conn.accessToken);
    await waitUntil(
      'rebuilt and live',
      () =>
        harness.logs().some((l) => /access token renewed/.test(l.msg)) && harness.subscriber.state().state === 'live',
    );
    await (await connectionAs(emulator, 'rep')).sobject('Contact').update({ Id: id!, Title: 'After refresh' });
    await waitUntil('the change is handled', () => harness.handled.length === 1);
    const handled = await handledBeforeSentinel(emulator, harness, id!);
    expect(handled.map((e) => e.values.Title)).toEqual(['After refresh']);
  });

  it('when the stored replay id is older than the retention window, then it reconciles once and follows new events', async () => {
    const [id] = await contactIds(emulator, 1);
    const conn = await integrationConnection(emulator);
    const first = await live(conn);
    await (await connectionAs(emulator, 'rep')).sobject('Contact').update({ Id: id!, Title: 'Three days ago' });
    await waitUntil('the change is handled', () => first.handled.length === 1);
    const stored = first.handled[0]!.replayId;
    await waitUntil('its replay id is stored', async () => (await first.store.get()) === stored);
    await first.subscriber.stop();

    // Past retention (and past every token's lifetime: the subscriber renews its own).
    await control(emulator, '/clock/advance', { hours: 72, ms: 1 });
    let releaseReconcile: () => void = () => undefined;
    const reconciled = new Promise<void>((resolve) => (releaseReconcile = resolve));
    const second = await live(conn, { store: first.store, onReplayInvalid: () => reconciled });
    await waitUntil('reconciliation started', () => second.replayInvalidCalls === 1);

    // A change made while reconciling waits behind it, then is handled.
    await (await connectionAs(emulator, 'rep')).sobject('Contact').update({ Id: id!, Title: 'While reconciling' });
    // Accepted (the subscriber took the event off the stream): a handler not held behind the reconciliation runs at
    // once, without I/O, so it would have run before the next macrotask.
    await waitUntil('the change is accepted', () => second.subscriber.state().lastEventAt !== null);
    await new Promise((resolve) => setImmediate(resolve));
    expect(second.handled).toHaveLength(0);
    releaseReconcile();
    await waitUntil('the new change is handled', () => second.handled.length === 1);
    await (await connectionAs(emulator, 'rep')).sobject('Contact').update({ Id: id!, Title: 'After reconciling' });
    await waitUntil('the next change is handled', () => second.handled.length === 2);
    await waitUntil('the new id is stored', async () => (await second.store.get()) === second.handled[1]!.replayId);
    const handled = await handledBeforeSentinel(emulator, second, id!);
    expect(second.replayInvalidCalls).toBe(1);
    expect(handled.map((e) => e.values.Title)).toEqual(['While reconciling', 'After reconciling']);
    const warning = second.logs().find((l) => /stored replay id refused/.test(l.msg));
    expect(warning).toMatchObject({ level: 40, replayId: stored });
  });
});
