import type { RedisClient as Redis } from '../../../state/redis';
import type { Gauge, Registry } from 'prom-client';
import type { ProviderId } from '../providers/provider-contract';
import { registerCircuitStateGauge } from './circuit-metrics';
import { startOfNextUtcMonth, WaterfallKeys } from './waterfall-keys';

export type CircuitState = 'closed' | 'open' | 'half_open';

/** Why a circuit opened: repeated transient failures, a revoked key, or a used-up provider quota. */
export type CircuitTrip = 'failures' | 'bad_credentials' | 'quota_exhausted';

/** A circuit's subject: a paid provider, or an action target (`Webhook:<host>`). */
export interface CircuitStatus<Id extends string = ProviderId> {
  provider: Id;
  state: CircuitState;
  /** Consecutive failures counted so far. */
  failures: number;
  trip?: CircuitTrip;
  reason?: string;
  /** ISO time the circuit half-opens; absent while it stays open until the configuration changes. */
  until?: string;
}

export type CircuitGate<Id extends string = ProviderId> =
  | {
      allowed: true;
      /** This call is the half-open probe: its outcome closes or re-opens the circuit. */ probe: boolean;
    }
  | { allowed: false; status: CircuitStatus<Id> };

/** Where a circuit and its probe live in Redis (under the hash-tagged prefix). */
export interface CircuitKeys<Id extends string> {
  circuit(id: Id): string;
  circuitProbe(id: Id): string;
}

export interface CircuitBreakerOptions<Id extends string = ProviderId> {
  prefix: string;
  /** Default: the enrichment waterfall's keys (`<prefix>:enrich:circuit:<provider>`). */
  keys?: CircuitKeys<Id>;
  /** Consecutive retry_later / bad_reply outcomes that open the circuit. */
  failureThreshold?: number;
  /** How long an opened circuit waits before letting one probe through. */
  coolDownMs?: number;
  /** How long one worker holds the probe before another may try (a probe that never reports must not block). */
  probeTtlMs?: number;
  /** When a provider's quota comes back; default the 1st of next month (UTC). */
  quotaResetAt?: (provider: Id, now: Date) => Date;
  /**
   * A fingerprint of the provider's configuration (e.g. a hash of its key). A circuit opened by bad credentials
   * stays open until this changes.
   */
  configVersion?: (provider: Id) => string;
  now?: () => number;
}

const NEVER = 'never';
/** The consecutive-failure count forgets failures after a quiet day. */
const FAILURE_MEMORY_MS = 24 * 60 * 60 * 1000;

// Counts one failure; opens the circuit at the threshold, or again at once when the failing call was the probe.
// KEYS[1] circuit hash, KEYS[2] probe key; ARGV[1] now, ARGV[2] threshold, ARGV[3] cool-down, ARGV[4] reason,
// ARGV[5] memory ms.
const FAILURE_SCRIPT = `
local now = tonumber(ARGV[1])
local failures = redis.call('HINCRBY', KEYS[1], 'failures', 1)
local untilRaw = redis.call('HGET', KEYS[1], 'until')
if untilRaw == 'never' then return failures end
-- A late failure must not shorten a quota block to a mere cool-down.
if redis.call('HGET', KEYS[1], 'trip') == 'quota_exhausted' and untilRaw and tonumber(untilRaw) > now then
  return failures
end
local halfOpen = untilRaw and tonumber(untilRaw) <= now
if failures >= tonumber(ARGV[2]) or halfOpen then
  redis.call('HSET', KEYS[1], 'until', tostring(now + tonumber(ARGV[3])), 'trip', 'failures', 'reason', ARGV[4])
end
redis.call('DEL', KEYS[2])
redis.call('PEXPIRE', KEYS[1], math.max(tonumber(ARGV[5]), tonumber(ARGV[3]) * 2))
return failures
`;

/**
 * A circuit breaker per provider, kept in Redis so every worker agrees (DESIGN §8): it opens after N consecutive
 * failures, at once on bad credentials (until the configuration changes) and on an exhausted quota (until the
 * quota resets); after the cool-down one worker probes (half-open) and the probe's outcome closes or re-opens it.
 */
export class CircuitBreaker<Id extends string = ProviderId> {
  private readonly keys: CircuitKeys<Id>;
  private readonly failureThreshold: number;
  private readonly coolDownMs: number;
  private readonly probeTtlMs: number;
  private readonly quotaResetAt: (provider: Id, now: Date) => Date;
  private readonly configVersion: (provider: Id) => string;
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    options: CircuitBreakerOptions<Id>,
  ) {
    this.keys = options.keys ?? (new WaterfallKeys(options.prefix) as CircuitKeys<string>);
    this.failureThreshold = Math.max(1, options.failureThreshold ?? 5);
    this.coolDownMs = options.coolDownMs ?? 60_000;
    this.probeTtlMs = options.probeTtlMs ?? 30_000;
    this.quotaResetAt = options.quotaResetAt ?? ((_provider, now) => startOfNextUtcMonth(now));
    this.configVersion = options.configVersion ?? (() => '');
    this.now = options.now ?? Date.now;
  }

  /** May `provider` be called now? In half-open state only one worker gets the probe. */
  async check(provider: Id): Promise<CircuitGate<Id>> {
    const status = await this.status(provider);
    if (status.state === 'closed') return { allowed: true, probe: false };
    if (status.state === 'open') return { allowed: false, status };
    const won = await this.redis.set(this.keys.circuitProbe(provider), '1', 'PX', this.probeTtlMs, 'NX');
    return won === 'OK' ? { allowed: true, probe: true } : { allowed: false, status };
  }

  /** A match or no match: the provider works, so the circuit closes and the failure count restarts. */
  async recordSuccess(provider: Id): Promise<void> {
    await this.redis.del(this.keys.circuit(provider), this.keys.circuitProbe(provider));
  }

  /** A retry_later or bad_reply. */
  async recordFailure(provider: Id, reason: string): Promise<void> {
    await this.redis.eval(
      FAILURE_SCRIPT,
      2,
      this.keys.circuit(provider),
      this.keys.circuitProbe(provider),
      String(this.now()),
      String(this.failureThreshold),
      String(this.coolDownMs),
      reason,
      String(FAILURE_MEMORY_MS),
    );
  }

  /** The key is wrong or revoked: no call can succeed until someone changes the configuration. */
  async recordBadCredentials(provider: Id, reason: string): Promise<void> {
    const key = this.keys.circuit(provider);
    await this.redis
      .multi()
      .hset(key, {
        until: NEVER,
        trip: 'bad_credentials',
        reason,
        config: this.configVersion(provider),
        failures: '0',
      })
      .persist(key)
      .del(this.keys.circuitProbe(provider))
      .exec();
  }

  /** The provider's quota is used up: nothing to gain from calling it before the quota resets. */
  async recordQuotaExhausted(provider: Id, reason: string): Promise<void> {
    const now = this.now();
    const until = Math.max(now + 1, this.quotaResetAt(provider, new Date(now)).getTime());
    const key = this.keys.circuit(provider);
    await this.redis
      .multi()
      .hset(key, { until: String(until), trip: 'quota_exhausted', reason, failures: '0' })
      .pexpire(key, until - now + this.coolDownMs)
      .del(this.keys.circuitProbe(provider))
      .exec();
  }

  /** Closes the circuit by hand (an admin fixed the provider). */
  async reset(provider: Id): Promise<void> {
    await this.recordSuccess(provider);
  }

  async status(provider: Id): Promise<CircuitStatus<Id>> {
    const raw = await this.redis.hgetall(this.keys.circuit(provider));
    const failures = Number(raw.failures ?? 0);
    const trip = raw.trip as CircuitTrip | undefined;
    const base = { provider, failures, ...(trip ? { trip } : {}), ...(raw.reason ? { reason: raw.reason } : {}) };
    if (raw.until === undefined) return { ...base, state: 'closed' };
    if (raw.until === NEVER) {
      // A new key (or any configuration change) deserves a fresh try.
      if (trip === 'bad_credentials' && (raw.config ?? '') !== this.configVersion(provider)) {
        return { provider, failures: 0, state: 'closed' };
      }
      return { ...base, state: 'open' };
    }
    const until = Number(raw.until);
    const state: CircuitState = until > this.now() ? 'open' : 'half_open';
    return { ...base, state, until: new Date(until).toISOString() };
  }

  /** Every listed provider's circuit, for /readyz. */
  async states(providers: readonly Id[]): Promise<CircuitStatus<Id>[]> {
    return Promise.all(providers.map((provider) => this.status(provider)));
  }

  /** The `enrichment_circuit_state` gauge over these providers (see `registerCircuitStateGauge`). */
  registerMetrics(
    registry: Registry,
    providers: () => readonly Id[],
    options: { prefix?: string } = {},
  ): Gauge<'provider'> {
    return registerCircuitStateGauge(registry, () => this.states(providers()), options);
  }

  keysFor(provider: Id): string[] {
    return [this.keys.circuit(provider), this.keys.circuitProbe(provider)];
  }
}
