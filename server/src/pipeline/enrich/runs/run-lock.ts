import { randomUUID } from 'node:crypto';
import type { RedisClient as Redis } from '../../../state/redis';

/** How long a run's lock outlives a process that died holding it. */
const RUN_LOCK_MS = 60_000;

/**
 * `work` while holding `lockKey` (kept alive while it runs, released only if still ours); `busy()` when another
 * process or job holds it: one run of a plan at a time.
 */
export async function withRunLock<T>(redis: Redis, lockKey: string, work: () => Promise<T>, busy: () => T): Promise<T> {
  const token = randomUUID();
  if ((await redis.set(lockKey, token, 'PX', RUN_LOCK_MS, 'NX')) !== 'OK') return busy();
  const keepLock = setInterval(() => void redis.pexpire(lockKey, RUN_LOCK_MS).catch(() => undefined), RUN_LOCK_MS / 3);
  keepLock.unref();
  try {
    return await work();
  } finally {
    clearInterval(keepLock);
    if ((await redis.get(lockKey)) === token) await redis.del(lockKey);
  }
}
