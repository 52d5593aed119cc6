import type { Redis } from 'ioredis';
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

// Checks both limits and reserves in both counters in one step, so concurrent workers can never overshoot.
// KEYS[1] run hash, KEYS[2] month hash; ARGV[1] cost, ARGV[2] run limit, ARGV[3] month limit (-1: none),
// ARGV[4] run ttl ms, ARGV[5] month ttl ms. Amounts in milli-credits.
const RESERVE_SCRIPT = `
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
redis.call('HINCRBY', KEYS[1], 'reserved', cost)
redis.call('HINCRBY', KEYS[2], 'reserved', cost)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PEXPIRE', KEYS[2], ARGV[5])
return {'ok', runSpent + cost, runLimit}
`;

// Releases a reservation and books what the provider actually charged, in both counters.
// KEYS[1] run hash, KEYS[2] month hash; ARGV[1] minus the reserved amount (negated by the caller: Lua would turn
// -0 into "-0", which HINCRBY refuses), ARGV[2] charged, ARGV[3] provider field.
const SETTLE_SCRIPT = `
for i = 1, 2 do
  redis.call('HINCRBY', KEYS[i], 'reserved', ARGV[1])
  redis.call('HINCRBY', KEYS[i], 'used', ARGV[2])
  redis.call('HINCRBY', KEYS[i], ARGV[3], ARGV[2])
end
return 1
`;

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
  ): Promise<ReserveResult> {
    if (!Number.isFinite(maxCost) || maxCost < 0) {
      throw new AppError('ENRICH_CREDIT_COST_INVALID', `a call cannot cost ${maxCost} credits`, false);
    }
    const month = utcMonth(this.now());
    const milli = toMilli(maxCost);
    // A free call (offline) can never cross a limit, so it needs no round trip.
    if (milli === 0) return { ok: true, reservation: { planId, runId, provider, month, milli } };
    const reply = (await this.redis.eval(
      RESERVE_SCRIPT,
      2,
      this.keys.runCredits(runId),
      this.keys.monthCredits(planId, month),
      String(milli),
      String(limitMilli(limits.perRun)),
      String(limitMilli(limits.perMonth)),
      String(RUN_TTL_MS),
      String(MONTH_TTL_MS),
    )) as [string, number, number];
    const [status, used, ceiling] = reply;
    if (status === 'ok') return { ok: true, reservation: { planId, runId, provider, month, milli } };
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
    await this.redis.eval(
      SETTLE_SCRIPT,
      2,
      this.keys.runCredits(reservation.runId),
      this.keys.monthCredits(reservation.planId, reservation.month),
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

  runKey(runId: string): string {
    return this.keys.runCredits(runId);
  }

  monthKey(planId: string, at: Date = this.now()): string {
    return this.keys.monthCredits(planId, utcMonth(at));
  }
}

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
