import type { AttributeKey } from '../../../domain/attributes';
import type { EnrichmentProvider, ProviderId, ProviderInput } from '../providers/provider-contract';
import type { CircuitBreaker } from './circuit-breaker';
import type { CreditLedger, CreditLimits } from './credit-ledger';
import type { EmailPolicy } from './email-validation-policy';
import type { EnrichmentCache } from './enrichment-cache';
import type { HitRateStats } from './hit-rate-stats';
import type { ProviderRateLimiter } from './provider-rate-limiter';

/** Everything one record's waterfall needs: what to find, from whom in what order, and the shared services. */
export interface WaterfallRequest {
  input: ProviderInput;
  wanted: readonly AttributeKey[];
  /** Audience_Enrichment__c.Providers__c, in order. */
  providerOrder: readonly ProviderId[];
  providers: ReadonlyMap<ProviderId, EnrichmentProvider>;
  cache: EnrichmentCache;
  credits: CreditLedger;
  limiter: ProviderRateLimiter;
  breaker: CircuitBreaker;
  hitRates?: HitRateStats;
  policy: EmailPolicy;
  planId: string;
  runId: string;
  /** Max_Credits_Per_Run__c and Monthly_Credit_Budget__c. */
  limits?: CreditLimits;
  now?: () => Date;
  /** Longest a record waits for a provider's rate limit before moving on to the next provider. */
  maxRateWaitMs?: number;
  /** This many providers in a row returning the same invalid value end the attribute's waterfall. */
  duplicateInvalidThreshold?: number;
  signal?: AbortSignal;
}
