import type { Redis } from 'ioredis';
import { isCluster, type RedisClient } from './redis';

/**
 * The keys matching `pattern`, a page at a time. On a cluster SCAN only sees the node it is sent to, so every master
 * is scanned (with one hash-tagged prefix that is one master, wherever the slot has moved).
 */
export async function* scanKeys(redis: RedisClient, pattern: string, count = 1000): AsyncGenerator<string[]> {
  const nodes: Redis[] = isCluster(redis) ? redis.nodes('master') : [redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', count);
      cursor = next;
      if (keys.length > 0) yield keys;
    } while (cursor !== '0');
  }
}

/** `{al}` → a SCAN pattern matching every key under it (glob characters in the prefix escaped). */
export function prefixPattern(prefix: string): string {
  return `${prefix.replace(/[[\]*?\\]/g, (c) => `\\${c}`)}*`;
}

/** Deletes every key under `prefix` (SCAN + DEL, never FLUSHDB: the database may be shared); returns how many. */
export async function deleteByPrefix(redis: RedisClient, prefix: string): Promise<number> {
  let removed = 0;
  // Keys of one hash-tagged prefix share a slot, so one DEL may name many of them, on a cluster too.
  for await (const keys of scanKeys(redis, prefixPattern(prefix))) removed += await redis.del(...keys);
  return removed;
}
