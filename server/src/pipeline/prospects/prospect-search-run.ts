/**
 * One run of a prospect search source (`Audience_Source__c.Type__c = Prospects`): page through the provider's
 * search until the run's share is taken, reserving credits before every page and settling what the provider charged,
 * skip people already known (earlier runs, Leads, Contacts), create the rest, and record it all on an
 * `Audience_Run__c` of type Prospect_Search. A garbage answer is recorded and ends the run without a charge; the
 * monthly ceiling pauses the run with the reason on the run and the source.
 */
import { RUN_FAILED_PREFIX } from '../../config/config-status-writer';
import type { RedisClient as Redis } from '../../state/redis';
import type { Logger } from '../../lib/logger';
import type { OrgClient } from '../../salesforce/org-client';
import { accountsByWebsiteQuery } from '../../salesforce/selectors/prospect-selectors';
import type { CreditLedger } from '../enrich/waterfall/credit-ledger';
import { RunRecorder, type RunCounts, type RunStatus } from '../runs/run-recorder';
import { RunRecordWriter } from '../runs/run-record-writer';
import { normalDomain, type Prospect } from './prospect';
import { judgeProspects, rememberProspect } from './prospect-dedupe';
import { ProspectProviderError, type ProspectSearchProvider } from './prospect-provider';
import { contactFields, leadFields } from './prospect-record';
import type { ProspectSettings } from './prospect-settings';

export type ProspectSource = { id: string; name: string; object: 'Lead' | 'Contact'; settings: ProspectSettings };

export type ProspectRunDeps = {
  org: OrgClient;
  redis: Redis;
  /** Redis key prefix (hash-tagged), shared with the rest of the loop. */
  prefix: string;
  ledger: CreditLedger;
  provider: ProspectSearchProvider;
  logger: Logger;
  now?: () => Date;
};

export type ProspectRunResult = {
  runId: string | undefined;
  status: RunStatus;
  counts: RunCounts;
  credits: number;
  message: string;
};

class Tally {
  received = 0;
  created = 0;
  failed = 0;
  readonly skips: Record<string, number> = {};
  readonly errors: string[] = [];

  skip(reason: string): void {
    this.skips[reason] = (this.skips[reason] ?? 0) + 1;
  }

  counts(): RunCounts {
    const skipped = Object.values(this.skips).reduce((sum, count) => sum + count, 0);
    return {
      total: this.received,
      processed: this.received,
      succeeded: this.created,
      failed: this.failed,
      skipped,
      skipsByReason: this.skips,
      ...(this.errors.length > 0 && { errorSummary: this.errors.join('\n') }),
    };
  }
}

export async function runProspectSearch(source: ProspectSource, deps: ProspectRunDeps): Promise<ProspectRunResult> {
  const now = deps.now ?? (() => new Date());
  const { settings } = source;
  const run = await RunRecorder.start(deps.org, deps.logger, {
    type: 'Prospect_Search',
    sourceId: source.id,
    message: `Searching ${settings.provider}`,
  });
  const runId = run.id ?? `prospect-${source.id}-${now().getTime()}`;
  const tally = new Tally();
  const limits = {
    perRun: settings.maxPerRun * settings.creditsPerRecord,
    perMonth: settings.maxPerMonth * settings.creditsPerRecord,
  };
  let status: RunStatus = 'Succeeded';
  let message = '';
  let cursor: string | undefined;
  try {
    while (tally.received < settings.maxPerRun) {
      const size = Math.min(
        deps.provider.maxPageSize,
        settings.maxPerRun - tally.received,
        await monthLeft(source, deps),
      );
      // Reserve the page's worst case first: concurrent runs can never take the month past its ceiling.
      const reserved =
        size > 0
          ? await deps.ledger.reserve(source.id, runId, deps.provider.id, size * settings.creditsPerRecord, limits)
          : undefined;
      if (!reserved?.ok) {
        status = 'Paused';
        const used = reserved ? reserved.used : limits.perMonth;
        message = `Paused at the monthly ceiling: ${used} of ${limits.perMonth} credits used this month (maxPerMonth ${settings.maxPerMonth})`;
        break;
      }
      let page;
      try {
        page = await deps.provider.page(settings.search, size, cursor);
      } catch (error) {
        // Nothing usable came back, so nothing is booked: the reservation is released at no charge.
        await deps.ledger.settle(reserved.reservation, 0);
        throw error;
      }
      await deps.ledger.settle(reserved.reservation, page.prospects.length * settings.creditsPerRecord);
      tally.received += page.prospects.length;
      await createNew(page.prospects, source, deps, tally, now());
      await run.progress(tally.counts());
      cursor = page.next;
      if (!cursor || page.prospects.length === 0) break;
    }
  } catch (error) {
    status = 'Failed';
    const why = error instanceof ProspectProviderError ? `${error.code}: ${error.message}` : String(error);
    tally.errors.push(why);
    message =
      error instanceof ProspectProviderError && error.code === 'PROSPECT_GARBAGE_ANSWER'
        ? `Stopped: the provider answered garbage (${error.message}); nothing was charged for it`
        : `Stopped: ${why}`;
    deps.logger.warn({ err: error, sourceId: source.id }, 'prospect search run stopped');
  }
  if (status !== 'Failed' && tally.failed > 0) status = 'Partially_Succeeded';
  if (message === '')
    message = `${tally.created} new ${source.object === 'Lead' ? 'Leads' : 'Contacts'} from ${tally.received} people found`;
  const counts = tally.counts();
  await run.finish(status, counts, message);
  const credits = (await deps.ledger.usage(runId)).total;
  if (run.id)
    await new RunRecordWriter(deps.org, deps.logger).update(run.id, {
      Credits_Used__c: credits,
      Credits_By_Provider__c: JSON.stringify({ [deps.provider.id]: credits }),
    });
  await deps.org.update('Audience_Source__c', source.id, {
    Status__c: status === 'Failed' ? 'Error' : 'OK',
    Status_Message__c: (status === 'Failed' ? `${RUN_FAILED_PREFIX}${message}` : message).slice(0, 255),
  });
  return { runId: run.id, status, counts, credits, message };
}

/** People the month still allows (all of the run's share when people cost nothing). */
async function monthLeft(source: ProspectSource, deps: ProspectRunDeps): Promise<number> {
  const { settings } = source;
  if (settings.creditsPerRecord === 0) return settings.maxPerRun;
  const usage = await deps.ledger.monthUsage(source.id);
  const left = settings.maxPerMonth * settings.creditsPerRecord - usage.total - usage.reserved;
  return Math.max(0, Math.floor(left / settings.creditsPerRecord));
}

async function createNew(prospects: Prospect[], source: ProspectSource, deps: ProspectRunDeps, tally: Tally, at: Date) {
  const verdicts = await judgeProspects(prospects, {
    org: deps.org,
    redis: deps.redis,
    prefix: deps.prefix,
    sourceId: source.id,
  });
  const accounts =
    source.object === 'Contact'
      ? await accountsByDomain(
          deps.org,
          verdicts.flatMap((v) => (v.skip ? [] : [v.prospect])),
        )
      : new Map<string, string>();
  for (const { prospect, skip } of verdicts) {
    if (skip) {
      tally.skip(skip);
      continue;
    }
    try {
      if (source.object === 'Lead') {
        await deps.org.insert('Lead', leadFields(prospect, source.settings, source.id, at));
      } else {
        const accountId = prospect.companyDomain ? accounts.get(prospect.companyDomain) : undefined;
        if (!accountId) {
          tally.skip('no_matching_account');
          continue;
        }
        await deps.org.insert('Contact', contactFields(prospect, source.settings, accountId, source.id, at));
      }
      await rememberProspect(deps.redis, deps.prefix, source.id, prospect);
      tally.created += 1;
    } catch (error) {
      tally.failed += 1;
      tally.errors.push(`${prospect.providerId}: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
}

/** Contacts go under the Account whose Website is the person's company domain. */
async function accountsByDomain(org: OrgClient, prospects: Prospect[]): Promise<Map<string, string>> {
  const domains = [...new Set(prospects.flatMap((p) => (p.companyDomain ? [p.companyDomain] : [])))];
  const soql = accountsByWebsiteQuery(domains);
  const byDomain = new Map<string, string>();
  if (!soql) return byDomain;
  for (const row of await org.query<{ Id: string; Website?: string | null }>(soql)) {
    const domain = normalDomain(row.Website);
    if (domain && !byDomain.has(domain)) byDomain.set(domain, row.Id);
  }
  return byDomain;
}
