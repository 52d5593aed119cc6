/**
 * People Data Labs (API v5): Person Enrichment for the person attributes, Company Enrichment for the company ones.
 * Key in the `X-Api-Key` header. A 404 is "no match" and costs nothing; a 200 costs a credit. PDL's own
 * `min_likelihood` filter is sent, and a 200 below the configured minimum is still read as no match (but counted,
 * since PDL billed it). Quirks: `work_email` / `mobile_phone` may be booleans when the plan cannot see the value;
 * the body's `status` must be 200; `linkedin_url` has no scheme; company replies have no `data` wrapper.
 */
import { z } from 'zod';
import { domainFromWebsite } from '../offline/company-domain';
import { normalizeLinkedInUrl } from '../offline/linkedin-url';
import { offer, type Candidates } from './attribute-values';
import { endpointUrl } from './endpoint-url';
import { requestJson, type FetchLike } from './http-json';
import { departmentFromPdlRole, seniorityFromPdlLevels } from './pdl-mappings';
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

export interface PdlOptions {
  apiKey: string;
  baseUrl: string;
  fetch: FetchLike;
  now: () => Date;
  /** 1–10: replies less likely than this are no match (default 6). */
  minLikelihood?: number;
  /** Credits per matched call, person and company enrichment alike (404s are free). */
  costs?: { perMatch?: number };
  timeoutMs?: number;
  rateLimit?: { max: number; windowMs: number };
}

const text$ = z.string().nullish();
// The plan may hide a value and say only whether it exists.
const hidden = z.union([z.string(), z.boolean()]).nullish();

const personReplySchema = z.object({
  status: z.literal(200),
  likelihood: z.number().min(0).max(10),
  data: z.object({
    work_email: hidden,
    mobile_phone: hidden,
    phone_numbers: z.union([z.array(z.string()), z.boolean()]).nullish(),
    linkedin_url: text$,
    job_title: text$,
    job_title_role: text$,
    job_title_sub_role: text$,
    job_title_levels: z.array(z.string()).nullish(),
    job_company_website: text$,
    job_company_industry: text$,
  }),
});

const companyReplySchema = z.object({
  status: z.literal(200),
  likelihood: z.number().min(0).max(10).optional(),
  industry: text$,
  employee_count: z.number().int().nonnegative().nullish(),
});

export function createPdlProvider(options: PdlOptions): EnrichmentProvider {
  const minLikelihood = options.minLikelihood ?? 6;
  const perMatch = options.costs?.perMatch ?? 1;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const descriptor: ProviderDescriptor = {
    id: 'pdl',
    produces: [...PERSON_KEYS, ...COMPANY_KEYS],
    inputFields: PERSON_INPUT_FIELDS,
    requiredInputs: PERSON_OR_COMPANY_LOOKUPS,
    cost: { perCall: 0, perMatch },
    // PDL's default enrichment limit on a free key; paid keys raise it.
    rateLimit: options.rateLimit ?? { max: 100, windowMs: 60_000 },
    timeoutMs,
  };
  const shared = {
    timeoutMs,
    headers: { 'X-Api-Key': options.apiKey },
    secrets: [options.apiKey],
    noMatchStatuses: [404],
  };
  const deps = { fetch: options.fetch, now: options.now };

  async function person(input: ProviderInput, signal: AbortSignal | undefined): Promise<Step | undefined> {
    const email = text(input, 'Email');
    const profile = linkedInUrl(input);
    const firstName = text(input, 'FirstName');
    const lastName = text(input, 'LastName');
    const company = companyDomain(input) ?? companyName(input);
    const byName = firstName && lastName && company;
    if (!email && !profile && !byName) return undefined;
    const url = endpointUrl(options.baseUrl, 'person/enrich', {
      email,
      profile,
      first_name: byName ? firstName : undefined,
      last_name: byName ? lastName : undefined,
      company: byName ? company : undefined,
      min_likelihood: String(minLikelihood),
      titlecase: 'true',
    });
    const reply = await requestJson({ ...shared, label: 'pdl person/enrich', url, signal }, deps);
    if (reply.kind !== 'json') return reply.kind === 'no_match' ? { kind: 'none', credits: 0 } : reply;
    const parsed = personReplySchema.safeParse(reply.body);
    if (!parsed.success)
      return { kind: 'bad_reply', reason: 'pdl person/enrich: reply does not match the documented shape' };
    const { likelihood, data } = parsed.data;
    if (likelihood < minLikelihood) return { kind: 'none', credits: perMatch };
    const confidence = likelihood / 10;
    const candidates: Candidates = {};
    offer(candidates, 'person.work_email', stringOnly(data.work_email), confidence);
    offer(candidates, 'person.title', data.job_title?.trim(), confidence);
    offer(candidates, 'person.seniority', seniorityFromPdlLevels(data.job_title_levels), confidence);
    offer(
      candidates,
      'person.department',
      departmentFromPdlRole(data.job_title_role, data.job_title_sub_role, data.job_title_levels),
      confidence,
    );
    offer(candidates, 'person.linkedin_url', normalizeLinkedInUrl(data.linkedin_url), confidence);
    const mobile = stringOnly(data.mobile_phone);
    offer(candidates, 'person.mobile_phone', mobile, confidence);
    // PDL does not label its other numbers; the first one that is not the mobile is the best guess at a direct line.
    const others = Array.isArray(data.phone_numbers) ? data.phone_numbers.filter((number) => number !== mobile) : [];
    offer(candidates, 'person.direct_phone', others[0], confidence * 0.8);
    offer(candidates, 'person.current_company_domain', domainFromWebsite(data.job_company_website), confidence);
    offer(candidates, 'company.industry', data.job_company_industry?.trim(), confidence);
    return { kind: 'found', candidates, credits: perMatch };
  }

  async function company(input: ProviderInput, signal: AbortSignal | undefined): Promise<Step | undefined> {
    const website = companyDomain(input);
    const name = website ? undefined : companyName(input);
    if (!website && !name) return undefined;
    const url = endpointUrl(options.baseUrl, 'company/enrich', {
      website,
      name,
      min_likelihood: String(minLikelihood),
      titlecase: 'true',
    });
    const reply = await requestJson({ ...shared, label: 'pdl company/enrich', url, signal }, deps);
    if (reply.kind !== 'json') return reply.kind === 'no_match' ? { kind: 'none', credits: 0 } : reply;
    const parsed = companyReplySchema.safeParse(reply.body);
    if (!parsed.success) {
      return { kind: 'bad_reply', reason: 'pdl company/enrich: reply does not match the documented shape' };
    }
    const likelihood = parsed.data.likelihood ?? 10;
    if (likelihood < minLikelihood) return { kind: 'none', credits: perMatch };
    const confidence = likelihood / 10;
    const candidates: Candidates = {};
    offer(candidates, 'company.industry', parsed.data.industry?.trim(), confidence);
    offer(candidates, 'company.employee_count', parsed.data.employee_count, confidence);
    return { kind: 'found', candidates, credits: perMatch };
  }

  return {
    descriptor,
    async enrich(call: ProviderCall) {
      const steps: Step[] = [];
      if (wantsAny(call.wanted, PERSON_KEYS)) {
        const step = await person(call.input, call.signal);
        if (step) steps.push(step);
      }
      // Company enrichment is a second paid call: only for company values the person reply did not carry.
      const fromPerson = steps[0]?.kind === 'found' ? steps[0].candidates : {};
      const companyStillWanted = COMPANY_KEYS.filter((key) => call.wanted.includes(key) && !fromPerson[key]);
      const personFailed = steps[0] !== undefined && isFailure(steps[0]);
      if (companyStillWanted.length > 0 && !personFailed) {
        const step = await company(call.input, call.signal);
        if (step) steps.push(step);
      }
      return foldSteps('pdl', steps, call.wanted, options.now());
    },
  };
}

function stringOnly(value: string | boolean | null | undefined): string | undefined {
  return typeof value === 'string' ? value.trim() : undefined;
}
