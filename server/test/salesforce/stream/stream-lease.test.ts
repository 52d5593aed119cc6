import type { Redis } from 'ioredis';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { StreamLease } from '../../../src/salesforce/stream/stream-lease';
import type { KeySpace } from '../../../src/state/key-space';
import { captureLogger, deleteTestKeys, openRedis, testKeySpace, waitUntil } from './stream-harness';

const clients: Redis[] = [];
const leases: StreamLease[] = [];
let cleanup: Redis | undefined;

afterEach(async () => {
  for (const lease of leases.splice(0)) await lease.stop();
  for (const redis of clients.splice(0)) redis.disconnect();
});

afterAll(async () => {
  cleanup = await openRedis();
  await deleteTestKeys(cleanup);
  cleanup.disconnect();
});

interface Competitor {
  lease: StreamLease;
  redis: Redis;
  events: string[];
}

async function competitor(keys: KeySpace, name: string): Promise<Competitor> {
  const redis = await openRedis();
  // A process that loses Redis must not print unhandled connection errors into the test output.
  redis.on('error', () => undefined);
  clients.push(redis);
  const events: string[] = [];
  const lease = new StreamLease({
    redis,
    keys,
    logger: captureLogger().logger.child({ name }),
    ttlMs: 1_500,
    renewMs: 300,
    pollMs: 100,
    onAcquired: async (fence) => void events.push(`acquired:${fence}`),
    onLost: async () => void events.push('lost'),
  });
  leases.push(lease);
  return { lease, redis, events };
}

describe('StreamLease', () => {
  it('when several processes compete, then exactly one holds the lease and a graceful stop hands it over', async () => {
    const keys = testKeySpace('lease');
    const all = [await competitor(keys, 'a'), await competitor(keys, 'b'), await competitor(keys, 'c')];
    for (const c of all) c.lease.start();
    await waitUntil('one leader started', () => all.some((c) => c.lease.isLeader() && c.events.length === 1));
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(all.filter((c) => c.lease.isLeader())).toHaveLength(1);

    const first = all.find((c) => c.lease.isLeader())!;
    await first.lease.stop();
    expect(first.events).toEqual(['acquired:1', 'lost']);
    const rest = all.filter((c) => c !== first);
    await waitUntil('another leader started', () => rest.some((c) => c.lease.isLeader() && c.events.length === 1));
    const second = rest.find((c) => c.lease.isLeader())!;
    expect(second.events).toEqual(['acquired:2']);
    expect(rest.filter((c) => c.lease.isLeader())).toHaveLength(1);
  });

  it('when the holder loses Redis, then it steps down by itself and a stand-by takes over after the ttl', async () => {
    const keys = testKeySpace('lease');
    const a = await competitor(keys, 'a');
    a.lease.start();
    await waitUntil('a leads', () => a.lease.isLeader());
    const b = await competitor(keys, 'b');
    b.lease.start();

    let overlap = false;
    const watch = setInterval(() => {
      if (a.lease.isLeader() && b.lease.isLeader()) overlap = true;
    }, 10);
    a.redis.disconnect();
    await waitUntil('a stepped down', () => !a.lease.isLeader());
    await waitUntil('b leads and started', () => b.lease.isLeader() && b.events.length === 1);
    clearInterval(watch);
    expect(overlap).toBe(false);
    expect(a.events).toEqual(['acquired:1', 'lost']);
    expect(b.events).toEqual(['acquired:2']);
  });
});
