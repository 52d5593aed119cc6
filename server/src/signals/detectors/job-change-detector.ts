import { createHash, randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { AttributeKey } from '../../domain/attributes';
import { domainFromWebsite, domainFromWorkEmail } from '../../pipeline/enrich/offline/company-domain';
import type { EnrichmentProvider, ProviderId, ProviderInput } from '../../pipeline/enrich/providers/provider-contract';
import type { WaterfallServices } from '../../pipeline/enrich/runs/waterfall-services';
import type { EmailPolicy } from '../../pipeline/enrich/waterfall/email-validation-policy';
import { runWaterfall } from '../../pipeline/enrich/waterfall/waterfall';
import type { OrgClient } from '../../salesforce/org-client';
import { jobChangePeopleQuery } from '../../salesforce/selectors/detector-selectors';
import type { LoadedSignalRule } from '../signal-rule';
import type { DetectorRunEnd } from './detector-run';
import type { DetectorRunContext, SignalDetector } from './detector';
import { stopped } from './hiring-surge-detector';

const personRow = z.looseObject({
  Id: z.string(),
  Email: z.string().nullish(),
  FirstName: z.string().nullish(),
  LastName: z.string().nullish(),
  Title: z.string().nullish(),
  LinkedIn_URL__c: z.string().nullish(),
  Company: z.string().nullish(),
  Website: z.string().nullish(),
  Account: z.looseObject({ Name: z.string().nullish(), Website: z.string().nullish() }).nullish(),
});
type PersonRow = z.infer<typeof personRow>;
type JobChangeRule = Extract<LoadedSignalRule, { type: 'Job_Change' }>;

const EMPLOYER: AttributeKey = 'person.current_company_domain';
const WANTED: readonly AttributeKey[] = [EMPLOYER, 'person.title'];
const DAY_MS = 86_400_000;

/** Which day of the cadence a record is asked on: a stable hash of its id, so the records spread evenly. */
export function cadenceDay(recordId: string, cadenceDays: number): number {
  return createHash('sha1').update(recordId).digest().readUInt32BE(0) % cadenceDays;
}

/**
 * Job_Change (Contact/Lead): each day asks about that day's share of the people (each once per `cadenceDays`), through
 * the enrichment waterfall (its cache, rate limits, circuits and credit ledger, with the rule's own run and month
 * budgets), for their current employer. Fires when the employer's domain differs from the one we believe (the
 * Account's or Lead's website, else the work email's domain) with at least `minConfidence`; the new employer's domain
 * is the identity, so the same move is never alerted twice. A credit limit stops the run, said on its record.
 */
export class JobChangeDetector implements SignalDetector<'Job_Change'> {
  readonly type = 'Job_Change' as const;

  constructor(
    private readonly deps: {
      org: OrgClient;
      providers: () => ReadonlyMap<ProviderId, EnrichmentProvider>;
      services: WaterfallServices;
      policy?: EmailPolicy;
    },
  ) {}

  async detect(rule: JobChangeRule, context: DetectorRunContext): Promise<DetectorRunEnd> {
    const object = rule.object === 'Lead' ? 'Lead' : 'Contact';
    const providers = this.deps.providers();
    // The rule's providers (names the registry does not know are left out), else every configured one.
    const order = [...providers.keys()]
      .filter((id) => !rule.settings.providers || rule.settings.providers.includes(id))
      .filter((id) => providers.get(id)?.descriptor.produces.includes(EMPLOYER));
    if (rule.settings.providers)
      order.sort((a, b) => rule.settings.providers!.indexOf(a) - rule.settings.providers!.indexOf(b));
    if (order.length === 0) {
      return { status: 'Failed', message: 'no configured person provider finds a current employer (PDL, Apollo)' };
    }
    const today = Math.floor(context.now().getTime() / DAY_MS) % rule.settings.cadenceDays;
    const rows = z.array(personRow).parse(await this.deps.org.query(jobChangePeopleQuery(object)));
    const runKey = context.run.id ?? randomUUID();
    for (const person of rows) {
      if (cadenceDay(person.Id, rule.settings.cadenceDays) !== today) continue;
      const stop = context.shouldStop();
      if (stop) return stopped(stop, context);
      const paused = await this.checkPerson(rule, object, person, order, runKey, context);
      if (paused) return { status: 'Paused', message: paused };
    }
    return context.run.completed();
  }

  /** Returns a message when a credit limit stopped the run. */
  private async checkPerson(
    rule: JobChangeRule,
    object: 'Contact' | 'Lead',
    person: PersonRow,
    order: ProviderId[],
    runKey: string,
    context: DetectorRunContext,
  ): Promise<string | undefined> {
    const { run } = context;
    const believedWebsite = person.Account?.Website ?? person.Website;
    const believed = domainFromWebsite(believedWebsite) ?? domainFromWorkEmail(person.Email);
    if (!believed) {
      run.skip('no current employer on the record');
      return undefined;
    }
    const result = await runWaterfall({
      input: providerInput(person),
      wanted: WANTED,
      providerOrder: order,
      providers: this.deps.providers(),
      ...this.deps.services,
      policy: this.deps.policy ?? 'balanced',
      planId: `signal-${rule.id}`,
      runId: runKey,
      limits: { perRun: rule.settings.maxCreditsPerRun, perMonth: rule.settings.monthlyCreditBudget },
      now: context.now,
    });
    for (const call of result.calls) run.spend(call.provider, call.credits);
    if (result.paused) return result.paused.message;
    run.checked += 1;
    const employer = result.values.find((value) => value.key === EMPLOYER);
    if (!employer) {
      run.skip(result.errors.length > 0 ? 'provider error' : 'no employer found');
      return undefined;
    }
    const newDomain = String(employer.value);
    if (newDomain === believed || newDomain.endsWith(`.${believed}`) || believed.endsWith(`.${newDomain}`)) {
      return undefined;
    }
    if (employer.confidence < rule.settings.minConfidence) {
      run.skip('below the rule confidence');
      return undefined;
    }
    const title = result.values.find((value) => value.key === 'person.title')?.value;
    const previous = person.Account?.Name ?? person.Company ?? believed;
    const name = [person.FirstName, person.LastName].filter(Boolean).join(' ') || person.Email || person.Id;
    const now = context.now().toISOString();
    const outcome = await context.sink.fire({
      rule,
      object,
      recordId: person.Id,
      identity: `employer:${newDomain}`,
      summary: `${name} moved from ${previous} to ${newDomain}${title ? ` (${String(title)})` : ''}`,
      evidence: {
        provider: employer.provider,
        fetchedAt: employer.fetchedAt,
        fromCache: result.fromCache.includes(EMPLOYER),
        previousEmployer: { name: previous, domain: believed },
        newEmployer: { domain: newDomain },
        title: title ?? null,
        titleOnRecord: person.Title ?? null,
      },
      confidence: employer.confidence,
      occurredAt: now,
      attributes: { 'signal.job_change_at': now, 'signal.previous_company': previous },
      runId: run.id,
    });
    run.outcome(person.Id, outcome);
    return undefined;
  }
}

/** The record as the providers read it (`Account.Website` and `Account.Name` flattened). */
function providerInput(person: PersonRow): ProviderInput {
  return {
    Email: person.Email ?? undefined,
    FirstName: person.FirstName ?? undefined,
    LastName: person.LastName ?? undefined,
    LinkedIn_URL__c: person.LinkedIn_URL__c ?? undefined,
    Company: person.Company ?? undefined,
    Website: person.Website ?? undefined,
    'Account.Name': person.Account?.Name ?? undefined,
    'Account.Website': person.Account?.Website ?? undefined,
  };
}
