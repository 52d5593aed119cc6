import type { RedisClient as Redis } from '../../../state/redis';
import type { AttributeKey } from '../../../domain/attributes';
import type { ProviderId } from '../providers/provider-contract';
import { WaterfallKeys } from './waterfall-keys';

export interface ProviderHitStats {
  /** Calls that got an answer (match or no match). */
  calls: number;
  /** Calls the provider charged its per-match price for. */
  matches: number;
  /** Per attribute: how often it was asked for and how often a valid value came back. */
  byAttribute: Partial<Record<AttributeKey, { asked: number; found: number }>>;
}

/**
 * Observed hit rates per provider and attribute (Redis counters shared by all workers and plans), which the pre-run
 * estimate turns into expected calls and credits. Key: `<prefix>:enrich:hit-rate:<provider>`.
 */
export class HitRateStats {
  private readonly keys: WaterfallKeys;

  constructor(
    private readonly redis: Redis,
    options: { prefix: string },
  ) {
    this.keys = new WaterfallKeys(options.prefix);
  }

  /** Counts one answered call; `found` are the asked attributes that came back valid. */
  async record(
    provider: ProviderId,
    asked: readonly AttributeKey[],
    found: readonly AttributeKey[],
    matched: boolean,
  ): Promise<void> {
    const key = this.keys.hitRates(provider);
    const multi = this.redis.multi().hincrby(key, 'calls', 1);
    if (matched) multi.hincrby(key, 'matches', 1);
    for (const attribute of new Set(asked)) multi.hincrby(key, `${attribute}:asked`, 1);
    for (const attribute of new Set(found)) multi.hincrby(key, `${attribute}:found`, 1);
    await multi.exec();
  }

  async read(providers: readonly ProviderId[]): Promise<Map<ProviderId, ProviderHitStats>> {
    const result = new Map<ProviderId, ProviderHitStats>();
    if (providers.length === 0) return result;
    const pipeline = this.redis.pipeline();
    for (const provider of providers) pipeline.hgetall(this.keys.hitRates(provider));
    const replies = (await pipeline.exec()) ?? [];
    providers.forEach((provider, index) => {
      const [error, raw] = replies[index] ?? [new Error('no reply'), null];
      if (error) throw error;
      result.set(provider, parseStats((raw as Record<string, string> | null) ?? {}));
    });
    return result;
  }

  key(provider: ProviderId): string {
    return this.keys.hitRates(provider);
  }
}

function parseStats(raw: Record<string, string>): ProviderHitStats {
  const byAttribute: ProviderHitStats['byAttribute'] = {};
  for (const [field, value] of Object.entries(raw)) {
    const match = /^(.+):(asked|found)$/.exec(field);
    if (!match) continue;
    const attribute = match[1] as AttributeKey;
    const entry = (byAttribute[attribute] ??= { asked: 0, found: 0 });
    entry[match[2] as 'asked' | 'found'] = Number(value);
  }
  return { calls: Number(raw.calls ?? 0), matches: Number(raw.matches ?? 0), byAttribute };
}
