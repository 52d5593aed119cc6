import { Redis } from 'ioredis';
import { UnavailableError } from '../lib/errors';
import { redactUrl } from '../lib/logger';

/**
 * One ioredis connection. `maxRetriesPerRequest: null` is what BullMQ workers require; `lazyConnect` lets
 * `connectRedis` report an unreachable server as one clear error instead of an endless reconnect log.
 */
export function createRedis(url: string, options: { name?: string } = {}): Redis {
  return new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName: options.name,
  });
}

/** Connects and pings once within `timeoutMs`; on failure says which URL was tried and how to start Redis. */
export async function connectRedis(url: string, options: { name?: string; timeoutMs?: number } = {}): Promise<Redis> {
  const redis = createRedis(url, options);
  let lastError: Error | undefined;
  redis.on('error', (error: Error) => {
    // Reported through the rejected connect below and through /readyz afterwards.
    lastError = error;
  });
  const timeoutMs = options.timeoutMs ?? 3000;
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
      `Redis did not answer at ${redactUrl(url)} (${reason}). Start it with ` +
        `"redis-server --daemonize yes --port 6379 --maxmemory-policy noeviction --save ''" ` +
        `(Debian: apt-get install redis-server), or set REDIS_URL to a Redis that runs.`,
      { cause: error },
    );
  } finally {
    clearTimeout(timer);
  }
}

/** Answers whether Redis replies to PING right now, within `timeoutMs`. */
export async function pingRedis(redis: Redis, timeoutMs = 1000): Promise<boolean> {
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
