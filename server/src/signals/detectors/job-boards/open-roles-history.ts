import type { RedisClient as Redis } from '../../../state/redis';
import { z } from 'zod';
import type { DetectorKeys } from '../detector-keys';

/** One count of an Account's open roles. Ids are kept (capped) to say which roles were added. */
export interface OpenRolesCount {
  at: string;
  count: number;
  ids: string[];
}

const countSchema = z.object({ at: z.string(), count: z.number().int().min(0), ids: z.array(z.string()) });
const MAX_IDS = 1_000;
const DAY_MS = 86_400_000;

/**
 * Per Account and rule, the open-role counts of the last `windowDays` (a sorted set scored by time): the oldest one
 * still in the window is what growth is measured from. After a firing the history restarts at the fired count, so
 * the same surge is never measured (and fired) again as the window slides.
 */
export class OpenRolesHistory {
  constructor(
    private readonly redis: Redis,
    private readonly keys: DetectorKeys,
  ) {}

  /** Adds this count and returns the baseline: the oldest count within the window (this one when it is the first). */
  async record(ruleId: string, accountId: string, count: OpenRolesCount, windowDays: number): Promise<OpenRolesCount> {
    const key = this.keys.openRolesHistory(ruleId, accountId);
    const at = Date.parse(count.at);
    const windowStart = at - windowDays * DAY_MS;
    const entry = JSON.stringify({ ...count, ids: count.ids.slice(0, MAX_IDS) });
    const [, , oldest] = (await this.redis
      .multi()
      .zremrangebyscore(key, '-inf', `(${windowStart}`)
      .zadd(key, String(at), entry)
      .zrange(key, '0', '0')
      .pexpire(key, (windowDays + 1) * DAY_MS)
      .exec()) as [unknown, unknown, [Error | null, string[]], unknown];
    const raw = oldest[1][0];
    const parsed = raw ? countSchema.safeParse(JSON.parse(raw)) : undefined;
    return parsed?.success ? parsed.data : count;
  }

  /** After a firing: the fired count becomes the new baseline. */
  async restartAt(ruleId: string, accountId: string, count: OpenRolesCount, windowDays: number): Promise<void> {
    const key = this.keys.openRolesHistory(ruleId, accountId);
    await this.redis
      .multi()
      .del(key)
      .zadd(key, String(Date.parse(count.at)), JSON.stringify({ ...count, ids: count.ids.slice(0, MAX_IDS) }))
      .pexpire(key, (windowDays + 1) * DAY_MS)
      .exec();
  }
}
