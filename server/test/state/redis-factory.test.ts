/**
 * One connection kind for a Redis Cluster: the shared connection, each worker's duplicate of it and BullMQ's blocking
 * duplicate of that are all `SettlingCluster`s with the same seeds and options (docs/deploy.md, "Redis Cluster").
 * Nothing connects here (lazyConnect): the failover behaviour itself is proven in test/cluster.
 */
import { describe, expect, it } from 'vitest';
import { createRedis, duplicateRedis } from '../../src/state/redis';
import { SettlingCluster } from '../../src/state/settling-cluster';

describe('the Redis connection factory on a cluster', () => {
  const target = { url: 'redis://user:secret@127.0.0.1:6379', clusterNodes: [{ host: '127.0.0.1', port: 7001 }] };

  it('makes the shared connection a SettlingCluster, and every duplicate of it too', () => {
    const shared = createRedis(target, { name: 'shared' });
    const worker = duplicateRedis(shared, { name: 'worker' });
    const blocking = (worker as SettlingCluster).duplicate();
    for (const client of [shared, worker, blocking]) expect(client).toBeInstanceOf(SettlingCluster);
    expect(shared.status).toBe('wait');
    expect(worker.status).toBe('wait');
  });

  it('keeps the seed nodes, credentials and cluster options in the duplicates, with the worker settings', () => {
    const shared = createRedis(target, { name: 'shared' }) as SettlingCluster;
    const worker = duplicateRedis(shared, { name: 'worker' }) as SettlingCluster;
    for (const client of [worker, worker.duplicate()] as SettlingCluster[]) {
      expect(client.options.retryDelayOnFailover).toBe(shared.options.retryDelayOnFailover);
      expect(client.options.scaleReads).toBe('master');
      expect(client.options.redisOptions).toMatchObject({
        username: 'user',
        password: 'secret',
        maxRetriesPerRequest: null,
        connectionName: 'worker',
      });
      expect((client as unknown as { startupNodes: unknown[] }).startupNodes).toEqual([
        { host: '127.0.0.1', port: 7001 },
      ]);
    }
  });
});
