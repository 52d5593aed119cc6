/**
 * PDL Person Search (docs/prospect-search-reference.md §1): an Elasticsearch `query` built from the search (JSON,
 * so nothing is pasted into a query string), `size` per page and `scroll_token` to continue. 404 means no match.
 */
import { z } from 'zod';
import { normalDomain, normalLinkedIn, personName, type Prospect } from './prospect';
import { searchCall, type ProspectPage, type ProspectSearchProvider } from './prospect-provider';
import type { ProspectSearch } from './prospect-settings';

const personSchema = z.object({
  id: z.string().min(1),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  // PDL answers `true` instead of the address when the plan cannot see it.
  work_email: z.union([z.string(), z.boolean()]).nullish(),
  linkedin_url: z.string().nullish(),
  job_title: z.string().nullish(),
  job_company_name: z.string().nullish(),
  job_company_website: z.string().nullish(),
});
const answerSchema = z.object({
  status: z.literal(200),
  data: z.array(personSchema),
  total: z.number().int().nonnegative(),
  scroll_token: z.string().nullish(),
});

/** PDL's seniority words (job_title_levels) are Apollo's minus a few; both are lower case. */
export function pdlQuery(search: ProspectSearch): Record<string, unknown> {
  const must: Record<string, unknown>[] = [];
  const lower = (values: string[]) => values.map((value) => value.toLowerCase());
  if (search.titles.length > 0)
    must.push({ bool: { should: lower(search.titles).map((title) => ({ match: { job_title: title } })) } });
  if (search.seniorities.length > 0) must.push({ terms: { job_title_levels: lower(search.seniorities) } });
  if (search.departments.length > 0) must.push({ terms: { job_title_role: lower(search.departments) } });
  if (search.companyDomains.length > 0) must.push({ terms: { job_company_website: lower(search.companyDomains) } });
  if (search.industries.length > 0) must.push({ terms: { job_company_industry: lower(search.industries) } });
  if (search.locations.length > 0) must.push({ terms: { location_country: lower(search.locations) } });
  if (search.companySizes.length > 0) {
    must.push({ terms: { job_company_size: search.companySizes.map((range) => range.replace(',', '-')) } });
  }
  return { bool: { must } };
}

export class PdlPersonSearch implements ProspectSearchProvider {
  readonly id = 'pdl' as const;
  readonly maxPageSize: number;

  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
    options: { fetch?: typeof fetch; maxPageSize?: number } = {},
  ) {
    this.fetchImpl = options.fetch;
    // The documented ceiling is 100 a page; smaller pages spend less per request when a run's share is small.
    this.maxPageSize = Math.min(100, options.maxPageSize ?? 100);
  }

  private readonly fetchImpl: typeof fetch | undefined;

  async page(
    search: ProspectSearch,
    size: number,
    cursor: string | undefined,
    signal?: AbortSignal,
  ): Promise<ProspectPage> {
    const url = new URL(`${this.baseUrl.replace(/\/+$/, '')}/person/search`);
    const body = { query: pdlQuery(search), size, ...(cursor && { scroll_token: cursor }) };
    const answer = await searchCall({
      label: 'PDL person search',
      url,
      apiKey: this.apiKey,
      body,
      schema: answerSchema,
      // PDL answers 404 when nobody matches.
      noMatchStatuses: [404],
      ...(this.fetchImpl && { fetch: this.fetchImpl }),
      ...(signal && { signal }),
    });
    if (!answer) return { prospects: [], total: 0 };
    const prospects = answer.data.flatMap((person): Prospect[] => {
      if (!person.first_name || !person.last_name) return [];
      return [
        {
          providerId: person.id,
          ...personName(person.first_name, person.last_name),
          email: typeof person.work_email === 'string' ? person.work_email.toLowerCase() : null,
          linkedInUrl: normalLinkedIn(person.linkedin_url),
          title: person.job_title ?? null,
          companyName: person.job_company_name ?? null,
          companyDomain: normalDomain(person.job_company_website),
        },
      ];
    });
    const more = answer.scroll_token && answer.data.length === size;
    return { prospects, total: answer.total, ...(more && { next: answer.scroll_token ?? undefined }) };
  }
}
