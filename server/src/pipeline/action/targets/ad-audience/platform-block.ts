/**
 * A platform's "come back later", shared by every worker through Redis: after a rate-limit answer nobody calls that
 * platform until the block expires, so N workers do not each burn a request to learn the same thing.
 */
import type { RedisClient as Redis } from '../../../../state/redis';
import type { AdPlatform } from './ad-identifiers';

// Extends (never shortens) the block to now + ms. KEYS[1] block key; ARGV[1] now, ARGV[2] ms.
const EXTEND_SCRIPT = `
local untilMs = tonumber(ARGV[1]) + tonumber(ARGV[2])
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
if current < untilMs then redis.call('SET', KEYS[1], tostring(untilMs), 'PX', ARGV[2]) end
return untilMs
`;

export class PlatformBlock {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly now: () => number,
  ) {}

  key(platform: AdPlatform): string {
    return `${this.prefix}:action:ad-audience:${platform}:blocked-until`;
  }

  /** Milliseconds the platform is still blocked for; 0 when calls may go. */
  async remainingMs(platform: AdPlatform): Promise<number> {
    const until = Number((await this.redis.get(this.key(platform))) ?? 0);
    return Math.max(0, until - this.now());
  }

  async block(platform: AdPlatform, ms: number): Promise<void> {
    if (!Number.isFinite(ms) || ms <= 0) return;
    await this.redis.eval(EXTEND_SCRIPT, 1, this.key(platform), String(this.now()), String(Math.ceil(ms)));
  }
}
