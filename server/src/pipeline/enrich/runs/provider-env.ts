import { z } from 'zod';
import type { ProviderEnv } from '../providers/provider-registry';

const optional = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
  z.string().optional(),
);

const providerEnvSchema = z.object({
  HUNTER_API_KEY: optional,
  HUNTER_BASE_URL: optional.default('https://api.hunter.io/v2'),
  PDL_API_KEY: optional,
  PDL_BASE_URL: optional.default('https://api.peopledatalabs.com/v5'),
  APOLLO_API_KEY: optional,
  APOLLO_BASE_URL: optional.default('https://api.apollo.io/api/v1'),
  ENRICHMENT_PROVIDERS_FILE: optional,
});

/** The provider keys and base URLs from the environment (the registry disables a provider whose key is unset). */
export function providerEnvFrom(
  environment: Readonly<Record<string, string | undefined>>,
  defaultRegion: string,
): ProviderEnv {
  const parsed = providerEnvSchema.parse(environment);
  return {
    ...parsed,
    HUNTER_BASE_URL: parsed.HUNTER_BASE_URL ?? 'https://api.hunter.io/v2',
    PDL_BASE_URL: parsed.PDL_BASE_URL ?? 'https://api.peopledatalabs.com/v5',
    APOLLO_BASE_URL: parsed.APOLLO_BASE_URL ?? 'https://api.apollo.io/api/v1',
    DEFAULT_PHONE_REGION: defaultRegion as ProviderEnv['DEFAULT_PHONE_REGION'],
  } as ProviderEnv;
}
