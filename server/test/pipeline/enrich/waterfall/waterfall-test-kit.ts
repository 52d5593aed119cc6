import { Redis } from 'ioredis';
import type { AttributeKey, AttributeValue } from '../../../../src/domain/attributes';
import type {
  EnrichmentProvider,
  ProviderCall,
  ProviderDescriptor,
  ProviderId,
  ProviderOutcome,
} from '../../../../src/pipeline/enrich/providers/provider-contract';
import { deletePrefixedKeys, TEST_REDIS_URL, uniquePrefix } from '../../../support/redis-test';

/** A Redis connection and a prefix of this test file's own; `cleanup` deletes only keys under that prefix. */
export async function openTestRedis(
  label: string,
): Promise<{ redis: Redis; prefix: string; cleanup: () => Promise<void> }> {
  const redis = new Redis(TEST_REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  const prefix = uniquePrefix(label);
  const cleanup = async (): Promise<void> => {
    await deletePrefixedKeys(redis, prefix);
    await redis.quit();
  };
  return { redis, prefix, cleanup };
}

/** A clock tests move by hand: no test waits for real time. */
export class FakeClock {
  constructor(public ms: number) {}

  static at(iso: string): FakeClock {
    return new FakeClock(Date.parse(iso));
  }

  readonly now = (): number => this.ms;
  readonly date = (): Date => new Date(this.ms);
  readonly sleep = async (ms: number): Promise<void> => {
    this.ms += ms;
  };

  advance(ms: number): void {
    this.ms += ms;
  }
}

export type Script = (call: ProviderCall, callNumber: number) => ProviderOutcome;

/** An in-memory provider that answers from a script and remembers every call. */
export class FakeProvider implements EnrichmentProvider {
  readonly calls: ProviderCall[] = [];
  readonly descriptor: ProviderDescriptor;

  constructor(
    id: ProviderId,
    produces: readonly AttributeKey[],
    private readonly script: Script,
    overrides: Partial<Omit<ProviderDescriptor, 'id' | 'produces'>> = {},
  ) {
    this.descriptor = {
      id,
      produces,
      inputFields: ['Email', 'FirstName', 'LastName', 'Account.Website'],
      requiredInputs: [],
      cost: { perCall: 1, perMatch: 0 },
      rateLimit: { max: 1000, windowMs: 1000 },
      timeoutMs: 5000,
      ...overrides,
    };
  }

  async enrich(call: ProviderCall): Promise<ProviderOutcome> {
    this.calls.push(call);
    return this.script(call, this.calls.length);
  }
}

export const FETCHED_AT = '2026-11-28T12:00:00.000Z';

export function value(key: AttributeKey, v: string | number, confidence = 0.9, provider = 'fake'): AttributeValue {
  return { key, value: v, provider, confidence, fetchedAt: FETCHED_AT };
}

/** A script that matches with the given values (only those asked for) and charges `credits`. */
export function matches(values: Partial<Record<AttributeKey, string | number>>, credits = 1): Script {
  return (call) => {
    const found = call.wanted.flatMap((key) => (values[key] === undefined ? [] : [value(key, values[key])]));
    return found.length > 0
      ? { kind: 'match', values: found, creditsCharged: credits }
      : { kind: 'no_match', creditsCharged: credits };
  };
}

export const noMatch =
  (credits = 1): Script =>
  () => ({ kind: 'no_match', creditsCharged: credits });

export function providerMap(...providers: EnrichmentProvider[]): Map<ProviderId, EnrichmentProvider> {
  return new Map(providers.map((provider) => [provider.descriptor.id, provider]));
}
