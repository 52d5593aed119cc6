import type { RedisClient as Redis } from '../../../state/redis';
import { setTimeout as delay } from 'node:timers/promises';
import { ConfigError } from '../../../lib/errors';
import type { ProviderDescriptor, ProviderId } from '../providers/provider-contract';
import { WaterfallKeys } from './waterfall-keys';

// One token bucket per provider, refilled continuously at max/windowMs, shared by every worker through Redis.
// A Retry-After block (KEYS[2]) wins over the bucket. Returns 0 when a token was taken, else ms until one may be.
// KEYS[1] bucket hash, KEYS[2] block key; ARGV[1] now ms, ARGV[2] capacity, ARGV[3] window ms.
const TAKE_SCRIPT = `
local now = tonumber(ARGV[1])
local blocked = tonumber(redis.call('GET', KEYS[2]) or '0')
if blocked > now then return blocked - now end
local capacity = tonumber(ARGV[2])
local window = tonumber(ARGV[3])
local perMs = capacity / window
local tokens = tonumber(redis.call('HGET', KEYS[1], 'tokens') or ARGV[2])
local stamp = tonumber(redis.call('HGET', KEYS[1], 'ts') or ARGV[1])
-- A worker whose clock runs behind must not refill (or drain) the bucket backwards.
if now > stamp then
  tokens = math.min(capacity, tokens + (now - stamp) * perMs)
  stamp = now
end
local wait = 0
if tokens >= 1 then tokens = tokens - 1 else wait = math.ceil((1 - tokens) / perMs) end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'ts', tostring(stamp))
redis.call('PEXPIRE', KEYS[1], math.ceil(window * 2))
return wait
`;

// Extends (never shortens) the provider's block to now + retryAfter. KEYS[1] block key; ARGV[1] now, ARGV[2] ms.
const PENALISE_SCRIPT = `
local untilMs = tonumber(ARGV[1]) + tonumber(ARGV[2])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current < untilMs then redis.call('SET', KEYS[1], tostring(untilMs), 'PX', ARGV[2]) end
return untilMs
`;

export type AcquireResult = { ok: true; waitedMs: number } | { ok: false; waitMs: number };

export interface RateLimiterOptions {
  prefix: string;
  now?: () => number;
  /** How to wait; tests pass one that moves their clock instead of sleeping. */
  sleep?: (ms: number) => Promise<void>;
}

/**
 * Rate limits per provider shared across all workers (DESIGN §8): a Redis token bucket per provider from its
 * descriptor's `rateLimit`, and a block every worker honours after a provider answered with Retry-After.
 */
export class ProviderRateLimiter {
  private readonly keys: WaterfallKeys;
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly redis: Redis,
    options: RateLimiterOptions,
  ) {
    this.keys = new WaterfallKeys(options.prefix);
    this.now = options.now ?? Date.now;
    this.sleep = options.sleep ?? ((ms) => delay(ms));
  }

  /** Takes a token if one is free right now; otherwise says how long until one may be. */
  async tryAcquire(provider: Pick<ProviderDescriptor, 'id' | 'rateLimit'>): Promise<AcquireResult> {
    const { max, windowMs } = provider.rateLimit;
    if (!(max > 0) || !(windowMs > 0)) {
      throw new ConfigError(
        'ENRICH_RATE_LIMIT_INVALID',
        `provider ${provider.id} has rate limit ${max} per ${windowMs} ms; both must be above 0`,
      );
    }
    const waitMs = Number(
      await this.redis.eval(
        TAKE_SCRIPT,
        2,
        this.keys.rateBucket(provider.id),
        this.keys.rateBlock(provider.id),
        String(this.now()),
        String(max),
        String(windowMs),
      ),
    );
    return waitMs <= 0 ? { ok: true, waitedMs: 0 } : { ok: false, waitMs };
  }

  /**
   * Takes a token, waiting for one for at most `maxWaitMs` in total; gives up (with the wait it would still need)
   * rather than hold a worker for longer, so the waterfall can move on to the next provider.
   */
  async acquire(
    provider: Pick<ProviderDescriptor, 'id' | 'rateLimit'>,
    options: { maxWaitMs?: number } = {},
  ): Promise<AcquireResult> {
    const maxWaitMs = options.maxWaitMs ?? 5000;
    let waitedMs = 0;
    for (;;) {
      const attempt = await this.tryAcquire(provider);
      if (attempt.ok) return { ok: true, waitedMs };
      if (waitedMs + attempt.waitMs > maxWaitMs) return attempt;
      await this.sleep(attempt.waitMs);
      waitedMs += attempt.waitMs;
    }
  }

  /** Honours a Retry-After for every worker: nobody calls `provider` for `retryAfterMs`. */
  async penalise(provider: ProviderId, retryAfterMs: number): Promise<void> {
    if (!Number.isFinite(retryAfterMs) || retryAfterMs <= 0) return;
    await this.redis.eval(
      PENALISE_SCRIPT,
      1,
      this.keys.rateBlock(provider),
      String(this.now()),
      String(Math.ceil(retryAfterMs)),
    );
  }

  /** The keys used for `provider` (tests clean them up). */
  keysFor(provider: ProviderId): string[] {
    return [this.keys.rateBucket(provider), this.keys.rateBlock(provider)];
  }
}
