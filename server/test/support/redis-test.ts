import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';

/** The Redis every integration test talks to: `REDIS_URL`, or the local default. */
export const TEST_REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A key prefix no other test (or person) uses, so tests never need to flush a shared database. */
export function uniquePrefix(label = 'test'): string {
  return `{t-${label}-${randomUUID().slice(0, 8)}}`;
}

/** The sandbox keeps its state under `{<prefix>-sandbox}`: remove exactly those keys (never a flush). */
export async function deleteSandboxKeys(prefix: string): Promise<void> {
  const redis = new Redis(TEST_REDIS_URL);
  const pattern = `${prefix.slice(0, -1)}-sandbox}*`.replace(/[[\]]/g, (c) => `\\${c}`);
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
  } finally {
    await redis.quit();
  }
}

/** Removes every key under a test's own prefix (SCAN, never a flush): the ledger's shared name ids too. */
export async function deletePrefixedKeys(redis: Redis, prefix: string): Promise<void> {
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
}
