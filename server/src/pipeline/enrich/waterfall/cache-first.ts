import type { ProviderId } from '../providers/provider-contract';
import type { RecordRun } from './record-run';
import { underPolicy } from './value-judgement';
import type { WaterfallRequest } from './waterfall-request';

/** Cached values win before any provider is asked; a cached miss or an unacceptable value marks who not to ask. */
export async function readCache(run: RecordRun, request: WaterfallRequest): Promise<void> {
  const lookups = await request.cache.lookup(run.wanted, request.input);
  for (const [key, lookup] of lookups) {
    if (lookup.kind === 'hit') {
      // A value another plan accepted under a looser email policy is not good enough for this one: look again.
      const value = underPolicy(lookup.cached, request.policy);
      // Bought earlier (maybe by another plan): this enrichment pays nothing for it.
      if (value) run.win({ ...value, cost: 0 }, true);
      // ...but the provider that found it would only sell us the same value again.
      else run.noMatchFrom.set(key, new Set([lookup.cached.value.provider as ProviderId]));
    } else if (lookup.kind === 'miss' && lookup.noMatchFrom.length > 0) {
      run.noMatchFrom.set(key, new Set(lookup.noMatchFrom));
    }
  }
}
