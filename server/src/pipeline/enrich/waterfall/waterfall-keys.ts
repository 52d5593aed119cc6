import type { AttributeKey } from '../../../domain/attributes';
import type { ProviderId } from '../providers/provider-contract';

/**
 * The Redis keys of the enrichment waterfall, all under the hash-tagged prefix (`{al}` in production) so they stay in
 * one Redis Cluster slot and Lua scripts may touch several at once. None of them names a plan or an audience unless
 * it must (credits): cached lookups are shared by every plan.
 */
export class WaterfallKeys {
  constructor(readonly prefix: string) {}

  /** The winning value of one lookup (attribute + identity hash). */
  cacheHit(attribute: AttributeKey, identity: string): string {
    return `${this.prefix}:enrich:cache:${attribute}:${identity}`;
  }

  /** Providers that found nothing for one lookup, field = provider, value = expiry (ms). */
  cacheMiss(attribute: AttributeKey, identity: string): string {
    return `${this.prefix}:enrich:miss:${attribute}:${identity}`;
  }

  runCredits(runId: string): string {
    return `${this.prefix}:enrich:credits:run:${runId}`;
  }

  /** `month` is the UTC calendar month `YYYY-MM`: a new month is a new key, so budgets reset by construction. */
  monthCredits(planId: string, month: string): string {
    return `${this.prefix}:enrich:credits:month:${planId}:${month}`;
  }

  hitRates(provider: ProviderId): string {
    return `${this.prefix}:enrich:hit-rate:${provider}`;
  }

  rateBucket(provider: ProviderId): string {
    return `${this.prefix}:enrich:rate:${provider}`;
  }

  /** Set by a Retry-After: nobody calls the provider before it expires. */
  rateBlock(provider: ProviderId): string {
    return `${this.prefix}:enrich:rate-block:${provider}`;
  }

  circuit(provider: ProviderId): string {
    return `${this.prefix}:enrich:circuit:${provider}`;
  }

  /** Held by the one worker allowed to probe a half-open provider. */
  circuitProbe(provider: ProviderId): string {
    return `${this.prefix}:enrich:circuit-probe:${provider}`;
  }

  runProgress(runId: string): string {
    return `${this.prefix}:enrich:progress:${runId}`;
  }
}

/** The UTC calendar month of `date` as `YYYY-MM`. */
export function utcMonth(date: Date): string {
  return date.toISOString().slice(0, 7);
}

/** Midnight UTC on the first day of the month after `date`: when a monthly budget or quota starts again. */
export function startOfNextUtcMonth(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth() + 1, 1));
}
