/**
 * Builds the providers this process can call, once at start: `offline` always; hunter, pdl and apollo when their
 * key is set; one `http:<name>` per valid ENRICHMENT_PROVIDERS_FILE entry. A missing key or a bad file entry
 * disables that provider with a reason for the admin; nothing here throws for those, and no key is ever logged.
 */
import { createHash } from 'node:crypto';
import type { Env } from '../../../env/env-schema';
import { createApolloProvider, type ApolloOptions } from './apollo-provider';
import { createHttpProvider } from './http-provider';
import type { FetchLike } from './http-json';
import { createHunterProvider, type HunterOptions } from './hunter-provider';
import { createOfflineProvider } from './offline-enrichment-provider';
import { createPdlProvider, type PdlOptions } from './pdl-provider';
import type { EnrichmentProvider, ProviderId } from './provider-contract';
import { loadProvidersFile, type DisabledProvider } from './providers-file';

export type ProviderEnv = Pick<
  Env,
  | 'HUNTER_API_KEY'
  | 'HUNTER_BASE_URL'
  | 'PDL_API_KEY'
  | 'PDL_BASE_URL'
  | 'APOLLO_API_KEY'
  | 'APOLLO_BASE_URL'
  | 'ENRICHMENT_PROVIDERS_FILE'
  | 'DEFAULT_PHONE_REGION'
>;

export interface ProviderRegistryOptions {
  fetch?: FetchLike;
  now?: () => Date;
  /** Where `${NAME}` in the providers file expands from (default process.env). */
  environment?: Readonly<Record<string, string | undefined>>;
  readFile?: (path: string) => string;
  /** PDL's minimum likelihood (1–10) for this deployment's plans. */
  pdlMinLikelihood?: number;
  /** Credits per call as this account is billed, when they differ from the providers' list prices. */
  costs?: { hunter?: HunterOptions['costs']; pdl?: PdlOptions['costs']; apollo?: ApolloOptions['costs'] };
}

export interface ProviderRegistry {
  providers: ReadonlyMap<ProviderId, EnrichmentProvider>;
  /** Providers that will not be called, and why (tell the admin at start). */
  disabled: readonly DisabledProvider[];
  /**
   * A hash of each provider's configuration (key, base URL; a file entry as a whole), never the key itself: a
   * circuit opened by bad credentials stays open until this changes.
   */
  fingerprints: ReadonlyMap<ProviderId, string>;
}

const fingerprint = (config: unknown): string =>
  createHash('sha256').update(JSON.stringify(config)).digest('hex').slice(0, 16);

export type { DisabledProvider } from './providers-file';

export function createProviderRegistry(env: ProviderEnv, options: ProviderRegistryOptions = {}): ProviderRegistry {
  const fetch = options.fetch ?? globalThis.fetch;
  const now = options.now ?? (() => new Date());
  const providers = new Map<ProviderId, EnrichmentProvider>();
  const disabled: DisabledProvider[] = [];
  const fingerprints = new Map<ProviderId, string>();

  try {
    providers.set('offline', createOfflineProvider({ defaultRegion: env.DEFAULT_PHONE_REGION, now }));
  } catch (error) {
    disabled.push({ id: 'offline', reason: `offline disabled: ${(error as Error).message}` });
  }

  const keyed = [
    {
      id: 'hunter',
      variable: 'HUNTER_API_KEY',
      what: "Hunter's email finder and verifier",
      key: env.HUNTER_API_KEY,
      baseUrl: env.HUNTER_BASE_URL,
      create: (apiKey: string) =>
        createHunterProvider({ apiKey, baseUrl: env.HUNTER_BASE_URL, fetch, now, costs: options.costs?.hunter }),
    },
    {
      id: 'pdl',
      variable: 'PDL_API_KEY',
      what: 'People Data Labs person and company enrichment',
      key: env.PDL_API_KEY,
      baseUrl: env.PDL_BASE_URL,
      create: (apiKey: string) =>
        createPdlProvider({
          apiKey,
          baseUrl: env.PDL_BASE_URL,
          fetch,
          now,
          minLikelihood: options.pdlMinLikelihood,
          costs: options.costs?.pdl,
        }),
    },
    {
      id: 'apollo',
      variable: 'APOLLO_API_KEY',
      what: 'Apollo people match and organization enrichment',
      key: env.APOLLO_API_KEY,
      baseUrl: env.APOLLO_BASE_URL,
      create: (apiKey: string) =>
        createApolloProvider({ apiKey, baseUrl: env.APOLLO_BASE_URL, fetch, now, costs: options.costs?.apollo }),
    },
  ] as const;
  for (const provider of keyed) {
    const key = provider.key?.trim();
    if (key) {
      providers.set(provider.id, provider.create(key));
      fingerprints.set(provider.id, fingerprint([key, provider.baseUrl]));
    } else {
      disabled.push({
        id: provider.id,
        reason: `${provider.id} disabled: ${provider.variable} is not set (set it to use ${provider.what})`,
      });
    }
  }

  if (env.ENRICHMENT_PROVIDERS_FILE) {
    const file = loadProvidersFile(env.ENRICHMENT_PROVIDERS_FILE, options.environment ?? process.env, options.readFile);
    for (const config of file.providers) {
      providers.set(config.id, createHttpProvider(config, { fetch, now }));
      fingerprints.set(config.id, fingerprint(config));
    }
    disabled.push(...file.disabled);
  }
  return { providers, disabled, fingerprints };
}
