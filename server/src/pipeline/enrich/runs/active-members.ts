import type { RedisClient as Redis } from '../../../state/redis';
import type { KeySpace } from '../../../state/key-space';

/** The record ids with an open episode in an audience (HSCAN of the membership hash, so Redis is never blocked). */
export async function activeMemberIds(redis: Redis, keys: KeySpace, audienceId: string): Promise<string[]> {
  const ids: string[] = [];
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscan(keys.membership(audienceId), cursor, 'COUNT', 1000);
    cursor = next;
    for (let i = 0; i + 1 < flat.length; i += 2) {
      if ((flat[i + 1] as string).endsWith(':1')) ids.push(flat[i] as string);
    }
  } while (cursor !== '0');
  return ids.sort();
}
