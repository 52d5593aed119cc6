import type { Redis } from 'ioredis';
import type { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningEmulator } from '../../../../test/emulators/salesforce';
import { CDC_CHANNEL } from '../../../src/salesforce/stream/cdc-subscriber';
import { ReplayStore } from '../../../src/salesforce/stream/replay-store';
import type { StaleFenceError } from '../../../src/salesforce/stream/stale-fence-error';
import {
  buildHarness,
  connectionAs,
  contactIds,
  deleteTestKeys,
  integrationConnection,
  openRedis,
  startEmulator,
  testKeySpace,
  waitUntil,
} from './stream-harness';

let emulator: RunningEmulator;
let redis: Redis;
let conn: Connection;

beforeAll(async () => {
  emulator = await startEmulator();
  redis = await openRedis();
  conn = await integrationConnection(emulator);
});

afterAll(async () => {
  if (redis) await deleteTestKeys(redis);
  redis?.disconnect();
  await emulator?.stop();
});

describe('CdcSubscriber with a fenced replay store', () => {
  it('when a newer lease holder drew a fence, then the old subscriber handles the event but its commit is refused and it stops', async () => {
    const [id] = await contactIds(emulator, 1);
    const keys = testKeySpace('fence');
    const fenceKey = `${keys.streamLease()}:fence`;
    const store = new ReplayStore(redis, keys, CDC_CHANNEL);
    const refused: StaleFenceError[] = [];
    store.onFencedOut((error) => refused.push(error));
    store.fenceWith(await redis.incr(fenceKey));
    const harness = buildHarness(conn, redis, { store });
    await harness.subscriber.start();
    await waitUntil('subscriber live', () => harness.subscriber.state().state === 'live');
    const rep = await connectionAs(emulator, 'rep');

    await rep.sobject('Contact').update({ Id: id!, Title: 'Fenced 1' });
    await waitUntil('the first change is committed under fence 1', async () => (await store.get()) !== undefined);
    const committed = await store.get();
    expect(await store.committedFence()).toBe(1);

    // Another process takes the lease (it draws fence 2) while this one still follows.
    await redis.incr(fenceKey);
    await rep.sobject('Contact').update({ Id: id!, Title: 'Fenced 2' });
    await waitUntil('the subscriber stopped itself', () => harness.subscriber.state().state === 'stopped');
    expect(harness.handled.map((event) => event.values.Title)).toEqual(['Fenced 1', 'Fenced 2']);
    expect(refused.map((error) => [error.fence, error.current])).toEqual([[1, 2]]);
    expect(await store.get()).toBe(committed);
    expect(await store.committedFence()).toBe(1);
    expect(harness.logs().some((line) => String(line.msg).includes('refused: replay id commit refused'))).toBe(true);
  });
});
