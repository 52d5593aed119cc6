/**
 * People Data Labs API v5 on loopback: Person Enrichment (200 with `status`/`likelihood`/`data`, 404 on no match or
 * below `min_likelihood`) and Company Enrichment (fields at the top level, no `data` wrapper). Key in `X-Api-Key` (or
 * `api_key`), 64 characters as PDL issues them. Every reply carries PDL's single-quoted rate headers.
 */
import type { Request, Response } from 'express';
import { companyByDomain, companyByName, findPerson, type FakePerson } from './fake-directory';
import { applyMode, jsonApp, recordRequests, type FakeState, type VendorReplies } from './fake-server';
import { addPdlSearchRoute } from './pdl-search-route';

const PER_MINUTE = 100;

const pdlReplies: VendorReplies = {
  error(res, status, type, message) {
    res.status(status).json({ status, error: { type, message } });
  },
  rateHeaders(res, exhausted) {
    res.set('x-ratelimit-limit', `{'minute': ${PER_MINUTE}}`);
    res.set('x-ratelimit-remaining', `{'minute': ${exhausted ? 0 : PER_MINUTE - 1}}`);
    if (exhausted) {
      // PDL sends the UTC time the fixed 60 s window resets.
      const reset = new Date(Math.ceil((Date.now() + 1) / 60_000) * 60_000);
      res.set('x-ratelimit-reset', reset.toISOString().slice(0, 19).replace('T', ' '));
    }
    res.set('x-call-credits-type', 'enrich');
  },
};

const param = (req: Request, name: string) => {
  const value = req.query[name];
  return typeof value === 'string' && value !== '' ? value : undefined;
};

export function createPdlFake(state: FakeState, apiKey: string) {
  const app = jsonApp();
  app.use(recordRequests(state));
  app.use(applyMode(state, pdlReplies));
  app.use((req, res, next) => {
    const key = req.get('x-api-key') ?? param(req, 'api_key');
    if (key === apiKey) return next();
    pdlReplies.error(res, 401, 'authentication_error', 'Invalid or missing API key');
  });

  addPdlSearchRoute(app, state);

  app.get('/v5/person/enrich', (req, res) => {
    const email = param(req, 'email');
    const profile = param(req, 'profile');
    const firstName = param(req, 'first_name');
    const lastName = param(req, 'last_name');
    const company = param(req, 'company');
    if (!email && !profile && !(firstName && lastName && company)) {
      return pdlReplies.error(res, 400, 'invalid_request_error', 'Request needs more identifying parameters');
    }
    const minLikelihood = Number(param(req, 'min_likelihood') ?? '0');
    const person = findPerson({ email, linkedIn: profile, firstName, lastName, company });
    if (!person || person.pdl.likelihood < minLikelihood) return notFound(res);
    res.set('x-call-credits-spent', '1');
    if (state.mode === 'wrong_types') {
      return void res.json({ status: 200, likelihood: 'high', data: { job_title_levels: 'vp', work_email: 7 } });
    }
    res.json({ status: 200, likelihood: person.pdl.likelihood, data: personRecord(person) });
  });

  app.get('/v5/company/enrich', (req, res) => {
    const company = companyByDomain(param(req, 'website')) ?? companyByName(param(req, 'name'));
    if (!company) return notFound(res);
    res.set('x-call-credits-spent', '1');
    if (state.mode === 'wrong_types') return void res.json({ status: 200, employee_count: 'many', industry: 3 });
    res.json({
      status: 200,
      likelihood: 9,
      id: `pdl-${company.domain}`,
      name: company.name.toLowerCase(),
      website: company.domain,
      industry: company.industry,
      employee_count: company.employees,
      size: company.employees > 1000 ? '1001-5000' : '201-500',
    });
  });

  app.use((_req, res) => pdlReplies.error(res, 405, 'method_not_allowed', 'Request method not allowed'));
  return app;
}

function notFound(res: Response) {
  pdlReplies.error(res, 404, 'not_found', 'No records were found matching your request');
}

function personRecord(person: FakePerson) {
  const company = companyByDomain(person.domain);
  return {
    id: `pdl-${person.email}`,
    full_name: `${person.firstName} ${person.lastName}`.toLowerCase(),
    first_name: person.firstName.toLowerCase(),
    last_name: person.lastName.toLowerCase(),
    // The plan cannot see this value: PDL answers true ("exists") instead.
    work_email: person.pdl.hideEmail ? true : person.email,
    personal_emails: [],
    mobile_phone: person.mobile,
    phone_numbers: [person.mobile, person.directPhone].filter((number) => number !== null),
    linkedin_url: person.linkedInHandle ? `linkedin.com/in/${person.linkedInHandle}` : null,
    job_title: person.title,
    job_title_role: person.pdl.role,
    job_title_sub_role: person.pdl.subRole,
    job_title_class: null,
    job_title_levels: person.pdl.levels,
    job_company_name: company?.name.toLowerCase() ?? null,
    job_company_website: person.domain,
    job_company_industry: company?.industry ?? null,
    job_company_size: null,
    job_last_changed: '2025-01-01',
    job_last_verified: '2026-10-01',
  };
}
