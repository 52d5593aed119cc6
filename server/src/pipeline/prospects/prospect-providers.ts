/**
 * The prospect search providers this server can ask, from the same environment the enrichment providers read
 * (PDL_API_KEY / PDL_BASE_URL, APOLLO_API_KEY / APOLLO_BASE_URL). A provider whose key is unset is absent, and a
 * source naming it is refused at config load with the variable to set.
 */
import { z } from 'zod';
import { ApolloPeopleSearch } from './apollo-people-search';
import { PdlPersonSearch } from './pdl-person-search';
import type { ProspectSearchProvider } from './prospect-provider';
import type { ProspectSettings } from './prospect-settings';

const blankIsUnset = z.preprocess(
  (value) => (typeof value === 'string' && value.trim() === '' ? undefined : value),
  z.string().optional(),
);

const prospectEnvSchema = z.object({
  PDL_API_KEY: blankIsUnset,
  PDL_BASE_URL: blankIsUnset.transform((value) => value ?? 'https://api.peopledatalabs.com/v5'),
  APOLLO_API_KEY: blankIsUnset,
  APOLLO_BASE_URL: blankIsUnset.transform((value) => value ?? 'https://api.apollo.io/api/v1'),
});

export type ProspectProviderId = ProspectSettings['provider'];

const KEY_VARIABLE: Record<ProspectProviderId, string> = { pdl: 'PDL_API_KEY', apollo: 'APOLLO_API_KEY' };

export type ProspectProviders = {
  get(id: ProspectProviderId): ProspectSearchProvider | undefined;
  /** Why a source naming `id` cannot run here, in words for its Status_Message__c; undefined when it can. */
  problem(id: ProspectProviderId): string | undefined;
};

export function prospectProvidersFrom(
  environment: Readonly<Record<string, string | undefined>>,
  options: { fetch?: typeof fetch; maxPageSize?: number } = {},
): ProspectProviders {
  const env = prospectEnvSchema.parse(environment);
  const providers = new Map<ProspectProviderId, ProspectSearchProvider>();
  if (env.PDL_API_KEY) providers.set('pdl', new PdlPersonSearch(env.PDL_BASE_URL, env.PDL_API_KEY, options));
  if (env.APOLLO_API_KEY)
    providers.set('apollo', new ApolloPeopleSearch(env.APOLLO_BASE_URL, env.APOLLO_API_KEY, options));
  return {
    get: (id) => providers.get(id),
    problem: (id) =>
      providers.has(id) ? undefined : `provider ${id} is not configured on this server: set ${KEY_VARIABLE[id]}`,
  };
}
