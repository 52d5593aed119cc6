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
  /** Attempts to take the lease (SET NX) that Redis answered: a stand-by's proof that it competed. */
  attempts: () => number;
}

/**
 * Lease timings. The holder steps down once it has not renewed for ttl − renew, checked at each renewal tick, so it
 * stops up to ttl after its last renewal; ttl = 2 × renew keeps one renewal period of margin for a late timer on a
 * busy machine before a stand-by may take over, and a renewal may take up to renew (1.5 s) to answer.
 */
const TTL_MS = 3_000;
const RENEW_MS = 1_500;

async function competitor(keys: KeySpace, name: string): Promise<Competitor> {
  const redis = await openRedis();
  // A process that loses Redis must not print unhandled connection errors into the test output.
  redis.on('error', () => undefined);
  clients.push(redis);
  const events: string[] = [];
  let attempts = 0;
  const set = redis.set.bind(redis) as (...args: unknown[]) => Promise<unknown>;
  (redis as unknown as { set: (...args: unknown[]) => Promise<unknown> }).set = async (...args) => {
    try {
      return await set(...args);
    } finally {
      attempts += 1;
    }
  };
  const lease = new StreamLease({
    redis,
    keys,
    logger: captureLogger().logger.child({ name }),
    ttlMs: TTL_MS,
    renewMs: RENEW_MS,
    pollMs: 100,
    onAcquired: async (fence) => void events.push(`acquired:${fence}`),
    onLost: async () => void events.push('lost'),
  });
  leases.push(lease);
  return { lease, redis, events, attempts: () => attempts };
}

describe('StreamLease', () => {
  it('when several processes compete, then exactly one holds the lease and a graceful stop hands it over', async () => {
    const keys = testKeySpace('lease');
    const all = [await competitor(keys, 'a'), await competitor(keys, 'b'), await competitor(keys, 'c')];
    for (const c of all) c.lease.start();
    await waitUntil('one leader started', () => all.some((c) => c.lease.isLeader() && c.events.length === 1));
    // Each stand-by tried to take the lease twice more after the leader started (and was refused).
    const standBys = all.filter((c) => !c.lease.isLeader());
    const before = standBys.map((c) => c.attempts());
    await waitUntil('the stand-bys competed', () => standBys.every((c, i) => c.attempts() >= before[i]! + 2));
    expect(all.filter((c) => c.lease.isLeader())).toHaveLength(1);
    expect(standBys.every((c) => c.events.length === 0)).toBe(true);

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
