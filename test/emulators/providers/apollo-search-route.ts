/**
 * Apollo People API Search on the fake (docs/prospect-search-reference.md §2): filters in the query string (`x[]`)
 * or the JSON body, `page` from 1, `per_page` ≤ 100 (422 above), and `pagination` {page, per_page, total_entries,
 * total_pages} with `people`.
 */
import type { Express, Request } from 'express';
import { apolloProspectRecord, FAKE_PROSPECTS, type FakeProspect } from './prospect-directory';
import type { FakeState } from './fake-server';

function list(req: Request, name: string): string[] {
  const fromQuery = req.query[`${name}[]`] ?? req.query[name];
  const fromBody = (req.body as Record<string, unknown> | undefined)?.[name];
  const raw = fromQuery ?? fromBody;
  if (raw === undefined) return [];
  return (Array.isArray(raw) ? raw : [raw]).map((value) => String(value).toLowerCase());
}

function number(req: Request, name: string, fallback: number): number {
  const raw = req.query[name] ?? (req.body as Record<string, unknown> | undefined)?.[name];
  return raw === undefined ? fallback : Number(raw);
}

export function addApolloSearchRoute(app: Express, state: FakeState): void {
  app.post('/api/v1/mixed_people/api_search', (req, res) => {
    const perPage = number(req, 'per_page', 10);
    const page = number(req, 'page', 1);
    if (!Number.isInteger(perPage) || perPage < 1 || perPage > 100 || !Number.isInteger(page) || page < 1) {
      return void res.status(422).json({ error: 'per_page must be 1..100 and page ≥ 1' });
    }
    if (state.mode === 'wrong_types') return void res.json({ people: { count: 3 }, pagination: 'next' });
    const titles = list(req, 'person_titles');
    const seniorities = list(req, 'person_seniorities');
    const domains = list(req, 'q_organization_domains_list');
    const locations = list(req, 'person_locations');
    const keep = (prospect: FakeProspect) =>
      (titles.length === 0 || titles.some((title) => prospect.title.toLowerCase().includes(title))) &&
      (seniorities.length === 0 || seniorities.includes(prospect.seniority)) &&
      (domains.length === 0 || domains.includes(prospect.domain)) &&
      (locations.length === 0 ||
        locations.some((place) =>
          [prospect.city, prospect.country].some((where) => where.toLowerCase().includes(place)),
        ));
    const found = FAKE_PROSPECTS.filter(keep);
    const people = found.slice((page - 1) * perPage, page * perPage).map(apolloProspectRecord);
    res.json({
      pagination: {
        page,
        per_page: perPage,
        total_entries: found.length,
        total_pages: Math.ceil(found.length / perPage),
      },
      people,
    });
  });
}
