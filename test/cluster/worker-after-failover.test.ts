/**
 * A BullMQ worker on a Redis Cluster keeps taking jobs after the master of its slot fails over. BullMQ resets a
 * worker's blocking connection when its fetch overstays (disconnect, wait for `end`, connect) and fetches nothing
 * until that returns; two ioredis Cluster behaviours made it wait forever during a failover, and the worker then left
 * every new job in `wait` (the chaos scenario's 244 membership events). `SettlingCluster` (server/src/state) makes
 * both finish: these tests drive each behaviour on purpose, then run an idle worker through three failovers.
 */
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { Cluster, type Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/src/lib/logger';
import { createQueueFactory } from '../../server/src/queues/queue-factory';
import { createRedis, duplicateRedis, type RedisClient } from '../../server/src/state/redis';
import { SettlingCluster } from '../../server/src/state/settling-cluster';
import { REDIS_URL, waitFor } from '../e2e/support/loop-harness';
import { LocalCluster } from './support/local-cluster';

const logger = createLogger({ level: 'silent' });

/** Settles to 'resolved' / 'rejected', or stays 'pending' (read it after an event, never after a delay). */
function track(promise: Promise<unknown>): { state: 'pending' | 'resolved' | 'rejected' } {
  const tracked = { state: 'pending' as 'pending' | 'resolved' | 'rejected' };
  promise.then(
    () => (tracked.state = 'resolved'),
    () => (tracked.state = 'rejected'),
  );
  return tracked;
}

/** One turn of the event loop: promise reactions queued before it have run. */
const turn = () => new Promise((resolve) => setImmediate(resolve));

describe('Redis Cluster: a worker after a failover', { timeout: 600_000 }, () => {
  let cluster: LocalCluster;
  const prefix = `{wf-${randomBytes(3).toString('hex')}}`;

  beforeAll(async () => {
    cluster = await LocalCluster.start();
  }, 180_000);

  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it('connect() settles once the cluster is ready, also when its first ready check found the cluster failed', async () => {
    // A master down and its replica stopped: no failover can happen, so every node reports cluster_state:fail.
    const master = await cluster.masterPortOf('{some-other-slot}');
    const replica = await cluster.replicaOf(master);
    cluster.pause(replica);
    await cluster.kill(master);
    let resumed = false;
    const plain = new Cluster(cluster.seeds, { lazyConnect: true, enableReadyCheck: true, retryDelayOnFailover: 300 });
    const settling = duplicateRedis(createRedis({ url: REDIS_URL, clusterNodes: cluster.seeds })) as SettlingCluster;
    for (const client of [plain, settling]) client.on('error', () => undefined);
    try {
      const live = cluster.livePorts().find((p) => p !== replica)!;
      await waitFor(async () => (await cluster.cli(live, 'cluster', 'info')).includes('cluster_state:fail'), 60_000);
      const plainConnect = track(plain.connect());
      const settlingConnect = track(settling.connect());
      // Both clients reach the ready check, find the cluster failed, and retry by themselves.
      await Promise.all([once(plain, 'reconnecting'), once(settling, 'reconnecting')]);

      cluster.resume(replica);
      resumed = true;
      await Promise.all([once(plain, 'ready'), once(settling, 'ready')]);
      await turn();
      expect(settlingConnect.state).toBe('resolved');
      // ioredis' own Cluster is ready too, but the promise of the connect() that started it never settles: what
      // BullMQ's reset of a worker's blocking connection waited on.
      expect(plainConnect.state).toBe('pending');
    } finally {
      if (!resumed) cluster.resume(replica);
      plain.disconnect();
      settling.disconnect();
      // The cluster whole and redundant again for the next test, whatever happened here.
      await cluster.waitFailover(master, '{some-other-slot}');
      await cluster.restart(master);
    }
  });

  it('disconnect() ends even when a node joins the pool while it disconnects (a MOVED answer in flight)', async () => {
    const plain = new Cluster(cluster.seeds, { lazyConnect: true });
    const settling = duplicateRedis(createRedis({ url: REDIS_URL, clusterNodes: cluster.seeds })) as SettlingCluster;
    for (const client of [plain, settling]) {
      client.on('error', () => undefined);
      await client.connect();
      await client.ping();
    }
    const gone = [0, 0];
    const ends = [plain, settling].map((client, i) => {
      const pooled = client.nodes('all').length;
      client.on('-node', () => (gone[i] = gone[i]! + 1));
      const ended = track(once(client, 'end'));
      client.disconnect();
      // What ioredis' MOVED handler does for a command answered while the pool is being emptied.
      (client as unknown as { connectionPool: { findOrCreate(node: object): Redis } }).connectionPool.findOrCreate({
        host: '127.0.0.1',
        port: cluster.ports[0],
      });
      return { ended, pooled };
    });
    await waitFor(() => ends[1]!.ended.state === 'resolved', 30_000, 'the settling cluster to end');
    // …and stays ended once the nodes it dropped have closed (ioredis sets it back to "close" for each late one).
    // A node closing under a key that is taken again says nothing, hence one event fewer than nodes at most.
    await waitFor(() => gone[1]! >= ends[1]!.pooled, 30_000, 'the dropped nodes to close');
    await waitFor(() => gone[0]! >= ends[0]!.pooled - 1, 30_000, "the plain cluster's old nodes to close");
    await turn();
    expect(settling.status).toBe('end');
    // ioredis' own Cluster stays "disconnecting" with that node, and never ends.
    expect(plain.status).toBe('disconnecting');
    expect(ends[0]!.ended.state).toBe('pending');
    plain.nodes().forEach((node) => node.disconnect());
  });

  it('an idle worker takes new jobs after each of three failovers of its slot’s master', async () => {
    const connection: RedisClient = createRedis({ url: REDIS_URL, clusterNodes: cluster.seeds }, { name: 'wf' });
    connection.on('error', () => undefined);
    await connection.connect();
    const factory = createQueueFactory({ connection, prefix, logger });
    const done = new Set<string>();
    const worker = factory.worker('membership', async (job) => {
      done.add(String(job.id));
    });
    const queue = factory.queue('membership');
    try {
      await queue.add('probe', {}, { jobId: 'before' });
      await waitFor(() => done.has('before'), 60_000, 'the first job');
      for (let round = 1; round <= 3; round += 1) {
        // The worker is idle, blocked on the master of its slot, when that master dies.
        const master = await cluster.masterPortOf(prefix);
        await cluster.kill(master);
        await cluster.waitFailover(master, prefix);
        await cluster.restart(master);
        await queue.add('probe', {}, { jobId: `after-${round}` });
        await waitFor(() => done.has(`after-${round}`), 120_000, `the job added after failover ${round}`);
      }
    } finally {
      await worker.close();
      await queue.close();
      connection.disconnect();
    }
  });
});
