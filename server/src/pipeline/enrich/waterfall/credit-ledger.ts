import type { RedisClient as Redis } from '../../../state/redis';
import { randomUUID } from 'node:crypto';
import { AppError } from '../../../lib/errors';
import type { ProviderId } from '../providers/provider-contract';
import { utcMonth, WaterfallKeys } from './waterfall-keys';

/** Credits are kept as integer thousandths: providers charge fractions (0.5 a lookup) and floats drift when summed. */
const MILLI = 1000;
const toMilli = (credits: number): number => Math.round(credits * MILLI);
const fromMilli = (milli: number): number => milli / MILLI;

const RUN_TTL_MS = 90 * 24 * 60 * 60 * 1000;
/** A month's usage outlives the month so last month's spend can still be shown. */
const MONTH_TTL_MS = 400 * 24 * 60 * 60 * 1000;

/** The plan's limits (Max_Credits_Per_Run__c, Monthly_Credit_Budget__c); absent or null means no limit. */
export interface CreditLimits {
  perRun?: number | null;
  perMonth?: number | null;
}

export interface Reservation {
  readonly planId: string;
  readonly runId: string;
  readonly provider: ProviderId;
  /** Fixed at reserve time so a call that straddles midnight on the 1st settles against the month that paid. */
  readonly month: string;
  readonly milli: number;
  /** Names the reservation in Redis, so settling twice or after expiry never releases budget twice. */
  readonly member: string;
}

export type ReserveResult =
  | { ok: true; reservation: Reservation }
  /** `used` counts settled and still-reserved credits; `ceiling` is the limit that would be crossed. */
  | { ok: false; limit: 'run' | 'month'; used: number; ceiling: number };

export interface CreditUsage {
  total: number;
  byProvider: Record<string, number>;
  /** Reserved by calls in flight, not yet settled. */
  reserved: number;
}

// Checks both limits and reserves in both counters in one step, so concurrent workers can never overshoot. Each
// reservation is also listed (member "<id>|<milli>", score = expiry) so one left behind by a worker that died
// mid-call stops holding budget once it expires.
// KEYS[1] run hash, KEYS[2] month hash, KEYS[3] run pending zset, KEYS[4] month pending zset; ARGV[1] cost,
// ARGV[2] run limit, ARGV[3] month limit (-1: none), ARGV[4] run ttl ms, ARGV[5] month ttl ms, ARGV[6] now ms,
// ARGV[7] member, ARGV[8] expiry ms. Amounts in milli-credits.
const RESERVE_SCRIPT = `
local now = tonumber(ARGV[6])
local function purge(hash, pending)
  for _, member in ipairs(redis.call('ZRANGEBYSCORE', pending, '-inf', now)) do
    local amount = tonumber(string.match(member, '|(%d+)$') or '0')
    if amount > 0 then redis.call('HINCRBY', hash, 'reserved', -amount) end
    redis.call('ZREM', pending, member)
  end
end
purge(KEYS[1], KEYS[3])
purge(KEYS[2], KEYS[4])
local cost = tonumber(ARGV[1])
local function spent(key)
  return tonumber(redis.call('HGET', key, 'used') or '0') + tonumber(redis.call('HGET', key, 'reserved') or '0')
end
local runSpent = spent(KEYS[1])
local runLimit = tonumber(ARGV[2])
if runLimit >= 0 and runSpent + cost > runLimit then return {'run', runSpent, runLimit} end
local monthSpent = spent(KEYS[2])
local monthLimit = tonumber(ARGV[3])
if monthLimit >= 0 and monthSpent + cost > monthLimit then return {'month', monthSpent, monthLimit} end
for i = 1, 2 do
  local ttl = ARGV[3 + i]
  redis.call('HINCRBY', KEYS[i], 'reserved', cost)
  redis.call('ZADD', KEYS[i + 2], ARGV[8], ARGV[7])
  redis.call('PEXPIRE', KEYS[i], ttl)
  redis.call('PEXPIRE', KEYS[i + 2], ttl)
end
return {'ok', runSpent + cost, runLimit}
`;

// Releases a reservation (unless it already expired and was purged) and books what the provider charged.
// KEYS as above; ARGV[1] member, ARGV[2] minus the reserved amount (negated by the caller: Lua would turn -0 into
// "-0", which HINCRBY refuses), ARGV[3] charged, ARGV[4] provider field.
const SETTLE_SCRIPT = `
for i = 1, 2 do
  if redis.call('ZREM', KEYS[i + 2], ARGV[1]) == 1 then redis.call('HINCRBY', KEYS[i], 'reserved', ARGV[2]) end
  redis.call('HINCRBY', KEYS[i], 'used', ARGV[3])
  redis.call('HINCRBY', KEYS[i], ARGV[4], ARGV[3])
end
return 1
`;

/** How long a reservation holds budget if its settle never comes (the worker died mid-call). */
export const DEFAULT_RESERVATION_HOLD_MS = 10 * 60 * 1000;

const PROVIDER_FIELD = 'p:';

/**
 * Credits spent per run (per provider) and per plan per UTC calendar month (DESIGN §8 budgets). A call reserves
 * its worst-case cost first and settles what was charged afterwards; the reservation is refused when it would cross
 * the run ceiling or the monthly budget. Month keys are named by `YYYY-MM`, so the budget resets on the 1st (UTC)
 * without a job doing it.
 */
export class CreditLedger {
  private readonly keys: WaterfallKeys;
  private readonly now: () => Date;

  constructor(
    private readonly redis: Redis,
    options: { prefix: string; now?: () => Date },
  ) {
    this.keys = new WaterfallKeys(options.prefix);
    this.now = options.now ?? (() => new Date());
  }

  async reserve(
    planId: string,
    runId: string,
    provider: ProviderId,
    maxCost: number,
    limits: CreditLimits = {},
    options: { holdMs?: number } = {},
  ): Promise<ReserveResult> {
    if (!Number.isFinite(maxCost) || maxCost < 0) {
      throw new AppError('ENRICH_CREDIT_COST_INVALID', `a call cannot cost ${maxCost} credits`, false);
    }
    const at = this.now();
    const month = utcMonth(at);
    const milli = toMilli(maxCost);
    const reservation: Reservation = { planId, runId, provider, month, milli, member: `${randomUUID()}|${milli}` };
    // A free call (offline) can never cross a limit, so it needs no round trip.
    if (milli === 0) return { ok: true, reservation };
    const runKey = this.keys.runCredits(runId);
    const monthKey = this.keys.monthCredits(planId, month);
    const reply = (await this.redis.eval(
      RESERVE_SCRIPT,
      4,
      runKey,
      monthKey,
      pendingKey(runKey),
      pendingKey(monthKey),
      String(milli),
      String(limitMilli(limits.perRun)),
      String(limitMilli(limits.perMonth)),
      String(RUN_TTL_MS),
      String(MONTH_TTL_MS),
      String(at.getTime()),
      reservation.member,
      String(at.getTime() + (options.holdMs ?? DEFAULT_RESERVATION_HOLD_MS)),
    )) as [string, number, number];
    const [status, used, ceiling] = reply;
    if (status === 'ok') return { ok: true, reservation };
    return {
      ok: false,
      limit: status === 'month' ? 'month' : 'run',
      used: fromMilli(used),
      ceiling: fromMilli(ceiling),
    };
  }

  /** Books `charged` (what the provider reported) and releases the reservation; call exactly once per reservation. */
  async settle(reservation: Reservation, charged: number): Promise<void> {
    const chargedMilli = Number.isFinite(charged) && charged > 0 ? toMilli(charged) : 0;
    if (reservation.milli === 0 && chargedMilli === 0) return;
    const runKey = this.keys.runCredits(reservation.runId);
    const monthKey = this.keys.monthCredits(reservation.planId, reservation.month);
    await this.redis.eval(
      SETTLE_SCRIPT,
      4,
      runKey,
      monthKey,
      pendingKey(runKey),
      pendingKey(monthKey),
      reservation.member,
      String(-reservation.milli),
      String(chargedMilli),
      `${PROVIDER_FIELD}${reservation.provider}`,
    );
  }

  async usage(runId: string): Promise<CreditUsage> {
    return parseUsage(await this.redis.hgetall(this.keys.runCredits(runId)));
  }

  /** The plan's spend in the month of `at` (default: now). */
  async monthUsage(planId: string, at: Date = this.now()): Promise<CreditUsage & { month: string }> {
    const month = utcMonth(at);
    return { month, ...parseUsage(await this.redis.hgetall(this.keys.monthCredits(planId, month))) };
  }
}

const pendingKey = (countersKey: string): string => `${countersKey}:pending`;

function limitMilli(limit: number | null | undefined): number {
  return limit === null || limit === undefined || !Number.isFinite(limit) ? -1 : Math.max(0, toMilli(limit));
}

function parseUsage(raw: Record<string, string>): CreditUsage {
  const byProvider: Record<string, number> = {};
  for (const [field, value] of Object.entries(raw)) {
    if (field.startsWith(PROVIDER_FIELD)) byProvider[field.slice(PROVIDER_FIELD.length)] = fromMilli(Number(value));
  }
  return { total: fromMilli(Number(raw.used ?? 0)), byProvider, reserved: fromMilli(Number(raw.reserved ?? 0)) };
}
