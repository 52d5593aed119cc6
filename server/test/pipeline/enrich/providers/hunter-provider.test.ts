import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { attributeValueSchema } from '../../../../src/domain/attributes';
import { createHunterProvider, emailStatusFromHunter } from '../../../../src/pipeline/enrich/providers/hunter-provider';
import type { EnrichmentProvider, ProviderInput } from '../../../../src/pipeline/enrich/providers/provider-contract';
import { startProviderFakes, type FakeMode, type ProviderFakes } from '../../../../../test/emulators/providers/index';
import { fixedNow } from './fixed-clock';

let fakes: ProviderFakes;
let hunter: EnrichmentProvider;
/**
 * Request timeouts: a reply the fake gives at once must never time out on a busy machine, so the providers under test
 * wait long; the slow mode's provider gives up quickly on a fake that holds its reply far longer than any test runs.
 */
const REPLY_TIMEOUT_MS = 10_000;
const SLOW_TIMEOUT_MS = 200;
const HELD_REPLY_MS = 600_000;
const hunterWith = (timeoutMs: number) =>
  createHunterProvider({
    apiKey: fakes.keys.hunter,
    baseUrl: fakes.hunterBaseUrl,
    fetch: globalThis.fetch,
    now: fixedNow,
    timeoutMs,
  });

beforeAll(async () => {
  fakes = await startProviderFakes();
  hunter = hunterWith(REPLY_TIMEOUT_MS);
});
afterEach(() => fakes.control.reset());
afterAll(() => fakes.stop());

const olivia: ProviderInput = { FirstName: 'Olivia', LastName: 'Martin', 'Account.Website': 'https://www.acme.com/' };
const finder = (input: ProviderInput = olivia, provider = hunter) =>
  provider.enrich({ input, wanted: ['person.work_email', 'person.linkedin_url'] });
const verifier = (email: string) => hunter.enrich({ input: { Email: email }, wanted: ['person.email_status'] });

describe('hunter email finder', () => {
  it('when Hunter finds the email, then work email and LinkedIn come back with score/100 and one credit', async () => {
    const outcome = await finder();
    expect(outcome).toEqual({
      kind: 'match',
      creditsCharged: 1,
      values: [
        {
          key: 'person.work_email',
          value: 'olivia.martin@acme.com',
          provider: 'hunter',
          confidence: 0.96,
          fetchedAt: '2026-11-28T12:00:00.000Z',
        },
        {
          key: 'person.linkedin_url',
          value: 'https://www.linkedin.com/in/olivia-martin',
          provider: 'hunter',
          confidence: 0.96,
          fetchedAt: '2026-11-28T12:00:00.000Z',
        },
      ],
    });
    if (outcome.kind === 'match') for (const value of outcome.values) attributeValueSchema.parse(value);
  });

  it('when the finder is called, then the key travels as the api_key parameter with the name and domain', async () => {
    await finder();
    const [request] = fakes.requests('hunter');
    expect(request?.path).toBe('/v2/email-finder');
    expect(request?.query).toMatchObject({
      api_key: fakes.keys.hunter,
      domain: 'acme.com',
      first_name: 'Olivia',
      last_name: 'Martin',
    });
  });

  it('when Hunter finds nothing (200 with every field null), then it is no match and costs nothing', async () => {
    expect(await finder({ FirstName: 'Nobody', LastName: 'Here', Website: 'acme.com' })).toEqual({
      kind: 'no_match',
      creditsCharged: 0,
    });
  });

  it('when the record has no company domain or name, then Hunter is not called', async () => {
    expect(await finder({ FirstName: 'Olivia', LastName: 'Martin' })).toEqual({ kind: 'no_match', creditsCharged: 0 });
    expect(fakes.calls('hunter')).toBe(0);
  });

  it('when only the company name is known, then the finder searches by company', async () => {
    const outcome = await finder({ FirstName: 'Olivia', LastName: 'Martin', Company: 'Acme Inc' });
    expect(outcome).toMatchObject({ kind: 'match', creditsCharged: 1 });
    expect(fakes.requests('hunter')[0]?.query.company).toBe('Acme Inc');
  });
});

describe('hunter email verifier', () => {
  it.each([
    ['olivia.martin@acme.com', 'verified'],
    ['lucas.bernard@acme.com', 'risky'],
    ['emma.dubois@globex.com', 'undeliverable'],
  ])('when Hunter verifies %s, then the email status is %s and the verification is charged', async (email, status) => {
    const outcome = await verifier(email);
    expect(outcome).toMatchObject({ kind: 'match', creditsCharged: 0.5 });
    expect(outcome.kind === 'match' && outcome.values[0]).toMatchObject({ key: 'person.email_status', value: status });
  });

  it('when Hunter cannot tell (status unknown), then it is no match but the verification is still charged', async () => {
    expect(await verifier('someone@example.org')).toEqual({ kind: 'no_match', creditsCharged: 0.5 });
  });

  it('when the verifier answers 202 (still working), then retry later, and the next call gets the answer', async () => {
    fakes.control.setMode('hunter', 'verifier_pending');
    expect(await verifier('olivia.martin@acme.com')).toMatchObject({ kind: 'retry_later' });
    expect(await verifier('olivia.martin@acme.com')).toMatchObject({ kind: 'match' });
  });

  it('when both the work email and the status are wanted, then both calls run and their credits add up', async () => {
    const outcome = await hunter.enrich({
      input: { ...olivia, Email: 'olivia.martin@acme.com' },
      wanted: ['person.work_email', 'person.email_status'],
    });
    expect(outcome).toMatchObject({ kind: 'match', creditsCharged: 1.5 });
    expect(outcome.kind === 'match' && outcome.values.map((value) => value.key)).toEqual([
      'person.work_email',
      'person.email_status',
    ]);
  });
});

describe('hunter errors', () => {
  it.each<[FakeMode, string]>([
    ['rate_limited', 'retry_later'],
    ['rate_limited_headers', 'retry_later'],
    ['quota', 'quota_exhausted'],
    ['bad_key', 'bad_credentials'],
    ['server_error', 'retry_later'],
    ['slow', 'retry_later'],
    ['html', 'bad_reply'],
    ['wrong_types', 'bad_reply'],
  ])('when the fake is in %s mode, then the finder outcome is %s', async (mode, kind) => {
    fakes.control.setMode('hunter', mode, { slowMs: HELD_REPLY_MS });
    const outcome = await finder(olivia, mode === 'slow' ? hunterWith(SLOW_TIMEOUT_MS) : hunter);
    expect(outcome.kind).toBe(kind);
    expect(JSON.stringify(outcome)).not.toContain(fakes.keys.hunter);
  });

  it('when Hunter sends 429 with Retry-After, then the wait is passed on', async () => {
    fakes.control.setMode('hunter', 'rate_limited');
    expect(await finder()).toMatchObject({ kind: 'retry_later', retryAfterMs: 2_000 });
  });

  it('when Hunter answers its documented 403 rate limit, then it is retry later, not bad credentials', async () => {
    fakes.control.setMode('hunter', 'rate_limited_headers');
    expect(await verifier('olivia.martin@acme.com')).toMatchObject({ kind: 'retry_later' });
  });

  it('when the key is wrong, then the outcome is bad credentials', async () => {
    const wrongKey = createHunterProvider({
      apiKey: 'not-the-key',
      baseUrl: fakes.hunterBaseUrl,
      fetch: globalThis.fetch,
      now: fixedNow,
    });
    expect(await wrongKey.enrich({ input: olivia, wanted: ['person.work_email'] })).toMatchObject({
      kind: 'bad_credentials',
    });
  });

  it('when the finder is refused for the key, then the verifier is not called on top', async () => {
    fakes.control.setMode('hunter', 'bad_key');
    const outcome = await hunter.enrich({
      input: { ...olivia, Email: 'olivia.martin@acme.com' },
      wanted: ['person.work_email', 'person.email_status'],
    });
    expect(outcome).toMatchObject({ kind: 'bad_credentials' });
    expect(fakes.calls('hunter')).toBe(1);
  });

  it('when the verifier replies with wrong types, then it is a bad reply', async () => {
    fakes.control.setMode('hunter', 'wrong_types');
    expect(await verifier('olivia.martin@acme.com')).toMatchObject({ kind: 'bad_reply' });
  });
});

describe('emailStatusFromHunter', () => {
  it.each([
    ['valid', null, 'verified'],
    ['invalid', null, 'undeliverable'],
    ['accept_all', 'risky', 'risky'],
    ['disposable', 'risky', 'risky'],
    ['webmail', 'deliverable', 'verified'],
    ['unknown', 'risky', undefined],
    [null, 'undeliverable', 'undeliverable'],
  ])('when status is %s and result is %s, then the email status is %s', (status, result, expected) => {
    expect(emailStatusFromHunter(status, result)).toBe(expected);
  });
});

describe('hunter descriptor', () => {
  it('when described, then it produces the work email, status and LinkedIn and charges a search only on a match', () => {
    expect(hunter.descriptor).toMatchObject({
      id: 'hunter',
      produces: ['person.work_email', 'person.linkedin_url', 'person.email_status'],
      cost: { perCall: 0.5, perMatch: 1 },
    });
  });
});
