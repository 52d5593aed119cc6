import type { RedisClient as Redis } from '../../../state/redis';
import { z } from 'zod';
import {
  ATTRIBUTE_KEYS,
  attributeValueSchema,
  EMAIL_STATUSES,
  type AttributeKey,
  type AttributeValue,
  type EmailStatus,
} from '../../../domain/attributes';
import { ConfigError } from '../../../lib/errors';
import type { ProviderId, ProviderInput } from '../providers/provider-contract';
import { lookupIdentity } from './lookup-identity';
import { WaterfallKeys } from './waterfall-keys';

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * How long a bought value stays good, by how fast that kind of fact changes: company facts barely move, people change
 * jobs (title, seniority, company) and mailboxes get closed, so a verification ages fastest.
 */
export const DEFAULT_CACHE_TTL_MS: { readonly [K in AttributeKey]: number } = {
  'person.email_normalized': 90 * DAY_MS,
  'person.email_status': 30 * DAY_MS,
  'person.work_email': 90 * DAY_MS,
  'person.phone_e164': 90 * DAY_MS,
  'person.phone_type': 90 * DAY_MS,
  'person.direct_phone': 90 * DAY_MS,
  'person.mobile_phone': 90 * DAY_MS,
  'person.first_name': 180 * DAY_MS,
  'person.last_name': 180 * DAY_MS,
  'person.title': 30 * DAY_MS,
  'person.seniority': 30 * DAY_MS,
  'person.department': 30 * DAY_MS,
  'person.linkedin_url': 90 * DAY_MS,
  'person.current_company_domain': 30 * DAY_MS,
  'company.domain': 180 * DAY_MS,
  'company.industry': 180 * DAY_MS,
  'company.employee_count': 180 * DAY_MS,
  // Signal values are events, not looked-up facts: the firer writes them directly and never buys them, so a cached
  // copy would only ever be stale.
  'signal.job_change_at': 0,
  'signal.previous_company': 0,
  'company.open_roles': 0,
  'company.last_funding_round': 0,
  'company.last_funding_amount': 0,
  'company.last_funding_date': 0,
};

/** "Nobody had it" is kept shorter than a value: providers add data, and a miss is cheap to re-learn weekly. */
export const DEFAULT_NEGATIVE_TTL_MS = 7 * DAY_MS;

export interface CacheConfig {
  /** Per-attribute TTL overrides; 0 turns caching off for that attribute. */
  ttlMs?: Partial<Record<AttributeKey, number>>;
  negativeTtlMs?: number;
}

export const cacheConfigSchema = z.object({
  ttlMs: z.partialRecord(z.enum(ATTRIBUTE_KEYS), z.number().int().min(0)).optional(),
  negativeTtlMs: z.number().int().min(0).optional(),
});

export interface EnrichmentCacheOptions extends CacheConfig {
  prefix: string;
  now?: () => number;
}

/** What is kept of a winning value: the value as the provider gave it, and the verdict on it when it is an email. */
export interface CachedValue {
  value: AttributeValue;
  /** Kept so a plan with a stricter email policy can still refuse a value another plan accepted. */
  emailStatus?: EmailStatus;
}

export type CacheLookup =
  | { kind: 'hit'; cached: CachedValue }
  /** `noMatchFrom`: providers that recently found nothing for this lookup (not worth paying again). */
  | { kind: 'miss'; noMatchFrom: ProviderId[] }
  /** The record does not say clearly enough who it is: never cached. */
  | { kind: 'uncacheable' };

const cachedValueSchema = z.object({
  value: attributeValueSchema,
  emailStatus: z.enum(EMAIL_STATUSES).optional(),
});

/**
 * The enrichment cache (DESIGN §8): the winning value per lookup identity (attribute + normalised inputs), shared
 * across plans and audiences, with a TTL per attribute; plus negative entries per provider, so nobody pays twice to
 * learn that a provider has nothing. Keys: `<prefix>:enrich:cache:<attribute>:<hash>` (JSON) and
 * `<prefix>:enrich:miss:<attribute>:<hash>` (hash provider → expiry ms).
 */
export class EnrichmentCache {
  private readonly keys: WaterfallKeys;
  private readonly ttlMs: { readonly [K in AttributeKey]: number };
  private readonly negativeTtlMs: number;
  private readonly now: () => number;

  constructor(
    private readonly redis: Redis,
    options: EnrichmentCacheOptions,
  ) {
    const checked = cacheConfigSchema.safeParse({ ttlMs: options.ttlMs, negativeTtlMs: options.negativeTtlMs });
    if (!checked.success) {
      throw new ConfigError(
        'ENRICH_CACHE_CONFIG_INVALID',
        `cache TTLs must be whole ms >= 0: ${checked.error.message}`,
      );
    }
    this.keys = new WaterfallKeys(options.prefix);
    this.ttlMs = { ...DEFAULT_CACHE_TTL_MS, ...checked.data.ttlMs };
    this.negativeTtlMs = checked.data.negativeTtlMs ?? DEFAULT_NEGATIVE_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  ttlFor(attribute: AttributeKey): number {
    return this.ttlMs[attribute];
  }

  /** Looks up several attributes of one record in one round trip. */
  async lookup(attributes: readonly AttributeKey[], input: ProviderInput): Promise<Map<AttributeKey, CacheLookup>> {
    const result = new Map<AttributeKey, CacheLookup>();
    const asked: { attribute: AttributeKey; hash: string }[] = [];
    const pipeline = this.redis.pipeline();
    for (const attribute of new Set(attributes)) {
      const id = lookupIdentity(attribute, input);
      if (!id || this.ttlMs[attribute] === 0) {
        result.set(attribute, { kind: 'uncacheable' });
        continue;
      }
      asked.push({ attribute, hash: id.hash });
      pipeline.get(this.keys.cacheHit(attribute, id.hash));
      pipeline.hgetall(this.keys.cacheMiss(attribute, id.hash));
    }
    if (asked.length === 0) return result;
    const replies = (await pipeline.exec()) ?? [];
    const now = this.now();
    asked.forEach(({ attribute }, index) => {
      const [hitError, hit] = replies[index * 2] ?? [new Error('no reply'), null];
      const [missError, miss] = replies[index * 2 + 1] ?? [new Error('no reply'), null];
      if (hitError) throw hitError;
      if (missError) throw missError;
      const cached = parseCached(hit as string | null, attribute);
      if (cached) {
        result.set(attribute, { kind: 'hit', cached });
        return;
      }
      const noMatchFrom = Object.entries((miss as Record<string, string> | null) ?? {})
        .filter(([, expiresAt]) => Number(expiresAt) > now)
        .map(([provider]) => provider as ProviderId);
      result.set(attribute, { kind: 'miss', noMatchFrom });
    });
    return result;
  }

  /** Stores a winning value for its attribute's TTL; does nothing for a record without a clear identity. */
  async putValue(input: ProviderInput, cached: CachedValue): Promise<boolean> {
    const attribute = cached.value.key;
    const id = lookupIdentity(attribute, input);
    const ttl = this.ttlMs[attribute];
    if (!id || ttl === 0) return false;
    // A value settles the lookup: the misses that led to it no longer matter.
    await this.redis
      .multi()
      .set(this.keys.cacheHit(attribute, id.hash), JSON.stringify(cached), 'PX', ttl)
      .del(this.keys.cacheMiss(attribute, id.hash))
      .exec();
    return true;
  }

  /** Remembers that `provider` found nothing for this lookup, for the negative TTL. */
  async putNoMatch(attribute: AttributeKey, input: ProviderInput, provider: ProviderId): Promise<boolean> {
    const id = lookupIdentity(attribute, input);
    if (!id || this.ttlMs[attribute] === 0 || this.negativeTtlMs === 0) return false;
    const key = this.keys.cacheMiss(attribute, id.hash);
    // Every entry gets the same TTL, so the newest one always expires last: plain PEXPIRE keeps the key alive for it.
    await this.redis
      .multi()
      .hset(key, provider, String(this.now() + this.negativeTtlMs))
      .pexpire(key, this.negativeTtlMs)
      .exec();
    return true;
  }

  /** The keys a record's lookups use (for tests and for an admin "forget this record"). */
  keysFor(attribute: AttributeKey, input: ProviderInput): string[] {
    const id = lookupIdentity(attribute, input);
    return id ? [this.keys.cacheHit(attribute, id.hash), this.keys.cacheMiss(attribute, id.hash)] : [];
  }
}

function parseCached(raw: string | null, attribute: AttributeKey): CachedValue | undefined {
  if (raw === null) return undefined;
  try {
    const checked = cachedValueSchema.safeParse(JSON.parse(raw));
    // An unreadable or mismatched entry counts as a miss: we may pay again, but never store junk in Salesforce.
    if (!checked.success || checked.data.value.key !== attribute) return undefined;
    const { value, emailStatus } = checked.data;
    return emailStatus === undefined ? { value } : { value, emailStatus };
  } catch {
    return undefined;
  }
}
