import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { attributeValueSchema, type AttributeKey } from '../../../../src/domain/attributes';
import { createApolloProvider } from '../../../../src/pipeline/enrich/providers/apollo-provider';
import { departmentFromApollo, seniorityFromApollo } from '../../../../src/pipeline/enrich/providers/apollo-mappings';
import type { EnrichmentProvider, ProviderOutcome } from '../../../../src/pipeline/enrich/providers/provider-contract';
import { startProviderFakes, type FakeMode, type ProviderFakes } from '../../../../../test/emulators/providers/index';
import { fixedNow } from './fixed-clock';

let fakes: ProviderFakes;
let apollo: EnrichmentProvider;
/**
 * Request timeouts: a reply the fake gives at once must never time out on a busy machine, so the providers under test
 * wait long; the slow mode's provider gives up quickly on a fake that holds its reply far longer than any test runs.
 */
const REPLY_TIMEOUT_MS = 10_000;
const SLOW_TIMEOUT_MS = 200;
const HELD_REPLY_MS = 600_000;
const apolloWith = (timeoutMs: number) =>
  createApolloProvider({ apiKey: fakes.keys.apollo, baseUrl: fakes.apolloBaseUrl, fetch, now: fixedNow, timeoutMs });

const ALL_KEYS: AttributeKey[] = [
  'person.work_email',
  'person.title',
  'person.seniority',
  'person.department',
  'person.linkedin_url',
  'person.mobile_phone',
  'person.direct_phone',
  'person.current_company_domain',
  'company.industry',
  'company.employee_count',
];

beforeAll(async () => {
  fakes = await startProviderFakes();
  apollo = apolloWith(REPLY_TIMEOUT_MS);
});
afterEach(() => fakes.control.reset());
afterAll(() => fakes.stop());

const byKey = (outcome: ProviderOutcome) =>
  Object.fromEntries(outcome.kind === 'match' ? outcome.values.map((value) => [value.key, value.value]) : []);

describe('apollo people match', () => {
  it('when Apollo matches by email, then person and embedded company values come back for one credit', async () => {
    const outcome = await apollo.enrich({ input: { Email: 'olivia.martin@acme.com' }, wanted: ALL_KEYS });
    expect(outcome).toMatchObject({ kind: 'match', creditsCharged: 1 });
    expect(byKey(outcome)).toEqual({
      'person.work_email': 'olivia.martin@acme.com',
      'person.title': 'Head of Sales',
      'person.seniority': 'Director',
      'person.department': 'Sales',
      'person.linkedin_url': 'https://www.linkedin.com/in/olivia-martin',
      'person.mobile_phone': '+14155550101',
      'person.direct_phone': '+14155550111',
      'person.current_company_domain': 'acme.com',
      'company.industry': 'computer software',
      'company.employee_count': 250,
    });
    for (const value of outcome.kind === 'match' ? outcome.values : []) attributeValueSchema.parse(value);
    // The embedded organization answered the company attributes: no second paid call.
    expect(fakes.calls('apollo')).toBe(1);
  });

  it('when Apollo is called, then it is a POST with the key in X-Api-Key and the match params in the query', async () => {
    await apollo.enrich({
      input: { FirstName: 'Olivia', LastName: 'Martin', Website: 'acme.com' },
      wanted: ['person.title'],
    });
    const [request] = fakes.requests('apollo');
    expect(request).toMatchObject({ method: 'POST', path: '/api/v1/people/match' });
    expect(request?.headers['x-api-key']).toBe(fakes.keys.apollo);
    expect(request?.query).toMatchObject({ first_name: 'Olivia', last_name: 'Martin', domain: 'acme.com' });
  });

  it('when Apollo verified the email, then its confidence is higher than a guessed one', async () => {
    const verified = await apollo.enrich({ input: { Email: 'olivia.martin@acme.com' }, wanted: ['person.work_email'] });
    const guessed = await apollo.enrich({ input: { Email: 'emma.dubois@globex.com' }, wanted: ['person.work_email'] });
    const confidence = (outcome: ProviderOutcome) => (outcome.kind === 'match' ? outcome.values[0]?.confidence : -1);
    expect(confidence(verified)).toBeGreaterThan(confidence(guessed) ?? 1);
  });

  it('when Apollo returns its email_not_unlocked placeholder, then no work email is taken from it', async () => {
    const outcome = await apollo.enrich({ input: { Email: 'lucas.bernard@acme.com' }, wanted: ALL_KEYS });
    expect(byKey(outcome)['person.work_email']).toBeUndefined();
    expect(byKey(outcome)).toMatchObject({ 'person.title': 'VP Sales', 'person.seniority': 'VP' });
  });

  it('when Apollo answers person: null, then it is no match and costs nothing', async () => {
    expect(await apollo.enrich({ input: { Email: 'nobody@acme.com' }, wanted: ['person.title'] })).toEqual({
      kind: 'no_match',
      creditsCharged: 0,
    });
  });
});

describe('apollo organization enrichment', () => {
  it('when only company attributes are wanted, then organization enrichment answers them', async () => {
    const outcome = await apollo.enrich({
      input: { 'Account.Website': 'https://www.globex.com' },
      wanted: ['company.industry', 'company.employee_count'],
    });
    expect(outcome).toMatchObject({ kind: 'match', creditsCharged: 1 });
    expect(byKey(outcome)).toEqual({ 'company.industry': 'machinery', 'company.employee_count': 1200 });
    expect(fakes.requests('apollo')[0]).toMatchObject({ method: 'GET', path: '/api/v1/organizations/enrich' });
    expect(fakes.requests('apollo')[0]?.query.domain).toBe('globex.com');
  });

  it('when the domain is unknown to Apollo, then it is no match', async () => {
    expect(await apollo.enrich({ input: { Website: 'initech.io' }, wanted: ['company.industry'] })).toEqual({
      kind: 'no_match',
      creditsCharged: 0,
    });
  });
});

describe('apollo errors', () => {
  it.each<[FakeMode, string]>([
    ['rate_limited', 'retry_later'],
    ['rate_limited_headers', 'retry_later'],
    ['quota', 'quota_exhausted'],
    ['bad_key', 'bad_credentials'],
    ['server_error', 'retry_later'],
    ['slow', 'retry_later'],
    ['html', 'bad_reply'],
    ['wrong_types', 'bad_reply'],
  ])('when the fake is in %s mode, then the outcome is %s', async (mode, kind) => {
    fakes.control.setMode('apollo', mode, { slowMs: HELD_REPLY_MS });
    const outcome = await (mode === 'slow' ? apolloWith(SLOW_TIMEOUT_MS) : apollo).enrich({
      input: { Email: 'olivia.martin@acme.com' },
      wanted: ALL_KEYS,
    });
    expect(outcome.kind).toBe(kind);
    expect(JSON.stringify(outcome)).not.toContain(fakes.keys.apollo);
  });

  it("when Apollo's 429 says only that the minute's requests are used up, then the wait is a minute", async () => {
    fakes.control.setMode('apollo', 'rate_limited_headers');
    expect(await apollo.enrich({ input: { Email: 'olivia.martin@acme.com' }, wanted: ['person.title'] })).toMatchObject(
      {
        kind: 'retry_later',
        retryAfterMs: 60_000,
      },
    );
  });

  it('when the organization call replies with wrong types, then it is a bad reply', async () => {
    fakes.control.setMode('apollo', 'wrong_types');
    expect(await apollo.enrich({ input: { Website: 'acme.com' }, wanted: ['company.employee_count'] })).toMatchObject({
      kind: 'bad_reply',
    });
  });
});

describe('apollo mappings', () => {
  it.each([
    ['founder', 'C-Level'],
    ['c_suite', 'C-Level'],
    ['vp', 'VP'],
    ['head', 'Director'],
    ['intern', 'Entry'],
    ['astronaut', undefined],
  ])('when Apollo seniority is %s, then ours is %s', (apolloValue, ours) => {
    expect(seniorityFromApollo(apolloValue)).toBe(ours);
  });

  it.each([
    [['c_suite'], 'Executive'],
    [['master_engineering_technical'], 'Engineering'],
    [['arts_and_design', 'marketing'], 'Marketing'],
    [['arts_and_design'], 'Other'],
    [[], undefined],
  ])('when Apollo departments are %j, then ours is %s', (departments, ours) => {
    expect(departmentFromApollo(departments)).toBe(ours);
  });
});
