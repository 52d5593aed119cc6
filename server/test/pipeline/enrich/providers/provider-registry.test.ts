import { describe, expect, it } from 'vitest';
import { createProviderRegistry, type ProviderEnv } from '../../../../src/pipeline/enrich/providers/provider-registry';
import { startProviderFakes } from '../../../../../test/emulators/providers/index';
import { fixedNow } from './fixed-clock';

const baseEnv: ProviderEnv = {
  HUNTER_API_KEY: undefined,
  HUNTER_BASE_URL: 'https://api.hunter.io/v2',
  PDL_API_KEY: undefined,
  PDL_BASE_URL: 'https://api.peopledatalabs.com/v5',
  APOLLO_API_KEY: undefined,
  APOLLO_BASE_URL: 'https://api.apollo.io/api/v1',
  ENRICHMENT_PROVIDERS_FILE: undefined,
  DEFAULT_PHONE_REGION: 'US',
};

const neverFetch = async (): Promise<Response> => {
  throw new Error('no network in this test');
};

const fileEntry = (name: string, tokenVariable: string) => ({
  name,
  url: `https://${name}.test/p?email={{Email}}`,
  headers: { 'X-Key': `\${${tokenVariable}}` },
  produces: { 'person.title': '$.title' },
  inputFields: ['Email'],
  requiredInputs: [['Email']],
  cost: { perCall: 1, perMatch: 0 },
  rateLimit: { max: 10, windowMs: 1_000 },
  timeoutMs: 2_000,
});

describe('createProviderRegistry', () => {
  it('when no key is set, then only offline is enabled and each paid provider says which variable to set', () => {
    const registry = createProviderRegistry(baseEnv, { fetch: neverFetch, now: fixedNow });
    expect([...registry.providers.keys()]).toEqual(['offline']);
    expect(registry.disabled.map((entry) => entry.id)).toEqual(['hunter', 'pdl', 'apollo']);
    expect(registry.disabled[0]?.reason).toContain('HUNTER_API_KEY is not set');
    expect(registry.disabled[1]?.reason).toContain('PDL_API_KEY');
    expect(registry.disabled[2]?.reason).toContain('APOLLO_API_KEY');
  });

  it('when the keys are set, then hunter, pdl and apollo are enabled and nothing mentions the keys', () => {
    const env = { ...baseEnv, HUNTER_API_KEY: 'hunter-key', PDL_API_KEY: 'p'.repeat(64), APOLLO_API_KEY: 'apollo-key' };
    const registry = createProviderRegistry(env, { fetch: neverFetch, now: fixedNow });
    expect([...registry.providers.keys()]).toEqual(['offline', 'hunter', 'pdl', 'apollo']);
    expect(registry.disabled).toEqual([]);
    const descriptors = JSON.stringify([...registry.providers.values()].map((provider) => provider.descriptor));
    expect(descriptors).not.toContain('hunter-key');
    expect(descriptors).not.toContain('apollo-key');
  });

  it('when a key changes, then so does its fingerprint (circuits use it), which never shows the key', () => {
    const env = { ...baseEnv, HUNTER_API_KEY: 'hunter-key', PDL_API_KEY: 'p'.repeat(64) };
    const before = createProviderRegistry(env, { fetch: neverFetch }).fingerprints;
    const after = createProviderRegistry(
      { ...env, HUNTER_API_KEY: 'hunter-key-2' },
      { fetch: neverFetch },
    ).fingerprints;
    expect([...before.keys()]).toEqual(['hunter', 'pdl']);
    expect(after.get('hunter')).not.toBe(before.get('hunter'));
    expect(after.get('pdl')).toBe(before.get('pdl'));
    expect(JSON.stringify([...before.values()])).not.toContain('hunter-key');
  });

  it('when a key is blank, then that provider is disabled', () => {
    const registry = createProviderRegistry({ ...baseEnv, PDL_API_KEY: '   ' }, { fetch: neverFetch });
    expect(registry.providers.has('pdl')).toBe(false);
    expect(registry.disabled.some((entry) => entry.id === 'pdl')).toBe(true);
  });

  it('when the providers file has a good and a bad entry, then the good one is enabled and the bad one says why', () => {
    const registry = createProviderRegistry(
      { ...baseEnv, ENRICHMENT_PROVIDERS_FILE: '/config/providers.json' },
      {
        fetch: neverFetch,
        environment: { GOOD_TOKEN: 'good-secret' },
        readFile: () => JSON.stringify({ providers: [fileEntry('good', 'GOOD_TOKEN'), fileEntry('bad', 'BAD_TOKEN')] }),
      },
    );
    expect(registry.providers.has('http:good')).toBe(true);
    expect(registry.providers.has('http:bad')).toBe(false);
    const bad = registry.disabled.find((entry) => entry.id === 'http:bad');
    expect(bad?.reason).toContain('BAD_TOKEN');
  });

  it('when the providers file is missing, then the registry still starts and says the file cannot be read', () => {
    const registry = createProviderRegistry(
      { ...baseEnv, ENRICHMENT_PROVIDERS_FILE: '/definitely/not/here.json' },
      { fetch: neverFetch },
    );
    expect(registry.providers.has('offline')).toBe(true);
    expect(registry.disabled.find((entry) => entry.id === 'http:*')?.reason).toContain('/definitely/not/here.json');
  });

  it('when the default phone region has no phone metadata, then offline is disabled rather than throwing', () => {
    const registry = createProviderRegistry({ ...baseEnv, DEFAULT_PHONE_REGION: 'XX' }, { fetch: neverFetch });
    expect(registry.providers.has('offline')).toBe(false);
    expect(registry.disabled.find((entry) => entry.id === 'offline')?.reason).toContain('XX');
  });
});

describe('createProviderRegistry against the fakes', () => {
  it('when base URLs point at the fakes, then every provider calls its fake and configured costs apply', async () => {
    const fakes = await startProviderFakes();
    try {
      const registry = createProviderRegistry(
        {
          ...baseEnv,
          HUNTER_API_KEY: fakes.keys.hunter,
          HUNTER_BASE_URL: fakes.hunterBaseUrl,
          PDL_API_KEY: fakes.keys.pdl,
          PDL_BASE_URL: fakes.pdlBaseUrl,
          APOLLO_API_KEY: fakes.keys.apollo,
          APOLLO_BASE_URL: fakes.apolloBaseUrl,
        },
        { now: fixedNow, costs: { hunter: { finderPerMatch: 2 } } },
      );
      const input = { FirstName: 'Olivia', LastName: 'Martin', Email: 'olivia.martin@acme.com', Website: 'acme.com' };
      const hunter = await registry.providers.get('hunter')?.enrich({ input, wanted: ['person.work_email'] });
      const pdl = await registry.providers.get('pdl')?.enrich({ input, wanted: ['person.title'] });
      const apollo = await registry.providers.get('apollo')?.enrich({ input, wanted: ['person.title'] });
      expect(hunter).toMatchObject({ kind: 'match', creditsCharged: 2 });
      expect(pdl).toMatchObject({ kind: 'match', creditsCharged: 1 });
      expect(apollo).toMatchObject({ kind: 'match', creditsCharged: 1 });
      expect([fakes.calls('hunter'), fakes.calls('pdl'), fakes.calls('apollo')]).toEqual([1, 1, 1]);
    } finally {
      await fakes.stop();
    }
  });
});
