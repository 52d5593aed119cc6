import type { ProviderId } from '../providers/provider-contract';
import type { CircuitTrip } from './circuit-breaker';
import type { ProviderErrorKind, WaterfallResult } from './waterfall-result';

/** Why a provider left a record without its value: its own error, or our rate limit holding the call back. */
export type FailureCause = ProviderErrorKind | 'rate_limited';

export interface FailureCauseOf {
  provider: ProviderId;
  cause: FailureCause;
  /** The provider's reply as the adapter worded it (secrets already masked), when there was a call. */
  reason?: string;
}

/** An open circuit stands for the failure that opened it: a revoked key stays "bad credentials" on every record. */
const CAUSE_OF_TRIP: Readonly<Record<CircuitTrip, FailureCause>> = {
  bad_credentials: 'bad_credentials',
  quota_exhausted: 'quota_exhausted',
  failures: 'retry_later',
};

/** What an admin reads for each cause in Error_Summary__c: what happened and what it usually means. */
export const CAUSE_TEXT: Readonly<Record<FailureCause, string>> = {
  bad_credentials: 'bad credentials (HTTP 401/403: the key is wrong or revoked)',
  quota_exhausted: 'quota used up (HTTP 402: no credits left at the provider)',
  retry_later: 'provider unavailable (HTTP 429 rate limit, 5xx or no reply in time)',
  bad_reply: 'bad reply (not the documented shape, or the request was refused)',
  rate_limited: 'held back by the shared rate limit',
};

/**
 * Each provider's failure behind one record's result, once per provider and cause: its errors first, then the
 * providers skipped for now (an open circuit, under the cause that opened it; our rate limit).
 */
export function failureCauses(result: WaterfallResult): FailureCauseOf[] {
  const found = new Map<string, FailureCauseOf>();
  const add = (entry: FailureCauseOf) => {
    const key = `${entry.provider}\u0000${entry.cause}`;
    if (!found.has(key)) found.set(key, entry);
  };
  for (const error of result.errors) add({ provider: error.provider, cause: error.kind, reason: error.reason });
  for (const skip of result.skipped) {
    if (skip.reason === 'circuit_open') {
      add({
        provider: skip.provider,
        cause: CAUSE_OF_TRIP[skip.trip ?? 'failures'],
        ...(skip.detail !== undefined && { reason: skip.detail }),
      });
    }
    if (skip.reason === 'rate_limited') add({ provider: skip.provider, cause: 'rate_limited' });
  }
  return [...found.values()];
}
