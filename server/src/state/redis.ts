import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import { UnavailableError } from '../lib/errors';
import { redactUrl } from '../lib/logger';
import { SettlingCluster } from './settling-cluster';

/**
 * What every component talks to: one Redis, or a Redis Cluster when REDIS_CLUSTER_NODES is set. Both speak the same
 * commands; what differs (duplicating a connection, SCAN) goes through this file and scan-keys.ts.
 */
export type RedisClient = Redis | Cluster;

export interface ClusterNode {
  host: string;
  port: number;
}

/** Where Redis is: a URL, or the seed nodes of a cluster (credentials then come from the URL, when it has any). */
export interface RedisTarget {
  url: string;
  clusterNodes?: readonly ClusterNode[];
}

export function describeTarget(target: RedisTarget): string {
  return target.clusterNodes?.length
    ? `the Redis Cluster at ${target.clusterNodes.map((n) => `${n.host}:${n.port}`).join(',')}`
    : redactUrl(target.url);
}

// `maxRetriesPerRequest: null` is what BullMQ workers require; `lazyConnect` lets `connectRedis` report an
// unreachable server as one clear error instead of an endless reconnect log.
const NODE_OPTIONS: RedisOptions = { lazyConnect: true, maxRetriesPerRequest: null, enableReadyCheck: true };

/**
 * A master failover takes the cluster's node timeout plus an election (about 5 s with cluster-node-timeout 3000):
 * commands wait it out (retried every 300 ms, up to ~20 s) instead of failing at ioredis' default of ~1.6 s.
 */
const CLUSTER_OPTIONS: ClusterOptions = {
  lazyConnect: true,
  enableReadyCheck: true,
  scaleReads: 'master',
  maxRedirections: 64,
  retryDelayOnFailover: 300,
  retryDelayOnClusterDown: 300,
  retryDelayOnTryAgain: 300,
  slotsRefreshTimeout: 2_000,
};

function credentials(url: string): Pick<RedisOptions, 'username' | 'password' | 'tls'> {
  const parsed = new URL(url);
  return {
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    tls: parsed.protocol === 'rediss:' ? {} : undefined,
  };
}

/** One connection (not yet connected) to the target; a URL alone always gives a single Redis. */
export function createRedis(url: string, options?: { name?: string }): Redis;
export function createRedis(target: string | RedisTarget, options?: { name?: string }): RedisClient;
export function createRedis(target: string | RedisTarget, options: { name?: string } = {}): RedisClient {
  const { url, clusterNodes } = typeof target === 'string' ? { url: target, clusterNodes: undefined } : target;
  if (clusterNodes?.length) {
    // Every cluster connection is a SettlingCluster: connect() and a manual disconnect finish even during a failover
    // (a BullMQ worker's reset waits on both: settling-cluster.ts); otherwise it is ioredis' own Cluster.
    return new SettlingCluster(
      clusterNodes.map((n) => ({ host: n.host, port: n.port })),
      { ...CLUSTER_OPTIONS, redisOptions: { ...NODE_OPTIONS, ...credentials(url), connectionName: options.name } },
    );
  }
  return new Redis(url, { ...NODE_OPTIONS, connectionName: options.name });
}

/**
 * A second connection to the same place (a cluster stays a cluster), e.g. one per BullMQ worker so its commands never
 * queue behind the shared connection. Connects on first use.
 */
export function duplicateRedis(redis: RedisClient, options: { name?: string } = {}): RedisClient {
  if (redis instanceof Cluster) {
    // SettlingCluster.duplicate keeps the class and the seed nodes (BullMQ's blocking duplicates need both).
    return redis.duplicate(undefined, {
      redisOptions: { ...redis.options.redisOptions, maxRetriesPerRequest: null, connectionName: options.name },
    });
  }
  return redis.duplicate({ maxRetriesPerRequest: null, connectionName: options.name });
}

export function isCluster(redis: RedisClient): redis is Cluster {
  return redis instanceof Cluster;
}

/** Connects and pings once within `timeoutMs`; on failure says what was tried and how to start Redis. */
export async function connectRedis(url: string, options?: { name?: string; timeoutMs?: number }): Promise<Redis>;
export async function connectRedis(
  target: string | RedisTarget,
  options?: { name?: string; timeoutMs?: number },
): Promise<RedisClient>;
export async function connectRedis(
  target: string | RedisTarget,
  options: { name?: string; timeoutMs?: number } = {},
): Promise<RedisClient> {
  const redis = createRedis(target, options);
  const described = describeTarget(typeof target === 'string' ? { url: target } : target);
  let lastError: Error | undefined;
  redis.on('error', (error: Error) => {
    // Reported through the rejected connect below and through /readyz afterwards.
    lastError = error;
  });
  const timeoutMs = options.timeoutMs ?? (isCluster(redis) ? 10_000 : 3000);
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      redis.connect().then(() => redis.ping()),
      new Promise((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      }),
    ]);
    return redis;
  } catch (error) {
    redis.disconnect();
    const reason = lastError?.message ?? (error instanceof Error ? error.message : String(error));
    throw new UnavailableError(
      'REDIS_UNREACHABLE',
      isCluster(redis)
        ? `Redis did not answer at ${described} (${reason}). Check that the nodes run with cluster-enabled yes and ` +
            `that "redis-cli --cluster check <one node>" reports all 16384 slots covered.`
        : `Redis did not answer at ${described} (${reason}). Start it with ` +
            `"redis-server --daemonize yes --port 6379 --maxmemory-policy noeviction --save ''" ` +
            `(Debian: apt-get install redis-server), or set REDIS_URL to a Redis that runs.`,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
}

/** Answers whether Redis replies to PING right now, within `timeoutMs`. */
export async function pingRedis(redis: RedisClient, timeoutMs = 1000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    const reply = await Promise.race([
      redis.ping(),
      new Promise<string>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), timeoutMs);
      }),
    ]);
    return reply === 'PONG';
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
