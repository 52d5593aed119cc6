/**
 * Hunter API v2 on loopback: Email Finder and Email Verifier with Hunter's `data`/`meta` and `errors[]` envelopes.
 * The key is accepted where Hunter accepts it (`api_key` param, `X-API-KEY`, `Authorization: Bearer`), and
 * `test-api-key` gets Hunter's fixed dummy answer. A finder miss is a 200 with every field null; the verifier
 * answers 202 then 200 in 'verifier_pending' mode; 'rate_limited_headers' is Hunter's documented 403.
 */
import type { Request, Response } from 'express';
import { companyByDomain, companyByName, findPerson, FAKE_PEOPLE } from './fake-directory';
import { applyMode, jsonApp, recordRequests, type FakeState, type VendorReplies } from './fake-server';

export const HUNTER_TEST_KEY = 'test-api-key';

const hunterReplies: VendorReplies = {
  error(res, status, type, message) {
    const id = status === 401 ? 'authentication_failed' : status === 402 ? 'usage_limit_reached' : type;
    res.status(status).json({ errors: [{ id, code: status, details: message }] });
  },
  // Hunter documents no rate-limit headers.
  rateHeaders() {},
  rateLimitStatus: 403,
};

function keyOf(req: Request): string | undefined {
  const bearer = req.get('authorization')?.match(/^Bearer (.+)$/)?.[1];
  return (req.query.api_key as string | undefined) ?? req.get('x-api-key') ?? bearer;
}

const param = (req: Request, name: string) => {
  const value = req.query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

export function createHunterFake(state: FakeState, apiKey: string) {
  const app = jsonApp();
  const pendingSeen = new Set<string>();
  app.use(recordRequests(state));
  app.use(applyMode(state, hunterReplies));
  app.use((req, res, next) => {
    const key = keyOf(req);
    if (key === apiKey || key === HUNTER_TEST_KEY) return next();
    const details = key ? 'No user found for the API key supplied' : 'You are missing the api_key parameter';
    hunterReplies.error(res, 401, 'authentication_failed', details);
  });

  app.get('/v2/email-finder', (req, res) => {
    const domain = param(req, 'domain');
    const company = param(req, 'company');
    const firstName = param(req, 'first_name');
    const lastName = param(req, 'last_name');
    if (!domain && !company) return wrongParams(res, 'You are missing the domain parameter');
    if (!(firstName && lastName) && !param(req, 'full_name')) {
      return wrongParams(res, 'You are missing the first_name and last_name parameters');
    }
    const params = { first_name: firstName ?? null, last_name: lastName ?? null, domain: domain ?? null };
    if (state.mode === 'wrong_types') {
      return void res.json({ data: { email: 12345, score: 'high', linkedin_url: false }, meta: { params } });
    }
    const person =
      keyOf(req) === HUNTER_TEST_KEY
        ? FAKE_PEOPLE[0]
        : findPerson({ firstName, lastName, company: domain ?? companyByName(company)?.domain });
    if (!person) return void res.json({ data: notFound(domain ?? null), meta: { params } });
    res.json({
      data: {
        first_name: person.firstName,
        last_name: person.lastName,
        email: person.email,
        score: person.hunterScore,
        domain: person.domain,
        accept_all: person.hunterStatus === 'accept_all',
        position: person.title,
        twitter: null,
        linkedin_url: person.linkedInHandle ? `https://linkedin.com/in/${person.linkedInHandle}` : null,
        phone_number: null,
        company: companyByDomain(person.domain)?.name ?? null,
        sources: [],
        verification: { date: null, status: null },
      },
      meta: { params },
    });
  });

  app.get('/v2/email-verifier', (req, res) => {
    const email = param(req, 'email');
    if (!email) return wrongParams(res, 'You are missing the email parameter');
    if (state.mode === 'wrong_types') {
      return void res.json({ data: { status: 42, result: ['deliverable'], score: 'ninety', email } });
    }
    // Hunter re-asks the mail server in the background; the same call a moment later gets the answer.
    if (state.mode === 'verifier_pending' && !pendingSeen.has(email)) {
      pendingSeen.add(email);
      return void res.status(202).json({ data: null, meta: { params: { email } } });
    }
    const status = verifierStatus(email);
    const result = { valid: 'deliverable', invalid: 'undeliverable', unknown: null }[status as string] ?? 'risky';
    res.json({
      data: {
        status,
        result,
        score: status === 'valid' ? 99 : status === 'unknown' ? null : 50,
        email,
        regexp: true,
        gibberish: false,
        disposable: status === 'disposable',
        webmail: status === 'webmail',
        mx_records: status !== 'unknown',
        smtp_server: status !== 'unknown',
        smtp_check: status === 'valid',
        accept_all: status === 'accept_all',
        block: false,
        sources: [],
      },
      meta: { params: { email } },
    });
  });

  app.use((_req, res) => hunterReplies.error(res, 404, 'not_found', 'This route does not exist'));
  return app;
}

function verifierStatus(email: string): string {
  const known = FAKE_PEOPLE.find((person) => person.email === email.toLowerCase());
  if (known) return known.hunterStatus;
  const domain = email.split('@')[1]?.toLowerCase();
  return companyByDomain(domain) ? 'invalid' : 'unknown';
}

function notFound(domain: string | null) {
  return {
    first_name: null,
    last_name: null,
    email: null,
    score: null,
    domain,
    accept_all: null,
    position: null,
    twitter: null,
    linkedin_url: null,
    phone_number: null,
    company: null,
    sources: [],
    verification: { date: null, status: null },
  };
}

function wrongParams(res: Response, details: string) {
  res.status(400).json({ errors: [{ id: 'wrong_params', code: 400, details }] });
}
