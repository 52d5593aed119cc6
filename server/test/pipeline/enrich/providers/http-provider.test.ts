import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { attributeValueSchema } from '../../../../src/domain/attributes';
import { createHttpProvider } from '../../../../src/pipeline/enrich/providers/http-provider';
import type { EnrichmentProvider, ProviderOutcome } from '../../../../src/pipeline/enrich/providers/provider-contract';
import { parseProvidersFile } from '../../../../src/pipeline/enrich/providers/providers-file';
import { startProviderFakes, type FakeMode, type ProviderFakes } from '../../../../../test/emulators/providers/index';
import { fixedNow } from './fixed-clock';

let fakes: ProviderFakes;
let lookup: EnrichmentProvider;
let search: EnrichmentProvider;
let slowLookup: EnrichmentProvider;
/**
 * Request timeouts: a reply the fake gives at once must never time out on a busy machine, so the providers under test
 * wait long; the slow mode's provider gives up quickly on a fake that holds its reply far longer than any test runs.
 */
const REPLY_TIMEOUT_MS = 10_000;
const SLOW_TIMEOUT_MS = 200;
const HELD_REPLY_MS = 600_000;

const shared = {
  produces: {
    'person.work_email': '$.match.work_email',
    'person.title': '$.match.job.title',
    'company.employee_count': '$.match.company.headcount',
  },
  confidencePath: '$.score',
  confidenceMax: 100,
  headers: { Authorization: 'Bearer ${GENERIC_TOKEN}' },
  cost: { perCall: 0.25, perMatch: 1 },
  rateLimit: { max: 60, windowMs: 60_000 },
  timeoutMs: REPLY_TIMEOUT_MS,
};

beforeAll(async () => {
  fakes = await startProviderFakes();
  const file = parseProvidersFile(
    JSON.stringify({
      providers: [
        {
          ...shared,
          name: 'lookup',
          url: '${GENERIC_BASE_URL}/people/lookup?email={{Email}}',
          inputFields: ['Email'],
          requiredInputs: [['Email']],
        },
        {
          ...shared,
          name: 'search',
          method: 'POST',
          url: '${GENERIC_BASE_URL}/people/search',
          body: { first: '{{FirstName}}', last: '{{LastName}}', domain: '{{Account.Website}}' },
          inputFields: ['FirstName', 'LastName', 'Account.Website'],
          requiredInputs: [['FirstName', 'LastName', 'Account.Website']],
        },
      ],
    }),
    { GENERIC_TOKEN: fakes.keys.generic, GENERIC_BASE_URL: fakes.genericBaseUrl },
    'providers.json',
  );
  expect(file.disabled).toEqual([]);
  const [lookupConfig, searchConfig] = file.providers;
  if (!lookupConfig || !searchConfig) throw new Error('providers file did not load');
  lookup = createHttpProvider(lookupConfig, { fetch, now: fixedNow });
  slowLookup = createHttpProvider({ ...lookupConfig, timeoutMs: SLOW_TIMEOUT_MS }, { fetch, now: fixedNow });
  search = createHttpProvider(searchConfig, { fetch, now: fixedNow });
});
afterEach(() => fakes.control.reset());
afterAll(() => fakes.stop());

const wanted = ['person.work_email', 'person.title', 'company.employee_count'] as const;
const byKey = (outcome: ProviderOutcome) =>
  Object.fromEntries(outcome.kind === 'match' ? outcome.values.map((value) => [value.key, value.value]) : []);

describe('a provider from the providers file', () => {
  it('when the reply matches, then each configured path becomes a value and perCall + perMatch is charged', async () => {
    const outcome = await lookup.enrich({ input: { Email: 'olivia.martin@acme.com' }, wanted });
    expect(outcome).toMatchObject({ kind: 'match', creditsCharged: 1.25 });
    expect(byKey(outcome)).toEqual({
      'person.work_email': 'olivia.martin@acme.com',
      'person.title': 'Head of Sales',
      'company.employee_count': 250,
    });
    const values = outcome.kind === 'match' ? outcome.values : [];
    for (const value of values) attributeValueSchema.parse(value);
    expect(values[0]).toMatchObject({ provider: 'http:lookup', confidence: 0.96 });
  });

  it('when the call is made, then the secret header is sent and the field is URL-encoded', async () => {
    await lookup.enrich({ input: { Email: 'a+b&c=d@acme.com' }, wanted });
    const [request] = fakes.requests('generic');
    expect(request?.headers.authorization).toBe(`Bearer ${fakes.keys.generic}`);
    expect(request?.query).toEqual({ email: 'a+b&c=d@acme.com' });
  });

  it('when the provider answers 404, then it is no match and the per-call price is still charged', async () => {
    expect(await lookup.enrich({ input: { Email: 'nobody@acme.com' }, wanted })).toEqual({
      kind: 'no_match',
      creditsCharged: 0.25,
    });
  });

  it('when a POST body template is configured, then the fields are sent in the JSON body', async () => {
    const outcome = await search.enrich({
      input: { FirstName: 'Emma', LastName: 'Dubois', 'Account.Website': 'globex.com' },
      wanted: ['person.title'],
    });
    expect(byKey(outcome)).toEqual({ 'person.title': 'Engineering Manager' });
    expect(fakes.requests('generic')[0]?.body).toEqual({ first: 'Emma', last: 'Dubois', domain: 'globex.com' });
  });

  it('when a required input is missing, then the provider is not called', async () => {
    expect(await search.enrich({ input: { FirstName: 'Emma' }, wanted })).toEqual({
      kind: 'no_match',
      creditsCharged: 0,
    });
    expect(fakes.calls('generic')).toBe(0);
  });

  it('when a path holds the wrong kind of value, then it is a bad reply naming the path', async () => {
    fakes.control.setMode('generic', 'wrong_types');
    const outcome = await lookup.enrich({ input: { Email: 'olivia.martin@acme.com' }, wanted });
    expect(outcome).toMatchObject({ kind: 'bad_reply' });
    expect(outcome.kind === 'bad_reply' && outcome.reason).toContain('$.match.work_email');
  });

  it.each<[FakeMode, string]>([
    ['rate_limited', 'retry_later'],
    ['rate_limited_headers', 'retry_later'],
    ['quota', 'quota_exhausted'],
    ['bad_key', 'bad_credentials'],
    ['server_error', 'retry_later'],
    ['slow', 'retry_later'],
    ['html', 'bad_reply'],
  ])('when the fake is in %s mode, then the outcome is %s', async (mode, kind) => {
    fakes.control.setMode('generic', mode, { slowMs: HELD_REPLY_MS });
    const outcome = await (mode === 'slow' ? slowLookup : lookup).enrich({
      input: { Email: 'olivia.martin@acme.com' },
      wanted,
    });
    expect(outcome.kind).toBe(kind);
    expect(JSON.stringify(outcome)).not.toContain(fakes.keys.generic);
  });

  it('when a 429 carries only X-RateLimit-Reset, then the wait comes from it', async () => {
    fakes.control.setMode('generic', 'rate_limited_headers');
    expect(await lookup.enrich({ input: { Email: 'olivia.martin@acme.com' }, wanted })).toMatchObject({
      kind: 'retry_later',
      retryAfterMs: expect.any(Number),
    });
  });

  it('when described, then the descriptor is the file entry', () => {
    expect(lookup.descriptor).toEqual({
      id: 'http:lookup',
      produces: ['person.work_email', 'person.title', 'company.employee_count'],
      inputFields: ['Email'],
      requiredInputs: [['Email']],
      cost: { perCall: 0.25, perMatch: 1 },
      rateLimit: { max: 60, windowMs: 60_000 },
      timeoutMs: REPLY_TIMEOUT_MS,
    });
  });
});

describe('values read from a configured provider', () => {
  const providerReplying = (body: unknown) => {
    const file = parseProvidersFile(
      JSON.stringify({
        providers: [
          {
            ...shared,
            headers: {},
            name: 'norm',
            url: 'https://x.test/p?e={{Email}}',
            produces: {
              'person.linkedin_url': '$.li',
              'person.current_company_domain': '$.site',
              'company.employee_count': '$.size',
            },
            inputFields: ['Email'],
            requiredInputs: [['Email']],
          },
        ],
      }),
      {},
      'p.json',
    );
    const config = file.providers[0];
    if (!config) throw new Error('did not load');
    return createHttpProvider(config, { fetch: async () => Response.json(body), now: fixedNow });
  };
  const all = ['person.linkedin_url', 'person.current_company_domain', 'company.employee_count'] as const;

  it('when values come in near-formats, then they are normalised into ours', async () => {
    const provider = providerReplying({ li: 'linkedin.com/in/Jane-Doe/', site: 'https://www.acme.com/', size: ' 42 ' });
    expect(byKey(await provider.enrich({ input: { Email: 'a@b.co' }, wanted: all }))).toEqual({
      'person.linkedin_url': 'https://www.linkedin.com/in/jane-doe',
      'person.current_company_domain': 'acme.com',
      'company.employee_count': 42,
    });
  });

  it('when a LinkedIn path holds a company page, then it is a bad reply naming the path', async () => {
    const provider = providerReplying({ li: 'https://www.linkedin.com/company/acme' });
    const outcome = await provider.enrich({ input: { Email: 'a@b.co' }, wanted: all });
    expect(outcome.kind === 'bad_reply' && outcome.reason).toContain('$.li');
  });
});

describe('a provider whose reply is JSON but not an object', () => {
  it('when the reply is a bare string, then it is a bad reply', async () => {
    const file = parseProvidersFile(
      JSON.stringify({
        providers: [
          {
            ...shared,
            headers: {},
            name: 'bare',
            url: 'https://x.test/p?e={{Email}}',
            inputFields: ['Email'],
            requiredInputs: [['Email']],
          },
        ],
      }),
      {},
      'p.json',
    );
    const config = file.providers[0];
    if (!config) throw new Error('did not load');
    const provider = createHttpProvider(config, { fetch: async () => Response.json('oops'), now: fixedNow });
    expect(await provider.enrich({ input: { Email: 'a@b.co' }, wanted })).toMatchObject({ kind: 'bad_reply' });
  });
});
