/**
 * Apollo (API v1): People Match for the person attributes (and its embedded organization's company values),
 * Organization Enrichment for company values when no person match carried them. Key in the `X-Api-Key` header;
 * match params as query params, as Apollo's current docs send them. A miss is HTTP 200 with `person: null` (or no
 * `person`); Apollo keys errors on status only. Phones need Apollo's async webhook reveal, so only numbers already on
 * the record are read. Apollo's placeholder `email_not_unlocked@…` is not an email.
 */
import { z } from 'zod';
import { domainFromWebsite } from '../offline/company-domain';
import { normalizeLinkedInUrl } from '../offline/linkedin-url';
import { departmentFromApollo, seniorityFromApollo } from './apollo-mappings';
import { offer, type Candidates } from './attribute-values';
import { endpointUrl } from './endpoint-url';
import { requestJson, type FetchLike } from './http-json';
import type { EnrichmentProvider, ProviderCall, ProviderDescriptor, ProviderInput } from './provider-contract';
import {
  companyDomain,
  companyName,
  linkedInUrl,
  PERSON_INPUT_FIELDS,
  PERSON_OR_COMPANY_LOOKUPS,
  COMPANY_KEYS,
  PERSON_KEYS,
  text,
} from './provider-input';
import { foldSteps, isFailure, wantsAny, type Step } from './step-results';

export interface ApolloOptions {
  apiKey: string;
  baseUrl: string;
  fetch: FetchLike;
  now: () => Date;
  /** Credits per match, people match and organization enrichment alike (a miss costs nothing). */
  costs?: { perMatch?: number };
  timeoutMs?: number;
  rateLimit?: { max: number; windowMs: number };
}

const text$ = z.string().nullish();

const organizationSchema = z.object({
  primary_domain: text$,
  website_url: text$,
  industry: text$,
  estimated_num_employees: z.number().int().nonnegative().nullish(),
});

const personMatchSchema = z.object({
  person: z
    .object({
      email: text$,
      email_status: text$,
      title: text$,
      seniority: text$,
      departments: z.array(z.string()).nullish(),
      linkedin_url: text$,
      phone_numbers: z.array(z.object({ sanitized_number: text$, type: text$ })).nullish(),
      organization: organizationSchema.nullish(),
    })
    .nullish(),
});

const organizationEnrichSchema = z.object({ organization: organizationSchema.nullish() });

// Apollo's email_status: verified is checked, guessed / extrapolated is a pattern guess.
const EMAIL_CONFIDENCE: Readonly<Record<string, number>> = { verified: 0.9, guessed: 0.5, extrapolated: 0.5 };
const DEFAULT_CONFIDENCE = 0.7;
const LOCKED_EMAIL = /^email_not_unlocked@/i;

export function createApolloProvider(options: ApolloOptions): EnrichmentProvider {
  const perMatch = options.costs?.perMatch ?? 1;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const descriptor: ProviderDescriptor = {
    id: 'apollo',
    produces: [...PERSON_KEYS, ...COMPANY_KEYS],
    inputFields: PERSON_INPUT_FIELDS,
    requiredInputs: PERSON_OR_COMPANY_LOOKUPS,
    cost: { perCall: 0, perMatch },
    // Apollo's enrichment limit on paid plans; the free plan's is 50/min.
    rateLimit: options.rateLimit ?? { max: 1000, windowMs: 60_000 },
    timeoutMs,
  };
  const shared = {
    timeoutMs,
    headers: { 'X-Api-Key': options.apiKey, 'Cache-Control': 'no-cache' },
    secrets: [options.apiKey],
  };
  const deps = { fetch: options.fetch, now: options.now };

  async function match(input: ProviderInput, signal: AbortSignal | undefined): Promise<Step | undefined> {
    const email = text(input, 'Email');
    const linkedIn = linkedInUrl(input);
    const firstName = text(input, 'FirstName');
    const lastName = text(input, 'LastName');
    const domain = companyDomain(input);
    const organizationName = companyName(input);
    const byName = firstName && lastName && (domain || organizationName);
    if (!email && !linkedIn && !byName) return undefined;
    const url = endpointUrl(options.baseUrl, 'people/match', {
      email,
      linkedin_url: linkedIn,
      first_name: firstName,
      last_name: lastName,
      domain,
      organization_name: organizationName,
      reveal_personal_emails: 'false',
      reveal_phone_number: 'false',
    });
    const reply = await requestJson(
      { ...shared, label: 'apollo people/match', url, method: 'POST', body: {}, signal },
      deps,
    );
    if (reply.kind !== 'json') return reply.kind === 'no_match' ? { kind: 'none', credits: 0 } : reply;
    const parsed = personMatchSchema.safeParse(reply.body);
    if (!parsed.success) {
      return { kind: 'bad_reply', reason: 'apollo people/match: reply does not match the documented shape' };
    }
    const person = parsed.data.person;
    if (!person) return { kind: 'none', credits: 0 };
    const candidates: Candidates = {};
    const email$ = person.email?.trim();
    if (email$ && !LOCKED_EMAIL.test(email$)) {
      offer(candidates, 'person.work_email', email$, EMAIL_CONFIDENCE[person.email_status ?? ''] ?? DEFAULT_CONFIDENCE);
    }
    offer(candidates, 'person.title', person.title?.trim(), DEFAULT_CONFIDENCE);
    offer(candidates, 'person.seniority', seniorityFromApollo(person.seniority), DEFAULT_CONFIDENCE);
    offer(candidates, 'person.department', departmentFromApollo(person.departments), DEFAULT_CONFIDENCE);
    offer(candidates, 'person.linkedin_url', normalizeLinkedInUrl(person.linkedin_url), DEFAULT_CONFIDENCE);
    for (const phone of person.phone_numbers ?? []) {
      // work_hq is the company switchboard, not the person's line.
      if (phone.type === 'mobile') offer(candidates, 'person.mobile_phone', phone.sanitized_number, DEFAULT_CONFIDENCE);
      if (phone.type === 'work_direct') {
        offer(candidates, 'person.direct_phone', phone.sanitized_number, DEFAULT_CONFIDENCE);
      }
    }
    addOrganization(candidates, person.organization, 'person.current_company_domain');
    return { kind: 'found', candidates, credits: perMatch };
  }

  async function enrichOrganization(input: ProviderInput, signal: AbortSignal | undefined): Promise<Step | undefined> {
    const domain = companyDomain(input);
    if (!domain) return undefined;
    const url = endpointUrl(options.baseUrl, 'organizations/enrich', { domain });
    const reply = await requestJson({ ...shared, label: 'apollo organizations/enrich', url, signal }, deps);
    if (reply.kind !== 'json') return reply.kind === 'no_match' ? { kind: 'none', credits: 0 } : reply;
    const parsed = organizationEnrichSchema.safeParse(reply.body);
    if (!parsed.success) {
      return { kind: 'bad_reply', reason: 'apollo organizations/enrich: reply does not match the documented shape' };
    }
    if (!parsed.data.organization) return { kind: 'none', credits: 0 };
    const candidates: Candidates = {};
    addOrganization(candidates, parsed.data.organization, undefined);
    return { kind: 'found', candidates, credits: perMatch };
  }

  return {
    descriptor,
    async enrich(call: ProviderCall) {
      const steps: Step[] = [];
      if (wantsAny(call.wanted, PERSON_KEYS)) {
        const step = await match(call.input, call.signal);
        if (step) steps.push(step);
      }
      const first = steps[0];
      const fromPerson = first?.kind === 'found' ? first.candidates : {};
      const personFailed = first !== undefined && isFailure(first);
      if (!personFailed && COMPANY_KEYS.some((key) => call.wanted.includes(key) && !fromPerson[key])) {
        const step = await enrichOrganization(call.input, call.signal);
        if (step) steps.push(step);
      }
      return foldSteps('apollo', steps, call.wanted, options.now());
    },
  };
}

function addOrganization(
  candidates: Candidates,
  organization: z.infer<typeof organizationSchema> | null | undefined,
  domainKey: 'person.current_company_domain' | undefined,
): void {
  if (!organization) return;
  const domain = domainFromWebsite(organization.primary_domain) ?? domainFromWebsite(organization.website_url);
  if (domainKey) offer(candidates, domainKey, domain, DEFAULT_CONFIDENCE);
  offer(candidates, 'company.industry', organization.industry?.trim(), DEFAULT_CONFIDENCE);
  offer(candidates, 'company.employee_count', organization.estimated_num_employees, DEFAULT_CONFIDENCE);
}
