import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { AttributeKey, AttributeValue } from '../../../../src/domain/attributes';
import { attributeValueSchema } from '../../../../src/domain/attributes';
import type { FetchLike } from '../../../../src/pipeline/enrich/providers/http-json';
import { createPdlProvider } from '../../../../src/pipeline/enrich/providers/pdl-provider';
import type { EnrichmentProvider, ProviderOutcome } from '../../../../src/pipeline/enrich/providers/provider-contract';
import { startProviderFakes, type FakeMode, type ProviderFakes } from '../../../../../test/emulators/providers/index';
import { fixedNow } from './fixed-clock';

let fakes: ProviderFakes;
let pdl: EnrichmentProvider;
/**
 * Request timeouts: a reply the fake gives at once must never time out on a busy machine, so the providers under test
 * wait long; the slow mode's provider gives up quickly on a fake that holds its reply far longer than any test runs.
 */
const REPLY_TIMEOUT_MS = 10_000;
const SLOW_TIMEOUT_MS = 200;
const HELD_REPLY_MS = 600_000;
const pdlWith = (timeoutMs: number) =>
  createPdlProvider({ apiKey: fakes.keys.pdl, baseUrl: fakes.pdlBaseUrl, fetch, now: fixedNow, timeoutMs });

const PERSON_KEYS: AttributeKey[] = [
  'person.work_email',
  'person.title',
  'person.seniority',
  'person.department',
  'person.linkedin_url',
  'person.mobile_phone',
  'person.direct_phone',
  'person.current_company_domain',
];

beforeAll(async () => {
  fakes = await startProviderFakes();
  pdl = pdlWith(REPLY_TIMEOUT_MS);
});
afterEach(() => fakes.control.reset());
afterAll(() => fakes.stop());

const byKey = (outcome: ProviderOutcome) =>
  Object.fromEntries(outcome.kind === 'match' ? outcome.values.map((value) => [value.key, value.value]) : []);

describe('pdl person enrichment', () => {
  it('when PDL matches by email, then the person attributes come back mapped, at likelihood/10, for one credit', async () => {
    const outcome = await pdl.enrich({ input: { Email: 'olivia.martin@acme.com' }, wanted: PERSON_KEYS });
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
    });
    const values = outcome.kind === 'match' ? outcome.values : [];
    for (const value of values) attributeValueSchema.parse(value);
    expect(values.find((value) => value.key === 'person.title')).toMatchObject({ provider: 'pdl', confidence: 0.9 });
  });

  it('when PDL is called, then the key is in X-Api-Key (not the URL) and min_likelihood is sent', async () => {
    await pdl.enrich({ input: { Email: 'olivia.martin@acme.com' }, wanted: ['person.title'] });
    const [request] = fakes.requests('pdl');
    expect(request?.headers['x-api-key']).toBe(fakes.keys.pdl);
    expect(request?.query).toMatchObject({ email: 'olivia.martin@acme.com', min_likelihood: '6' });
    expect(request?.query.api_key).toBeUndefined();
  });

  it('when the record has a name and a company website, then PDL matches by name and company', async () => {
    const outcome = await pdl.enrich({
      input: { FirstName: 'Olivia', LastName: 'Martin', 'Account.Website': 'acme.com' },
      wanted: ['person.title'],
    });
    expect(byKey(outcome)).toEqual({ 'person.title': 'Head of Sales' });
    expect(fakes.requests('pdl')[0]?.query).toMatchObject({
      first_name: 'Olivia',
      last_name: 'Martin',
      company: 'acme.com',
    });
  });

  it('when PDL answers 404, then it is no match and costs nothing', async () => {
    expect(await pdl.enrich({ input: { Email: 'nobody@acme.com' }, wanted: PERSON_KEYS })).toEqual({
      kind: 'no_match',
      creditsCharged: 0,
    });
  });

  it('when the only record is less likely than the minimum, then PDL filters it and it is no match', async () => {
    expect(await pdl.enrich({ input: { Email: 'emma.dubois@globex.com' }, wanted: PERSON_KEYS })).toEqual({
      kind: 'no_match',
      creditsCharged: 0,
    });
  });

  it('when the plan hides the work email (PDL sends true), then the email is absent but the rest is kept', async () => {
    const outcome = await pdl.enrich({ input: { Email: 'lucas.bernard@acme.com' }, wanted: PERSON_KEYS });
    expect(byKey(outcome)).toMatchObject({ 'person.title': 'VP Sales', 'person.seniority': 'VP' });
    expect(byKey(outcome)['person.work_email']).toBeUndefined();
  });

  it('when nothing identifies the person, then PDL is not called', async () => {
    expect(await pdl.enrich({ input: { FirstName: 'Olivia' }, wanted: PERSON_KEYS })).toEqual({
      kind: 'no_match',
      creditsCharged: 0,
    });
    expect(fakes.calls('pdl')).toBe(0);
  });
});

describe('pdl company enrichment', () => {
  it('when only company attributes are wanted, then one company call answers them for one credit', async () => {
    const outcome = await pdl.enrich({
      input: { Website: 'https://globex.com' },
      wanted: ['company.industry', 'company.employee_count'],
    });
    expect(outcome).toMatchObject({ kind: 'match', creditsCharged: 1 });
    expect(byKey(outcome)).toEqual({ 'company.industry': 'machinery', 'company.employee_count': 1200 });
    expect(fakes.requests('pdl').map((request) => request.path)).toEqual(['/v5/company/enrich']);
  });

  it('when person and company attributes are wanted, then the company call only fills what the person lacked', async () => {
    const outcome = await pdl.enrich({
      input: { Email: 'olivia.martin@acme.com', 'Account.Website': 'acme.com' },
      wanted: ['person.title', 'company.industry', 'company.employee_count'],
    });
    expect(outcome).toMatchObject({ kind: 'match', creditsCharged: 2 });
    expect(byKey(outcome)).toEqual({
      'person.title': 'Head of Sales',
      'company.industry': 'computer software',
      'company.employee_count': 250,
    });
  });

  it('when the company is unknown, then it is no match', async () => {
    expect(await pdl.enrich({ input: { Website: 'initech.io' }, wanted: ['company.industry'] })).toEqual({
      kind: 'no_match',
      creditsCharged: 0,
    });
  });
});

describe('pdl errors', () => {
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
    fakes.control.setMode('pdl', mode, { slowMs: HELD_REPLY_MS });
    const outcome = await (mode === 'slow' ? pdlWith(SLOW_TIMEOUT_MS) : pdl).enrich({
      input: { Email: 'olivia.martin@acme.com' },
      wanted: PERSON_KEYS,
    });
    expect(outcome.kind).toBe(kind);
    expect(JSON.stringify(outcome)).not.toContain(fakes.keys.pdl);
  });

  it("when PDL's 429 carries only its rate headers, then the wait comes from its reset time", async () => {
    fakes.control.setMode('pdl', 'rate_limited_headers');
    const outcome = await pdl.enrich({ input: { Email: 'olivia.martin@acme.com' }, wanted: ['person.title'] });
    expect(outcome).toMatchObject({ kind: 'retry_later', retryAfterMs: expect.any(Number) });
  });

  it('when the person call fails, then no company call is made on top', async () => {
    fakes.control.setMode('pdl', 'bad_key');
    await pdl.enrich({
      input: { Email: 'olivia.martin@acme.com', Website: 'acme.com' },
      wanted: ['person.title', 'company.employee_count'],
    });
    expect(fakes.calls('pdl')).toBe(1);
  });
});

describe('pdl replies read strictly', () => {
  const replyWith =
    (body: unknown): FetchLike =>
    async () =>
      Response.json(body);
  const withReply = (body: unknown, minLikelihood = 6) =>
    createPdlProvider({
      apiKey: 'k'.repeat(64),
      baseUrl: 'https://pdl.test/v5',
      fetch: replyWith(body),
      now: fixedNow,
      minLikelihood,
    });

  it('when a 200 is below the configured minimum likelihood, then it is no match but the billed credit is counted', async () => {
    const provider = withReply({ status: 200, likelihood: 3, data: { job_title: 'cto' } });
    expect(await provider.enrich({ input: { Email: 'a@acme.com' }, wanted: ['person.title'] })).toEqual({
      kind: 'no_match',
      creditsCharged: 1,
    });
  });

  it('when a 200 has no status field in the body, then it is a bad reply', async () => {
    const provider = withReply({ likelihood: 9, data: { job_title: 'cto' } });
    expect(await provider.enrich({ input: { Email: 'a@acme.com' }, wanted: ['person.title'] })).toMatchObject({
      kind: 'bad_reply',
    });
  });

  it('when a value is of the wrong kind for its attribute, then that value is dropped and the rest kept', async () => {
    const provider = withReply({ status: 200, likelihood: 9, data: { job_title: 'CTO', mobile_phone: 'call me' } });
    const outcome = await provider.enrich({
      input: { Email: 'a@acme.com' },
      wanted: ['person.title', 'person.mobile_phone'],
    });
    expect(outcome.kind === 'match' && outcome.values.map((value: AttributeValue) => value.key)).toEqual([
      'person.title',
    ]);
  });
});
