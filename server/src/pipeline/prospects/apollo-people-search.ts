/**
 * Apollo People API Search (docs/prospect-search-reference.md §2): `POST /mixed_people/api_search` with the filters,
 * `page` from 1 and `per_page` ≤ 100; the answer's `pagination` says how many pages there are.
 */
import { z } from 'zod';
import { normalDomain, normalLinkedIn, personName, type Prospect } from './prospect';
import { searchCall, type ProspectPage, type ProspectSearchProvider } from './prospect-provider';
import type { ProspectSearch } from './prospect-settings';

const personSchema = z.object({
  id: z.string().min(1),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  title: z.string().nullish(),
  linkedin_url: z.string().nullish(),
  email: z.string().nullish(),
  organization: z
    .object({ name: z.string().nullish(), primary_domain: z.string().nullish(), website_url: z.string().nullish() })
    .nullish(),
});
const answerSchema = z.object({
  pagination: z.object({
    page: z.number().int().positive(),
    per_page: z.number().int().positive(),
    total_entries: z.number().int().nonnegative(),
    total_pages: z.number().int().nonnegative(),
  }),
  people: z.array(personSchema),
});

/** Apollo hides unrevealed addresses behind a placeholder; that is no email. */
const realEmail = (email: string | null | undefined) =>
  email && email.includes('@') && !email.startsWith('email_not_unlocked') ? email.toLowerCase() : null;

export function apolloFilters(search: ProspectSearch): Record<string, unknown> {
  return {
    ...(search.titles.length > 0 && { person_titles: search.titles }),
    ...(search.seniorities.length > 0 && {
      person_seniorities: search.seniorities.map((value) => value.toLowerCase()),
    }),
    ...(search.companyDomains.length > 0 && { q_organization_domains_list: search.companyDomains }),
    ...(search.locations.length > 0 && { person_locations: search.locations }),
    ...(search.companySizes.length > 0 && { organization_num_employees_ranges: search.companySizes }),
    ...(search.industries.length > 0 && { q_keywords: search.industries.join(' ') }),
  };
}

export class ApolloPeopleSearch implements ProspectSearchProvider {
  readonly id = 'apollo' as const;
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
    const page = cursor ? Number(cursor) : 1;
    const url = new URL(`${this.baseUrl.replace(/\/+$/, '')}/mixed_people/api_search`);
    const answer = await searchCall({
      label: 'Apollo people search',
      url,
      apiKey: this.apiKey,
      headers: { 'Cache-Control': 'no-cache' },
      body: { ...apolloFilters(search), page, per_page: size },
      schema: answerSchema,
      ...(this.fetchImpl && { fetch: this.fetchImpl }),
      ...(signal && { signal }),
    });
    // Apollo has no "nobody" status: an empty page is its answer.
    if (!answer) return { prospects: [], total: 0 };
    const prospects = answer.people.flatMap((person): Prospect[] => {
      if (!person.first_name || !person.last_name) return [];
      return [
        {
          providerId: person.id,
          ...personName(person.first_name, person.last_name),
          email: realEmail(person.email),
          linkedInUrl: normalLinkedIn(person.linkedin_url),
          title: person.title ?? null,
          companyName: person.organization?.name ?? null,
          companyDomain: normalDomain(person.organization?.primary_domain ?? person.organization?.website_url),
        },
      ];
    });
    const { total_entries: total, total_pages: pages } = answer.pagination;
    return { prospects, total, ...(page < pages && { next: String(page + 1) }) };
  }
}
