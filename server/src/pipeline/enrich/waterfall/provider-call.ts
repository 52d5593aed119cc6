import type { AttributeKey } from '../../../domain/attributes';
import type {
  EnrichmentProvider,
  ProviderDescriptor,
  ProviderInput,
  ProviderOutcome,
} from '../providers/provider-contract';

/**
 * Offline values are computed locally for free: not worth a Redis round trip to cache or rate limit. Every other
 * provider is remote, even one that charges nothing (a self-hosted http: provider still has limits to respect).
 */
export const isRemote = (descriptor: ProviderDescriptor): boolean => descriptor.id !== 'offline';

/** What a call cost: only match and no_match are charged; a nonsense charge counts as 0, as the ledger books it. */
export function chargedCredits(outcome: ProviderOutcome): number {
  if (outcome.kind !== 'match' && outcome.kind !== 'no_match') return 0;
  return Number.isFinite(outcome.creditsCharged) && outcome.creditsCharged > 0 ? outcome.creditsCharged : 0;
}

export async function callProvider(
  provider: EnrichmentProvider,
  input: ProviderInput,
  asked: readonly AttributeKey[],
  signal: AbortSignal | undefined,
): Promise<ProviderOutcome> {
  const timeout = AbortSignal.timeout(provider.descriptor.timeoutMs);
  try {
    return await provider.enrich({
      input,
      wanted: asked,
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
  } catch (error) {
    // The contract says adapters never throw; one that does is treated as a bad reply, not a crashed run.
    return { kind: 'bad_reply', reason: `provider threw: ${error instanceof Error ? error.message : String(error)}` };
  }
}
