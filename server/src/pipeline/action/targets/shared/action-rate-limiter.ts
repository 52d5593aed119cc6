import type { RedisClient as Redis } from '../../../../state/redis';

// A token bucket per limit name, refilled continuously at capacity/windowMs and shared by every worker through
// Redis; a block (set from Retry-After or an exhausted rate header) wins over the bucket. `cost` tokens are taken
// at once (Salesloft prices some calls above 1). Returns 0 when taken, else the ms until they may be.
// KEYS[1] bucket hash, KEYS[2] block key; ARGV[1] now ms, ARGV[2] capacity, ARGV[3] window ms, ARGV[4] cost.
const TAKE_SCRIPT = `
local now = tonumber(ARGV[1])
local blocked = tonumber(redis.call('GET', KEYS[2]) or '0')
if blocked > now then return blocked - now end
local capacity = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local cost = tonumber(ARGV[4])
local perMs = capacity / window
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens') or ARGV[2])
local stamp = tonumber(redis.call('HGET', KEYS[1], 'ts') or ARGV[1])
-- A worker whose clock runs behind must not refill the bucket backwards.
if now > stamp then
  tokens = math.min(capacity, tokens + (now - stamp) * perMs)
  stamp = now
end
local wait = 0
if tokens >= cost then tokens = tokens - cost else wait = math.ceil((cost - tokens) / perMs) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(stamp))
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 2))
return wait
`;

// Extends (never shortens) the block to now + ms. KEYS[1] block key; ARGV[1] now, ARGV[2] ms.
const BLOCK_SCRIPT = `
local untilMs = tonumber(ARGV[1]) + tonumber(ARGV[2])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current < untilMs then redis.call('SET', KEYS[1], tostring(untilMs), 'PX', ARGV[2]) end
return untilMs
`;

export interface RateLimit {
  /** Tokens per window (Outreach: 10,000 requests an hour; Salesloft: 600 cost a minute). */
  capacity: number;
  windowMs: number;
}

/**
 * The rate limits of the action targets, shared by every worker through Redis: a token bucket per limit name and a
 * block every worker honours after a target said "wait" (429 + Retry-After, or a rate header at zero).
 */
export class ActionRateLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes `cost` tokens if they are free now; otherwise returns the ms until they may be (nothing taken). */
  async take(name: string, limit: RateLimit, cost = 1): Promise<number> {
    const wait = await this.redis.eval(
      TAKE_SCRIPT,
      2,
      this.bucketKey(name),
      this.blockKey(name),
      String(this.now()),
      String(limit.capacity),
      String(limit.windowMs),
      String(cost),
    );
    return Math.max(0, Number(wait));
  }

  /** Nobody calls `name` for `ms` (a longer block already set stays). */
  async block(name: string, ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms <= 0) return;
    await this.redis.eval(BLOCK_SCRIPT, 1, this.blockKey(name), String(this.now()), String(Math.ceil(ms)));
  }

  private bucketKey(name: string): string {
    return `${this.prefix}:action:rate:${name}`;
  }

  private blockKey(name: string): string {
    return `${this.prefix}:action:rate-block:${name}`;
  }
}
