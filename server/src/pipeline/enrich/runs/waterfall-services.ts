import type { RedisClient as Redis } from '../../../state/redis';
import type { ProviderId } from '../providers/provider-contract';
import { CircuitBreaker } from '../waterfall/circuit-breaker';
import { CreditLedger } from '../waterfall/credit-ledger';
import { EnrichmentCache } from '../waterfall/enrichment-cache';
import { HitRateStats } from '../waterfall/hit-rate-stats';
import { ProviderRateLimiter } from '../waterfall/provider-rate-limiter';
import { RunProgress } from '../waterfall/run-progress';

/** The Redis-backed parts every waterfall of this process shares. */
export interface WaterfallServices {
  cache: EnrichmentCache;
  credits: CreditLedger;
  limiter: ProviderRateLimiter;
  breaker: CircuitBreaker;
  hitRates: HitRateStats;
  progress: RunProgress;
}

export function createWaterfallServices(
  redis: Redis,
  prefix: string,
  now: () => Date,
  /** The registry's configuration fingerprints: a new key closes a circuit that bad credentials opened. */
  options: { fingerprints?: ReadonlyMap<ProviderId, string> } = {},
): WaterfallServices {
  const nowMs = () => now().getTime();
  const configVersion = (provider: ProviderId) => options.fingerprints?.get(provider) ?? '';
  const credits = new CreditLedger(redis, { prefix, now });
  return {
    cache: new EnrichmentCache(redis, { prefix, now: nowMs }),
    credits,
    limiter: new ProviderRateLimiter(redis, { prefix }),
    breaker: new CircuitBreaker(redis, { prefix, configVersion }),
    hitRates: new HitRateStats(redis, { prefix }),
    progress: new RunProgress(redis, credits, { prefix }),
  };
}
