/**
 * Apollo API v1 on loopback: People Match (`{ person }`, `person: null` on a miss; params from the query or a JSON
 * body) and Organization Enrichment (`{ organization }`). Key in `X-Api-Key`. Every reply carries Apollo's
 * `x-rate-limit-*` / `x-*-requests-left` headers. Lucas's email comes back as Apollo's locked placeholder.
 */
import { addApolloSearchRoute } from './apollo-search-route';
import type { Request } from 'express';
import { companyByDomain, findPerson, type FakePerson } from './fake-directory';
import { applyMode, jsonApp, recordRequests, type FakeState, type VendorReplies } from './fake-server';

const PER_MINUTE = 1000;

const apolloReplies: VendorReplies = {
  // Apollo's error bodies are undocumented; adapters key on the status.
  error(res, status, _type, message) {
    res.status(status).json({ error: message });
  },
  rateHeaders(res, exhausted) {
    res.set('x-rate-limit-minute', String(PER_MINUTE));
    res.set('x-minute-usage', String(exhausted ? PER_MINUTE : 1));
    res.set('x-minute-requests-left', String(exhausted ? 0 : PER_MINUTE - 1));
    res.set('x-hourly-requests-left', '5000');
    res.set('x-daily-requests-left', '20000');
  },
};

function param(req: Request, name: string): string | undefined {
  const fromQuery = req.query[name];
  if (typeof fromQuery === 'string' && fromQuery !== '') return fromQuery;
  const body: unknown = req.body;
  const fromBody = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof fromBody === 'string' && fromBody !== '' ? fromBody : undefined;
}

export function createApolloFake(state: FakeState, apiKey: string) {
  const app = jsonApp();
  app.use(recordRequests(state));
  app.use(applyMode(state, apolloReplies));
  app.use((req, res, next) => {
    if (req.get('x-api-key') === apiKey) return next();
    apolloReplies.error(res, 401, 'unauthorized', 'Invalid access credentials.');
  });

  addApolloSearchRoute(app, state);

  app.post('/api/v1/people/match', (req, res) => {
    if (state.mode === 'wrong_types') {
      return void res.json({ person: { email: ['a@b.co'], title: 99, departments: 'sales' } });
    }
    const person = findPerson({
      email: param(req, 'email'),
      linkedIn: param(req, 'linkedin_url'),
      firstName: param(req, 'first_name'),
      lastName: param(req, 'last_name'),
      company: param(req, 'domain') ?? param(req, 'organization_name'),
    });
    res.json({ person: person ? apolloPerson(person) : null });
  });

  app.get('/api/v1/organizations/enrich', (req, res) => {
    if (state.mode === 'wrong_types') return void res.json({ organization: { estimated_num_employees: 'lots' } });
    const company = companyByDomain(param(req, 'domain'));
    res.json(company ? { organization: apolloOrganization(company.domain) } : {});
  });

  app.use((_req, res) => apolloReplies.error(res, 404, 'not_found', 'Not found'));
  return app;
}

function apolloOrganization(domain: string) {
  const company = companyByDomain(domain);
  return {
    id: `org-${domain}`,
    name: company?.name ?? null,
    website_url: `http://www.${domain}`,
    primary_domain: domain,
    industry: company?.industry ?? null,
    estimated_num_employees: company?.employees ?? null,
    funding_events: [],
  };
}

function apolloPerson(person: FakePerson) {
  const phones = [
    person.mobile && { raw_number: person.mobile, sanitized_number: person.mobile, type: 'mobile', position: 0 },
    person.directPhone && {
      raw_number: person.directPhone,
      sanitized_number: person.directPhone,
      type: 'work_direct',
      position: 1,
    },
    { raw_number: '+1 415-555-0100', sanitized_number: '+14155550100', type: 'work_hq', position: 2 },
  ].filter(Boolean);
  return {
    id: `apollo-${person.email}`,
    first_name: person.firstName,
    last_name: person.lastName,
    name: `${person.firstName} ${person.lastName}`,
    linkedin_url: person.linkedInHandle ? `http://www.linkedin.com/in/${person.linkedInHandle}` : null,
    title: person.title,
    email_status: person.apollo.emailStatus,
    email: person.apollo.locked ? 'email_not_unlocked@domain.com' : person.email,
    organization_id: `org-${person.domain}`,
    employment_history: [
      { current: true, organization_id: `org-${person.domain}`, title: person.title, start_date: '2020-01-01' },
    ],
    organization: apolloOrganization(person.domain),
    phone_numbers: phones,
    departments: person.apollo.departments,
    seniority: person.apollo.seniority,
  };
}
