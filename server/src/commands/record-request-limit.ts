import { randomUUID } from 'node:crypto';
import type { RedisClient as Redis } from '../state/redis';
import type { KeySpace } from '../state/key-space';

const HOUR_MS = 3_600_000;

/**
 * Drops the requests older than the window, then admits this one only while fewer than the limit remain. A request
 * already admitted (the same event delivered again) is admitted again without counting twice. Atomic, so processes
 * sharing Redis share the limit.
 * KEYS[1] the requester's set; ARGV: now, window ms, limit, request id.
 */
const TAKE_SCRIPT = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
if redis.call('ZSCORE', KEYS[1], ARGV[4]) then return 1 end
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], now, ARGV[4])
redis.call('PEXPIRE', KEYS[1], window)
return 1
`;

export interface RecordRequestLimitOptions {
  /** Requests one requester may make in any hour (RECORD_REQUESTS_PER_HOUR, default 60). */
  perHour: number;
  /** The clock (tests hold it). */
  now?: () => number;
}

/**
 * Limits record requests (the Enrich now button) per requester: at most `perHour` in any sliding hour. Each costs
 * provider credits and API calls, and any rep may publish them. Kept in Redis (one sorted set per requester, under
 * the loop's hash-tagged prefix) so the count survives a restart and is shared by every process.
 */
export class RecordRequestLimit {
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: KeySpace,
    private readonly options: RecordRequestLimitOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  get perHour(): number {
    return this.options.perHour;
  }

  /** Counts the request and says whether it is within the limit; `requestId` (the event's uuid) dedupes redelivery. */
  async take(requesterId: string, requestId: string = randomUUID()): Promise<boolean> {
    const admitted = await this.redis.eval(
      TAKE_SCRIPT,
      1,
      this.keys.recordRequests(requesterId),
      String(this.now()),
      String(HOUR_MS),
      String(this.options.perHour),
      requestId,
    );
    return Number(admitted) === 1;
  }
}
