import type { RedisClient as Redis } from '../../../state/redis';
import type { DetectorKeys } from '../detector-keys';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * How far one Funding_Round rule has read the feed: the latest announcement day seen. The next run asks from that
 * day again (rounds announced later the same day are not missed); the ones seen before fire as duplicates, a no-op.
 */
export class FundingCursor {
  constructor(
    private readonly redis: Redis,
    private readonly keys: DetectorKeys,
  ) {}

  async since(ruleId: string, fallback: string): Promise<string> {
    const stored = await this.redis.get(this.keys.fundingCursor(ruleId));
    return stored && DAY.test(stored) ? stored : fallback;
  }

  async advance(ruleId: string, day: string): Promise<void> {
    if (DAY.test(day)) await this.redis.set(this.keys.fundingCursor(ruleId), day);
  }
}
