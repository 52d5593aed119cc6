import type { RedisClient as Redis } from '../../../state/redis';
import type { RecordObject } from '../../../domain/mirror-record';

/** A record waiting for, or in, processing. */
export interface IntakeEntry {
  object: RecordObject;
  recordId: string;
}

export interface IntakeBufferOptions {
  /** The hash-tagged key prefix, e.g. `{al}`: every key of the buffer lands in one Redis Cluster slot. */
  prefix: string;
  /** Quiet time after a record's last change before it is due (a burst of edits becomes one processing). */
  windowMs?: number;
  /**
   * The wait of a record's first pending change (default `windowMs`). 0: a lone edit is due at once, and only a
   * record changed again while it waits (or while it is processed) is debounced by `windowMs`. The service uses 0:
   * under load the writer must hold a batch for its calls anyway, and a second window in series only adds its length
   * to every change's latency (issue 19, docs/performance.md).
   */
  firstWindowMs?: number;
  /** A record edited non-stop is still due this long after its first pending change. */
  maxWaitMs?: number;
  /** Processing attempts (writes refused for lock/5xx/budget) before a record is given up and reported. */
  maxAttempts?: number;
  /** First retry delay; doubles per attempt up to `maxBackoffMs`. */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** A claim whose owner has not beaten its heart for this long is taken back (its process died). */
  ownerTimeoutMs?: number;
  /**
   * A claim of a live owner that the owner does not hold (the reply to its claim was lost with a dropped connection,
   * and the command resent) is taken back after this long.
   */
  orphanAfterMs?: number;
  now?: () => number;
}

/**
 * `changes`: a person's or a system's edit, seen on the stream. `background`: records a reconciliation re-read in
 * bulk (thousands after a gap or a field-type conversion); they are claimed only when no change is due, so a rep's
 * edit never waits behind them.
 */
export type IntakeLane = 'changes' | 'background';

export const DEFAULT_INTAKE_WINDOW_MS = 300;
export const DEFAULT_INTAKE_MAX_WAIT_MS = 5_000;

// KEYS: due zset, first-seen hash, counters hash. ARGV: now, window, max wait, first window, member…
// A record's first pending change is due after the first window; each further change slides its due time to
// now+window, but never past first-seen+max wait.
const ENQUEUE = `
local now = tonumber(ARGV[1])
local window = tonumber(ARGV[2])
local maxWait = tonumber(ARGV[3])
local firstWindow = tonumber(ARGV[4])
for i = 5, #ARGV do
  local member = ARGV[i]
  local wait = window
  if redis.call('HSETNX', KEYS[2], member, now) == 1 then wait = firstWindow end
  local first = tonumber(redis.call('HGET', KEYS[2], member))
  redis.call('ZADD', KEYS[1], math.min(now + wait, first + maxWait), member)
end
redis.call('HINCRBY', KEYS[3], 'intake_added', #ARGV - 4)
return #ARGV - 4
`;

// KEYS: background zset, counters hash. ARGV: now, member…  Kept at its first time (NX): the lane is first in, first out.
const ENQUEUE_BACKGROUND = `
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'NX', tonumber(ARGV[1]), ARGV[i]) end
redis.call('HINCRBY', KEYS[2], 'intake_added', #ARGV - 1)
return #ARGV - 1
`;

// KEYS: due zset, first-seen hash, claimed hash, background zset. ARGV: now, limit, owner, window.
// A record already being processed (by anyone) is not claimed twice: it is pushed back one window, so the change
// that arrived meanwhile is processed after the running one, on the state it leaves. Due changes first; the
// background lane fills what is left of the batch. Claiming a change also settles the record's background entry.
const CLAIM = `
local now = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local claimed = {}
local function take(member)
  redis.call('HSET', KEYS[3], member, ARGV[3] .. '@' .. ARGV[1])
  claimed[#claimed + 1] = member
end
local due = redis.call('ZRANGE', KEYS[1], '-inf', now, 'BYSCORE', 'LIMIT', 0, limit)
for _, member in ipairs(due) do
  if redis.call('HEXISTS', KEYS[3], member) == 1 then
    redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), member)
  else
    redis.call('ZREM', KEYS[1], member)
    redis.call('ZREM', KEYS[4], member)
    redis.call('HDEL', KEYS[2], member)
    take(member)
  end
end
if #due < limit then
  local later = redis.call('ZRANGE', KEYS[4], '-inf', now, 'BYSCORE', 'LIMIT', 0, limit - #due)
  for _, member in ipairs(later) do
    if redis.call('HEXISTS', KEYS[3], member) == 1 then
      redis.call('ZADD', KEYS[4], now + tonumber(ARGV[4]), member)
    else
      redis.call('ZREM', KEYS[4], member)
      take(member)
    end
  end
end
return claimed
`;

// A claim is stored as "<owner>@<claimed at ms>".
const OWNED_BY = `
local function ownedBy(value, owner)
  return value and string.sub(value, 1, #owner + 1) == owner .. '@'
end
`;

// KEYS: claimed hash. ARGV: owner, now, member…  Claims the named records that nobody holds, due or not; returns them.
const CLAIM_NAMED = `
local claimed = {}
for i = 3, #ARGV do
  if redis.call('HSETNX', KEYS[1], ARGV[i], ARGV[1] .. '@' .. ARGV[2]) == 1 then claimed[#claimed + 1] = ARGV[i] end
end
return claimed
`;

// KEYS: claimed hash, attempts hash. ARGV: owner, member…  Only the owner's own claims are released.
const COMPLETE = `${OWNED_BY}
for i = 2, #ARGV do
  if ownedBy(redis.call('HGET', KEYS[1], ARGV[i]), ARGV[1]) then redis.call('HDEL', KEYS[1], ARGV[i]) end
  redis.call('HDEL', KEYS[2], ARGV[i])
end
return 1
`;

// KEYS: due zset, claimed hash, attempts hash. ARGV: now, owner, max attempts, backoff, max backoff, member…
// Returns the members given up. A retry never postpones a change that is already due earlier (ZADD LT).
const RETRY = `${OWNED_BY}
local now = tonumber(ARGV[1])
local maxAttempts = tonumber(ARGV[3])
local givenUp = {}
for i = 6, #ARGV do
  local member = ARGV[i]
  local attempts = redis.call('HINCRBY', KEYS[3], member, 1)
  if attempts >= maxAttempts then
    redis.call('HDEL', KEYS[3], member)
    givenUp[#givenUp + 1] = member
  else
    local delay = math.min(tonumber(ARGV[4]) * 2 ^ (attempts - 1), tonumber(ARGV[5]))
    redis.call('ZADD', KEYS[1], 'LT', now + delay, member)
  end
  if ownedBy(redis.call('HGET', KEYS[2], member), ARGV[2]) then redis.call('HDEL', KEYS[2], member) end
end
return givenUp
`;

// KEYS: due zset, claimed hash, owners zset. ARGV: now, owner timeout, caller, orphan age, members the caller holds…
// Claims of owners that stopped beating, and the caller's own claims it does not hold (older than the orphan age),
// go back to the due set, due now; returns how many.
const RECLAIM = `
local now = tonumber(ARGV[1])
local cutoff = now - tonumber(ARGV[2])
local orphanCutoff = now - tonumber(ARGV[4])
local held = {}
for i = 5, #ARGV do held[ARGV[i]] = true end
local claims = redis.call('HGETALL', KEYS[2])
local moved = 0
for i = 1, #claims, 2 do
  local at = string.find(claims[i + 1], '@[^@]*$')
  local owner = at and string.sub(claims[i + 1], 1, at - 1) or claims[i + 1]
  local claimedAt = at and tonumber(string.sub(claims[i + 1], at + 1)) or 0
  local beat = redis.call('ZSCORE', KEYS[3], owner)
  local dead = not beat or tonumber(beat) < cutoff
  local orphan = owner == ARGV[3] and not held[claims[i]] and claimedAt < orphanCutoff
  if dead or orphan then
    redis.call('HDEL', KEYS[2], claims[i])
    redis.call('ZADD', KEYS[1], 'LT', now, claims[i])
    moved = moved + 1
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', cutoff)
return moved
`;

/** The buffer's name for a record, `Object:recordId`. */
export function memberOf(entry: IntakeEntry): string {
  return `${entry.object}:${entry.recordId}`;
}

function entryOf(member: string): IntakeEntry {
  const colon = member.indexOf(':');
  return { object: member.slice(0, colon) as RecordObject, recordId: member.slice(colon + 1) };
}

/**
 * The intake: records waiting to be processed, debounced per record, in Redis so nothing is lost when the process
 * dies. A sorted set holds each record once with the time it is due; workers claim due records in batches (one
 * round trip for hundreds of records), and a claim belongs to a process that beats its heart, so the claims of a
 * process that died return to the set. Replaces a BullMQ job per change, whose dedup/replace dance cost 6–10 round
 * trips per change and one processing per record (docs/performance.md).
 *
 * Keys: `<prefix>:intake:due` (zset member `Object:recordId` → due ms), `:intake:background` (the same for bulk
 * re-reads, claimed only when no change is due), `:intake:first` (first pending change),
 * `:intake:claimed` (member → owner), `:intake:attempts`, `:intake:owners` (owner → last heartbeat ms).
 */
export class IntakeBuffer {
  private readonly windowMs: number;
  private readonly firstWindowMs: number;
  private readonly maxWaitMs: number;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly ownerTimeoutMs: number;
  private readonly orphanAfterMs: number;
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    private readonly options: IntakeBufferOptions,
  ) {
    this.windowMs = options.windowMs ?? DEFAULT_INTAKE_WINDOW_MS;
    this.firstWindowMs = Math.min(options.firstWindowMs ?? this.windowMs, this.windowMs);
    this.maxWaitMs = Math.max(options.maxWaitMs ?? DEFAULT_INTAKE_MAX_WAIT_MS, this.windowMs);
    this.maxAttempts = options.maxAttempts ?? 8;
    this.backoffMs = options.backoffMs ?? 1_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 60_000;
    this.ownerTimeoutMs = options.ownerTimeoutMs ?? 10_000;
    this.orphanAfterMs = options.orphanAfterMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  private key(name: string): string {
    return `${this.options.prefix}:intake:${name}`;
  }

  /** Queues records (one round trip per 1,000); resolves once Redis holds them. */
  async enqueue(entries: readonly IntakeEntry[], lane: IntakeLane = 'changes'): Promise<void> {
    for (let i = 0; i < entries.length; i += 1000) {
      const members = entries.slice(i, i + 1000).map(memberOf);
      if (lane === 'background') {
        await this.redis.eval(
          ENQUEUE_BACKGROUND,
          2,
          this.key('background'),
          `${this.options.prefix}:counters`,
          String(this.now()),
          ...members,
        );
        continue;
      }
      await this.redis.eval(
        ENQUEUE,
        3,
        this.key('due'),
        this.key('first'),
        `${this.options.prefix}:counters`,
        String(this.now()),
        String(this.windowMs),
        String(this.maxWaitMs),
        String(this.firstWindowMs),
        ...members,
      );
    }
  }

  /** Takes up to `limit` due records for `owner`; none of them is handed to anyone else until released. */
  async claim(owner: string, limit: number): Promise<IntakeEntry[]> {
    const members = (await this.redis.eval(
      CLAIM,
      4,
      this.key('due'),
      this.key('first'),
      this.key('claimed'),
      this.key('background'),
      String(this.now()),
      String(limit),
      owner,
      String(this.windowMs),
    )) as string[];
    return members.map(entryOf);
  }

  /**
   * Claims these records for `owner` whether or not they are due (the import claims each page), so no intake batch
   * processes one of them at the same time; returns those it got — the others are being processed already.
   */
  async claimRecords(owner: string, entries: readonly IntakeEntry[]): Promise<IntakeEntry[]> {
    if (entries.length === 0) return [];
    const members = (await this.redis.eval(
      CLAIM_NAMED,
      1,
      this.key('claimed'),
      owner,
      String(this.now()),
      ...entries.map(memberOf),
    )) as string[];
    return members.map(entryOf);
  }

  /** Releases processed records. */
  async complete(owner: string, entries: readonly IntakeEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.redis.eval(COMPLETE, 2, this.key('claimed'), this.key('attempts'), owner, ...entries.map(memberOf));
  }

  /** Puts records back with a growing delay; returns those that ran out of attempts (released, not re-queued). */
  async retry(owner: string, entries: readonly IntakeEntry[]): Promise<IntakeEntry[]> {
    if (entries.length === 0) return [];
    const givenUp = (await this.redis.eval(
      RETRY,
      3,
      this.key('due'),
      this.key('claimed'),
      this.key('attempts'),
      String(this.now()),
      owner,
      String(this.maxAttempts),
      String(this.backoffMs),
      String(this.maxBackoffMs),
      ...entries.map(memberOf),
    )) as string[];
    return givenUp.map(entryOf);
  }

  /**
   * Marks `owner` alive; claims of owners silent for longer than the timeout are taken back, and so are claims of
   * `owner` that it does not hold (`held`: what it is processing) once they are older than the orphan age.
   */
  async heartbeat(owner: string, held: readonly IntakeEntry[] = []): Promise<number> {
    const now = this.now();
    await this.redis.zadd(this.key('owners'), now, owner);
    return (await this.redis.eval(
      RECLAIM,
      3,
      this.key('due'),
      this.key('claimed'),
      this.key('owners'),
      String(now),
      String(this.ownerTimeoutMs),
      owner,
      String(this.orphanAfterMs),
      ...held.map(memberOf),
    )) as number;
  }

  /** Forgets an owner that stopped cleanly (after releasing its claims). */
  async retire(owner: string): Promise<void> {
    await this.redis.zrem(this.key('owners'), owner);
  }

  /** Records waiting (not yet due or due, in either lane) and records being processed. */
  async counts(): Promise<{ waiting: number; active: number }> {
    const [changes, background, active] = await Promise.all([
      this.redis.zcard(this.key('due')),
      this.redis.zcard(this.key('background')),
      this.redis.hlen(this.key('claimed')),
    ]);
    return { waiting: changes + background, active };
  }

  /** Records ever queued under this prefix (a change that needed no work is never queued). */
  async added(): Promise<number> {
    return Number((await this.redis.hget(`${this.options.prefix}:counters`, 'intake_added')) ?? 0);
  }
}
