import { z } from 'zod';
import { domainFromWebsite } from '../../pipeline/enrich/offline/company-domain';
import type { OrgClient } from '../../salesforce/org-client';
import { accountsByWebsiteQuery } from '../../salesforce/selectors/detector-selectors';
import type { LoadedSignalRule } from '../signal-rule';
import { DetectorSourceError } from './detector-errors';
import type { DetectorRunEnd } from './detector-run';
import type { DetectorRunContext, SignalDetector } from './detector';
import type { FundingCursor } from './funding/funding-cursor';
import type { FundingFeedClient } from './funding/funding-feed-client';
import type { FundingRoundEntity } from './funding/funding-feed-replies';
import { stopped } from './hiring-surge-detector';

const accountRow = z.looseObject({ Id: z.string(), Name: z.string().nullish(), Website: z.string().nullish() });
type FundingRoundRule = Extract<LoadedSignalRule, { type: 'Funding_Round' }>;

/** A first run reads the rounds of this many days back. */
const FIRST_LOOKBACK_DAYS = 30;
const PAGE = 100;
/** Domains per Account query (each becomes a dozen Website spellings). */
const DOMAINS_PER_QUERY = 15;

/**
 * Funding_Round: polls the funding feed from the rule's cursor, matches each round's organization to Accounts by
 * website domain and fires once per round (identity = the round's id), carrying the round, amount and date as
 * attributes. The cursor only moves when a run has read every page, so a run cut short misses nothing.
 */
export class FundingRoundDetector implements SignalDetector<'Funding_Round'> {
  readonly type = 'Funding_Round' as const;

  constructor(private readonly deps: { org: OrgClient; feed: FundingFeedClient; cursor: FundingCursor }) {}

  async detect(rule: FundingRoundRule, context: DetectorRunContext): Promise<DetectorRunEnd> {
    const { run } = context;
    if (!this.deps.feed.configured) {
      return { status: 'Failed', message: 'FUNDING_FEED_KEY is not set: the funding feed cannot be read' };
    }
    const lookback = new Date(context.now().getTime() - FIRST_LOOKBACK_DAYS * 86_400_000);
    const since = await this.deps.cursor.since(rule.id, lookback.toISOString().slice(0, 10));
    let latest = since;
    let afterId: string | undefined;
    for (;;) {
      const stop = context.shouldStop();
      if (stop) return stopped(stop, context);
      let page: FundingRoundEntity[];
      try {
        const { minAmountUsd, roundTypes } = rule.settings;
        page = await this.deps.feed.rounds({ since, afterId, limit: PAGE, minAmountUsd, roundTypes });
        await this.matchAndFire(
          rule,
          page.filter((round) => wanted(round, rule)),
          context,
        );
      } catch (error) {
        if (!(error instanceof DetectorSourceError)) throw error;
        // The feed as a whole failed: nothing per Account to record, the run fails and the cursor stays.
        return { status: 'Failed', message: `${error.code}: ${error.message}` };
      }
      run.checked += page.length;
      for (const round of page) if (round.properties.announced_on > latest) latest = round.properties.announced_on;
      if (page.length < PAGE) break;
      afterId = page[page.length - 1]?.uuid;
    }
    await this.deps.cursor.advance(rule.id, latest.slice(0, 10));
    return run.completed();
  }

  private async matchAndFire(rule: FundingRoundRule, rounds: FundingRoundEntity[], context: DetectorRunContext) {
    const organizations = [...new Set(rounds.map((round) => round.properties.funded_organization_identifier.uuid))];
    const websites = await this.deps.feed.websites(organizations);
    const domainOf = new Map<string, string>();
    for (const [organization, website] of websites) {
      const domain = domainFromWebsite(website);
      if (domain) domainOf.set(organization, domain);
    }
    const accounts = await this.accountsByDomain([...new Set(domainOf.values())]);
    for (const round of rounds) {
      const domain = domainOf.get(round.properties.funded_organization_identifier.uuid);
      for (const account of (domain && accounts.get(domain)) || []) {
        const outcome = await context.sink.fire(firingFor(rule, account, round, domain!, context));
        context.run.outcome(account.Id, outcome);
      }
    }
  }

  /** Accounts per normalised website domain (queried with escaped literals, compared again after normalising). */
  private async accountsByDomain(domains: string[]): Promise<Map<string, z.infer<typeof accountRow>[]>> {
    const byDomain = new Map<string, z.infer<typeof accountRow>[]>();
    for (let start = 0; start < domains.length; start += DOMAINS_PER_QUERY) {
      const batch = domains.slice(start, start + DOMAINS_PER_QUERY);
      const rows = z.array(accountRow).parse(await this.deps.org.query(accountsByWebsiteQuery(batch)));
      for (const row of rows) {
        const domain = domainFromWebsite(row.Website);
        if (domain && batch.includes(domain)) byDomain.set(domain, [...(byDomain.get(domain) ?? []), row]);
      }
    }
    return byDomain;
  }
}

/** The rule's amount and round types, checked again here: the feed's filters are a saving, not the guarantee. */
function wanted(round: FundingRoundEntity, rule: FundingRoundRule): boolean {
  const { minAmountUsd, roundTypes } = rule.settings;
  const amount = round.properties.money_raised?.value_usd ?? undefined;
  if (minAmountUsd !== undefined && (amount === undefined || amount < minAmountUsd)) return false;
  if (roundTypes?.length && !roundTypes.includes(round.properties.investment_type ?? '')) return false;
  return true;
}

function firingFor(
  rule: FundingRoundRule,
  account: z.infer<typeof accountRow>,
  round: FundingRoundEntity,
  domain: string,
  context: DetectorRunContext,
) {
  const p = round.properties;
  const amount = p.money_raised?.value_usd ?? undefined;
  const type = p.investment_type ?? 'unknown';
  const names = (list: typeof p.investor_identifiers) =>
    (list ?? []).map((investor) => investor.value ?? investor.uuid);
  const amountText = amount === undefined ? 'an undisclosed amount' : `$${amount.toLocaleString('en-US')}`;
  return {
    rule,
    object: 'Account' as const,
    recordId: account.Id,
    identity: round.uuid,
    summary: `${account.Name ?? domain} raised ${amountText} (${type.replace(/_/g, ' ')}) on ${p.announced_on}`,
    evidence: {
      source: 'funding feed',
      roundId: round.uuid,
      roundPermalink: p.identifier?.permalink ?? undefined,
      organization: p.funded_organization_identifier.value ?? p.funded_organization_identifier.uuid,
      matchedDomain: domain,
      announcedOn: p.announced_on,
      investmentType: type,
      moneyRaised: p.money_raised ?? undefined,
      investors: names(p.investor_identifiers),
      leadInvestors: names(p.lead_investor_identifiers),
    },
    // Matched by the organization's own website domain: the doubt left is a shared or stale website.
    confidence: 0.95,
    occurredAt: new Date(`${p.announced_on.slice(0, 10)}T00:00:00Z`).toISOString(),
    attributes: {
      'company.last_funding_round': type,
      ...(amount !== undefined && { 'company.last_funding_amount': amount }),
      'company.last_funding_date': p.announced_on.slice(0, 10),
    },
    runId: context.run.id,
  };
}
