import type { z } from 'zod';
import { DetectorSourceError, retryableStatus } from '../detector-errors';
import { fundingRoundsReply, organizationsReply, type FundingRoundEntity } from './funding-feed-replies';

export interface FundingFeedSettings {
  /** FUNDING_FEED_URL: the API root (`https://api.crunchbase.com/v4` or the fake's). */
  url: string;
  /** FUNDING_FEED_KEY: sent as `X-cb-user-key`, never logged. */
  key?: string;
}

export interface FundingRoundQuery {
  /** Rounds announced on or after this day (YYYY-MM-DD). */
  since: string;
  minAmountUsd?: number;
  roundTypes?: string[];
  /** Keyset paging: the uuid of the last round of the previous page. */
  afterId?: string;
  limit?: number;
}

const ROUND_FIELDS = [
  'identifier',
  'announced_on',
  'funded_organization_identifier',
  'money_raised',
  'investment_type',
  'investor_identifiers',
  'lead_investor_identifiers',
];

/**
 * The funding feed, Crunchbase v4 shaped (reference/external-apis.md §2.4): funding rounds searched by announcement
 * date (and amount, round type), paged by `after_id`; the funded organizations' websites looked up in one more
 * search. A refused key is not retryable; a 429 or 5xx is (the next run tries again from the same cursor).
 */
export class FundingFeedClient {
  constructor(
    private readonly settings: FundingFeedSettings,
    private readonly options: { timeoutMs?: number } = {},
  ) {}

  get configured(): boolean {
    return Boolean(this.settings.key);
  }

  async rounds(query: FundingRoundQuery): Promise<FundingRoundEntity[]> {
    const predicates: unknown[] = [
      { type: 'predicate', field_id: 'announced_on', operator_id: 'gte', values: [query.since] },
    ];
    if (query.minAmountUsd !== undefined) {
      predicates.push({
        type: 'predicate',
        field_id: 'money_raised',
        operator_id: 'gte',
        values: [{ value: query.minAmountUsd, currency: 'usd' }],
      });
    }
    if (query.roundTypes?.length) {
      predicates.push({
        type: 'predicate',
        field_id: 'investment_type',
        operator_id: 'includes',
        values: query.roundTypes,
      });
    }
    const reply = await this.search('funding_rounds', fundingRoundsReply, {
      field_ids: ROUND_FIELDS,
      query: predicates,
      order: [{ field_id: 'announced_on', sort: 'asc' }],
      limit: query.limit ?? 100,
      ...(query.afterId && { after_id: query.afterId }),
    });
    return reply.entities;
  }

  /** Websites of the given organizations, by uuid. */
  async websites(organizationIds: readonly string[]): Promise<Map<string, string>> {
    if (organizationIds.length === 0) return new Map();
    const reply = await this.search('organizations', organizationsReply, {
      field_ids: ['identifier', 'website_url', 'website'],
      query: [{ type: 'predicate', field_id: 'uuid', operator_id: 'includes', values: organizationIds }],
      limit: organizationIds.length,
    });
    const websites = new Map<string, string>();
    for (const entity of reply.entities) {
      const website = entity.properties.website_url ?? entity.properties.website?.value;
      if (website) websites.set(entity.uuid, website);
    }
    return websites;
  }

  private async search<T extends z.ZodType>(collection: string, schema: T, body: unknown): Promise<z.infer<T>> {
    if (!this.settings.key) {
      throw new DetectorSourceError('FUNDING_FEED_NOT_CONFIGURED', 'FUNDING_FEED_KEY is not set', false);
    }
    const url = `${this.settings.url.replace(/\/+$/, '')}/data/searches/${collection}`;
    let response: Response;
    try {
      response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-cb-user-key': this.settings.key },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 20_000),
      });
    } catch (error) {
      throw new DetectorSourceError('FUNDING_FEED_UNAVAILABLE', `funding feed did not answer: ${String(error)}`, true);
    }
    if (response.status === 401 || response.status === 403) {
      throw new DetectorSourceError(
        'FUNDING_FEED_KEY_REFUSED',
        `funding feed refused the key (${response.status})`,
        false,
      );
    }
    if (!response.ok) {
      throw new DetectorSourceError(
        'FUNDING_FEED_UNAVAILABLE',
        `funding feed answered HTTP ${response.status}`,
        retryableStatus(response.status),
      );
    }
    const parsed = schema.safeParse(await response.json().catch(() => undefined));
    if (!parsed.success) {
      throw new DetectorSourceError(
        'FUNDING_FEED_UNEXPECTED_SHAPE',
        `funding feed ${collection} reply of another shape`,
        false,
      );
    }
    return parsed.data;
  }
}
