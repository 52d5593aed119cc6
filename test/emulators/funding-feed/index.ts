/**
 * A Crunchbase v4 shaped funding feed on loopback (reference/external-apis.md §2.4, fixture
 * crunchbase/search-funding-rounds-request-next-page.json): `POST /v4/data/searches/funding_rounds` with predicates on
 * `announced_on` (gte), `money_raised` (gte, usd) and `investment_type` (includes), ordered by `announced_on`,
 * `after_id` keyset paging, `{count, entities[{uuid, properties}]}`; `POST /v4/data/searches/organizations` by uuid
 * for the websites. Key in `X-cb-user-key` or `user_key`; 401 on a bad key, 429 when the test says so.
 */
import type { Request, Response } from 'express';
import { jsonApp, listenOnLoopback } from '../providers/fake-server';

export const FUNDING_FEED_TEST_KEY = 'fake-crunchbase-key-0123456789';

export interface FakeFundingRound {
  id: string;
  organization: { id: string; name: string; website: string };
  announcedOn: string;
  type: string;
  amountUsd?: number;
  investors?: string[];
  leadInvestors?: string[];
}

export interface FundingFeedFake {
  /** The value for FUNDING_FEED_URL. */
  url: string;
  key: string;
  addRound(round: FakeFundingRound): void;
  setMode(mode: 'normal' | 'rate_limited'): void;
  /** The bodies of the funding-round searches received, in order. */
  searches(): unknown[];
  stop(): Promise<void>;
}

interface Predicate {
  field_id: string;
  operator_id: string;
  values: unknown[];
}

const ident = (uuid: string, value: string, entity: string) => ({
  uuid,
  value,
  permalink: value.toLowerCase().replace(/[^a-z0-9]+/g, '-'),
  entity_def_id: entity,
  image_id: null,
});

export async function startFundingFeedFake(): Promise<FundingFeedFake> {
  const rounds: FakeFundingRound[] = [];
  const searches: unknown[] = [];
  let mode: 'normal' | 'rate_limited' = 'normal';
  const app = jsonApp();

  app.use((req: Request, res: Response, next) => {
    const key = req.get('x-cb-user-key') ?? (typeof req.query.user_key === 'string' ? req.query.user_key : undefined);
    if (key !== FUNDING_FEED_TEST_KEY) return void res.status(401).json([{ code: 'LA401', message: 'Unauthorized' }]);
    if (mode === 'rate_limited') return void res.status(429).json([{ code: 'LA429', message: 'Rate limit exceeded' }]);
    next();
  });

  app.post('/v4/data/searches/funding_rounds', (req, res) => {
    searches.push(req.body);
    const body = req.body as { query?: Predicate[]; limit?: number; after_id?: string };
    const matches = [...rounds]
      .sort((a, b) => a.announcedOn.localeCompare(b.announcedOn) || a.id.localeCompare(b.id))
      .filter((round) => (body.query ?? []).every((predicate) => holds(round, predicate)));
    const start = body.after_id ? matches.findIndex((round) => round.id === body.after_id) + 1 : 0;
    const page = matches.slice(start, start + Math.min(body.limit ?? 50, 1000));
    res.json({
      count: matches.length,
      entities: page.map((round) => ({
        uuid: round.id,
        properties: {
          identifier: ident(round.id, `${round.type} - ${round.organization.name}`, 'funding_round'),
          announced_on: round.announcedOn,
          investment_type: round.type,
          money_raised:
            round.amountUsd === undefined
              ? undefined
              : { value: round.amountUsd, currency: 'USD', value_usd: round.amountUsd },
          funded_organization_identifier: ident(round.organization.id, round.organization.name, 'organization'),
          investor_identifiers: (round.investors ?? []).map((name, i) =>
            ident(`inv-${i}-${name}`, name, 'organization'),
          ),
          lead_investor_identifiers: (round.leadInvestors ?? []).map((name, i) =>
            ident(`lead-${i}-${name}`, name, 'organization'),
          ),
        },
      })),
    });
  });

  app.post('/v4/data/searches/organizations', (req, res) => {
    const body = req.body as { query?: Predicate[] };
    const ids = new Set((body.query ?? []).find((p) => p.field_id === 'uuid')?.values.map(String) ?? []);
    const organizations = new Map(rounds.map((round) => [round.organization.id, round.organization]));
    const entities = [...organizations.values()]
      .filter((organization) => ids.has(organization.id))
      .map((organization) => ({
        uuid: organization.id,
        properties: {
          identifier: ident(organization.id, organization.name, 'organization'),
          website_url: organization.website,
          website: { value: organization.website },
        },
      }));
    res.json({ count: entities.length, entities });
  });

  const server = await listenOnLoopback(app);
  return {
    url: `${server.origin}/v4`,
    key: FUNDING_FEED_TEST_KEY,
    addRound: (round) => void rounds.push(round),
    setMode: (next) => void (mode = next),
    searches: () => searches,
    stop: () => server.stop(),
  };
}

function holds(round: FakeFundingRound, predicate: Predicate): boolean {
  const first = predicate.values[0];
  switch (predicate.field_id) {
    case 'announced_on':
      return predicate.operator_id === 'gte' ? round.announcedOn >= String(first) : true;
    case 'money_raised': {
      const min = typeof first === 'object' && first ? Number((first as { value: unknown }).value) : Number(first);
      return predicate.operator_id === 'gte' ? (round.amountUsd ?? 0) >= min : true;
    }
    case 'investment_type':
      return predicate.operator_id === 'includes' ? predicate.values.map(String).includes(round.type) : true;
    default:
      return true;
  }
}
