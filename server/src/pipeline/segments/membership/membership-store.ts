import type { RedisClient as Redis } from '../../../state/redis';
import type { KeySpace } from '../../../state/key-space';

/** Entries per HSCAN step of `countActive` (each step holds Redis for well under a millisecond). */
const COUNT_STEP = 2000;

// KEYS[1]: an audience's membership hash. ARGV: the HSCAN cursor and COUNT. One HSCAN step; returns the next cursor
// and how many of the step's values are an open episode (`<episode>:1`).
const COUNT_ACTIVE_STEP = `
local step = redis.call('HSCAN', KEYS[1], ARGV[1], 'COUNT', ARGV[2])
local flat = step[2]
local open = 0
for i = 2, #flat, 2 do
  if string.sub(flat[i], -2) == ':1' then open = open + 1 end
end
return {step[1], open}
`;

/**
 * Who is in each audience, in Redis: per audience one hash, record id → `<episode>:<1|0>` (the latest episode
 * number and whether it is still open). Episode numbers only grow, so a re-entry opens a new Audience_Member__c.
 */
export class MembershipStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: KeySpace,
  ) {}

  async states(audienceId: string, recordIds: string[]): Promise<Map<string, { episode: number; active: boolean }>> {
    const found = new Map<string, { episode: number; active: boolean }>();
    if (recordIds.length === 0) return found;
    const raws = await this.redis.hmget(this.keys.membership(audienceId), ...recordIds);
    raws.forEach((raw, index) => {
      if (raw === null) return;
      const [episode, active] = raw.split(':');
      found.set(recordIds[index] as string, { episode: Number(episode), active: active === '1' });
    });
    return found;
  }

  async set(audienceId: string, entries: { recordId: string; episode: number; active: boolean }[]): Promise<void> {
    if (entries.length === 0) return;
    const hash: Record<string, string> = {};
    for (const e of entries) hash[e.recordId] = `${e.episode}:${e.active ? 1 : 0}`;
    await this.redis.hset(this.keys.membership(audienceId), hash);
  }

  /** Like `set`, for the records that have no state yet: state Redis holds is never replaced (a seed's rule). */
  async setAbsent(
    audienceId: string,
    entries: { recordId: string; episode: number; active: boolean }[],
  ): Promise<void> {
    if (entries.length === 0) return;
    const pipeline = this.redis.pipeline();
    const key = this.keys.membership(audienceId);
    for (const e of entries) pipeline.hsetnx(key, e.recordId, `${e.episode}:${e.active ? 1 : 0}`);
    for (const [error] of (await pipeline.exec()) ?? []) if (error) throw error;
  }

  /** Every record with an open episode, and that episode's number (HSCAN). */
  async activeMembers(audienceId: string): Promise<{ recordId: string; episode: number }[]> {
    const members: { recordId: string; episode: number }[] = [];
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(this.keys.membership(audienceId), cursor, 'COUNT', 1000);
      cursor = next;
      for (let i = 0; i + 1 < flat.length; i += 2) {
        const [episode, active] = (flat[i + 1] as string).split(':');
        if (active === '1') members.push({ recordId: flat[i] as string, episode: Number(episode) });
      }
    } while (cursor !== '0');
    return members;
  }

  /**
   * Members with an open episode: HSCAN steps, so a large audience never blocks Redis, each counted in Redis. The
   * members themselves were sent here only to be counted, for every touched audience every 2 s: a sync read its
   * audiences' whole hashes over and over, a cost per record growing with the org (issue 19).
   */
  async countActive(audienceId: string): Promise<number> {
    let cursor = '0';
    let count = 0;
    do {
      const [next, found] = (await this.redis.eval(
        COUNT_ACTIVE_STEP,
        1,
        this.keys.membership(audienceId),
        cursor,
        COUNT_STEP,
      )) as [string, number];
      cursor = next;
      count += found;
    } while (cursor !== '0');
    return count;
  }
}
