/**
 * Prospect search end to end: the PDL and Apollo search fakes (documented shapes and paging), the Salesforce
 * emulator over HTTP through jsforce, and a real Redis for the credit ledger and the "seen" set. Every expectation
 * is read back from the org or the ledger.
 */
import { Connection } from 'jsforce';
import type { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/src/lib/logger';
import { CreditLedger } from '../../server/src/pipeline/enrich/waterfall/credit-ledger';
import { ApolloPeopleSearch } from '../../server/src/pipeline/prospects/apollo-people-search';
import { estimateProspectRun } from '../../server/src/pipeline/prospects/estimate-prospect-run';
import { PdlPersonSearch } from '../../server/src/pipeline/prospects/pdl-person-search';
import type { ProspectSearchProvider } from '../../server/src/pipeline/prospects/prospect-provider';
import { runProspectSearch, type ProspectSource } from '../../server/src/pipeline/prospects/prospect-search-run';
import { parseProspectSettings } from '../../server/src/pipeline/prospects/prospect-settings';
import { OrgClient } from '../../server/src/salesforce/org-client';
import { openTestRedis } from '../../server/test/pipeline/enrich/waterfall/waterfall-test-kit';
import { startProviderFakes, type ProviderFakes } from '../emulators/providers';
import { startSalesforceEmulator, type RunningEmulator } from '../emulators/salesforce/index';

type LeadRow = {
  Id: string;
  FirstName: string;
  LastName: string;
  Email: string | null;
  LeadSource: string;
  Description: string;
  LinkedIn_URL__c: string | null;
  Audience_Provenance__c: string;
};
type RunRow = {
  Status__c: string;
  Status_Message__c: string;
  Total__c: number;
  Succeeded__c: number;
  Skipped__c: number;
  Skips_By_Reason__c: string | null;
  Credits_Used__c: number;
  Error_Summary__c: string | null;
  Type__c: string;
};

let fakes: ProviderFakes;
let redis: Redis;
let prefix: string;
let cleanup: () => Promise<void>;
let emulator: RunningEmulator;
let admin: Connection;
let org: OrgClient;
let ledger: CreditLedger;
const logger = createLogger({ level: 'silent' });

beforeAll(async () => {
  fakes = await startProviderFakes();
});

afterAll(async () => {
  await fakes?.stop();
});

beforeEach(async () => {
  // Each org starts its ids afresh, so each scenario also gets its own Redis prefix (ledger, seen set).
  ({ redis, prefix, cleanup } = await openTestRedis('prospects'));
  ledger = new CreditLedger(redis, { prefix });
  // A fresh org per scenario: what one scenario creates must not be what the next one dedupes against.
  emulator = await startSalesforceEmulator({ port: 0, seed: 'none' });
  admin = new Connection({ instanceUrl: emulator.instanceUrl, accessToken: emulator.accessToken, version: '62.0' });
  org = new OrgClient(
    new Connection({ instanceUrl: emulator.instanceUrl, accessToken: emulator.accessToken, version: '62.0' }),
  );
});

afterEach(async () => {
  fakes.control.reset();
  await emulator?.stop();
  await cleanup?.();
});

const pdl = (maxPageSize?: number) => new PdlPersonSearch(fakes.pdlBaseUrl, fakes.keys.pdl, { maxPageSize });
const apollo = (maxPageSize?: number) =>
  new ApolloPeopleSearch(fakes.apolloBaseUrl, fakes.keys.apollo, { maxPageSize });

async function prospectSource(object: 'Lead' | 'Contact', settings: Record<string, unknown>): Promise<ProspectSource> {
  const created = await admin
    .sobject('Audience_Source__c')
    .create({ Name: String(settings.name), Type__c: 'Prospects', Object__c: object, Active__c: true });
  if (!created.success) throw new Error('could not create the source');
  return {
    id: created.id,
    name: String(settings.name),
    object,
    settings: parseProspectSettings(JSON.stringify(settings)),
  };
}

const run = (source: ProspectSource, provider: ProspectSearchProvider) =>
  runProspectSearch(source, { org, redis, prefix, ledger, provider, logger });

async function leads(): Promise<LeadRow[]> {
  const result = await admin.query<LeadRow>(
    'SELECT Id, FirstName, LastName, Email, LeadSource, Description, LinkedIn_URL__c, Audience_Provenance__c FROM Lead',
  );
  return result.records;
}

async function runsOf(sourceId: string): Promise<RunRow[]> {
  const result = await admin.query<RunRow>(
    'SELECT Type__c, Status__c, Status_Message__c, Total__c, Succeeded__c, Skipped__c, Skips_By_Reason__c, Credits_Used__c, Error_Summary__c, Started_At__c ' +
      `FROM Audience_Run__c WHERE Audience_Source__c = '${sourceId}' ORDER BY Started_At__c`,
  );
  return result.records;
}

describe('prospect search', () => {
  it('when a PDL search runs twice then it creates the new Leads once (paging by scroll_token) and none the second time', async () => {
    const source = await prospectSource('Lead', {
      name: 'VPs and directors',
      provider: 'pdl',
      search: { seniorities: ['vp', 'director'] },
      maxPerRun: 50,
      maxPerMonth: 500,
    });
    const first = await run(source, pdl(4));
    expect(first).toMatchObject({ status: 'Succeeded', credits: 6 });
    const created = await leads();
    expect(created.map((lead) => `${lead.FirstName} ${lead.LastName}`).sort()).toEqual([
      'Ava Stone',
      'Ben Reyes',
      'Eli Moreau',
      'Fay Tanaka',
      'Ivan Ibsen',
      'Jade Costa',
    ]);
    const ava = created.find((lead) => lead.FirstName === 'Ava');
    expect(ava).toMatchObject({
      Email: 'ava.stone@umbrella.test',
      LeadSource: 'Purchased List',
      Description: 'Prospect search "VPs and directors" (pdl)',
      LinkedIn_URL__c: 'https://www.linkedin.com/in/ava-stone-1',
    });
    expect(JSON.parse(ava?.Audience_Provenance__c ?? '{}').Email).toMatchObject({
      provider: 'pdl',
      value: 'ava.stone@umbrella.test',
      search: 'VPs and directors',
    });
    // Two pages of four: the second asked with the first answer's scroll_token.
    const searches = fakes.requests('pdl').filter((request) => request.path === '/v5/person/search');
    expect(searches.map((request) => Boolean((request.body as { scroll_token?: string }).scroll_token))).toEqual([
      false,
      true,
    ]);

    const second = await run(source, pdl(4));
    expect(second.status).toBe('Succeeded');
    expect(await leads()).toHaveLength(6);
    const runs = await runsOf(source.id);
    expect(runs.map((row) => [row.Type__c, row.Status__c, row.Total__c, row.Succeeded__c, row.Skipped__c])).toEqual([
      ['Prospect_Search', 'Succeeded', 6, 6, 0],
      ['Prospect_Search', 'Succeeded', 6, 0, 6],
    ]);
    expect(JSON.parse(runs[1]?.Skips_By_Reason__c ?? '{}')).toEqual({ seen_in_earlier_run: 6 });
  });

  it('when the people already are Contacts (email, LinkedIn URL, name at the account domain) then an Apollo search creates none', async () => {
    const hooli = await admin.sobject('Account').create({ Name: 'Hooli', Website: 'https://www.hooli.test' });
    if (!hooli.success) throw new Error('account');
    await admin.sobject('Contact').create([
      { LastName: 'Stone', FirstName: 'Ava', Email: 'ava.stone@umbrella.test' },
      { LastName: 'Moreau', FirstName: 'E.', LinkedIn_URL__c: 'https://www.linkedin.com/in/eli-moreau-5/' },
      { LastName: 'Ibsen', FirstName: 'Ivan', AccountId: hooli.id },
    ]);
    const source = await prospectSource('Lead', {
      name: 'Sales VPs',
      provider: 'apollo',
      search: { titles: ['VP Sales'] },
      maxPerRun: 20,
      maxPerMonth: 100,
    });
    const result = await run(source, apollo(2));
    expect(result.counts).toMatchObject({
      total: 3,
      succeeded: 0,
      skipped: 3,
      skipsByReason: { exists_in_salesforce: 3 },
    });
    expect(await leads()).toHaveLength(0);
    // Two Apollo pages (per_page 2): page 1 then page 2 from `pagination`.
    const pages = fakes.requests('apollo').filter((request) => request.path === '/api/v1/mixed_people/api_search');
    expect(pages.map((request) => (request.body as { page: number }).page)).toEqual([1, 2]);
  });

  it('when the monthly ceiling is reached then the run pauses with the reason on the run and the source', async () => {
    const source = await prospectSource('Lead', {
      name: 'Managers',
      provider: 'pdl',
      search: { seniorities: ['manager', 'senior'] },
      maxPerRun: 5,
      maxPerMonth: 3,
    });
    expect(await estimateProspectRun(source, { org, ledger })).toBe(3);
    const result = await run(source, pdl());
    expect(result).toMatchObject({ status: 'Paused', credits: 3 });
    expect(await leads()).toHaveLength(3);
    const [row] = await runsOf(source.id);
    expect(row).toMatchObject({ Status__c: 'Paused', Succeeded__c: 3, Credits_Used__c: 3 });
    expect(row?.Status_Message__c).toMatch(/monthly ceiling: 3 of 3 credits/);
    const stored = await admin.sobject('Audience_Source__c').retrieve(source.id);
    expect(stored).toMatchObject({ Status__c: 'OK', Status_Message__c: row?.Status_Message__c });
    expect(await estimateProspectRun(source, { org, ledger })).toBe(0);
    expect((await admin.sobject('Audience_Source__c').retrieve(source.id)).Estimated_Credits__c).toBe(0);
    // A second run in the same month takes nobody and asks the provider nothing.
    const before = fakes.calls('pdl');
    expect((await run(source, pdl())).status).toBe('Paused');
    expect(fakes.calls('pdl')).toBe(before);
  });

  it('when the provider answers garbage then the run stops, records why, creates nothing and charges nothing', async () => {
    const source = await prospectSource('Lead', {
      name: 'Garbage',
      provider: 'pdl',
      search: { seniorities: ['vp'] },
      maxPerRun: 10,
      maxPerMonth: 100,
    });
    fakes.control.setMode('pdl', 'wrong_types');
    const result = await run(source, pdl());
    expect(result).toMatchObject({ status: 'Failed', credits: 0 });
    expect(await leads()).toHaveLength(0);
    expect((await ledger.monthUsage(source.id)).total).toBe(0);
    expect((await ledger.monthUsage(source.id)).reserved).toBe(0);
    const [row] = await runsOf(source.id);
    expect(row?.Status__c).toBe('Failed');
    expect(row?.Error_Summary__c).toMatch(/PROSPECT_GARBAGE_ANSWER/);
    expect(row?.Status_Message__c).toMatch(/garbage.*nothing was charged/);
    expect((await admin.sobject('Audience_Source__c').retrieve(source.id)).Status__c).toBe('Error');
  });

  it('when the provider answers HTML, refuses the key or is rate limited then the run fails with the coded reason, uncharged', async () => {
    const expected = [
      ['html', 'PROSPECT_GARBAGE_ANSWER'],
      ['bad_key', 'PROSPECT_PROVIDER_REFUSED'],
      ['quota', 'PROSPECT_PROVIDER_REFUSED'],
      ['rate_limited', 'PROSPECT_PROVIDER_UNAVAILABLE'],
      ['server_error', 'PROSPECT_PROVIDER_UNAVAILABLE'],
    ] as const;
    for (const [mode, code] of expected) {
      const source = await prospectSource('Lead', {
        name: `Mode ${mode}`,
        provider: 'pdl',
        search: { seniorities: ['vp'] },
        maxPerRun: 10,
        maxPerMonth: 100,
      });
      fakes.control.setMode('pdl', mode);
      const result = await run(source, pdl());
      expect(result, mode).toMatchObject({ status: 'Failed', credits: 0 });
      const [row] = await runsOf(source.id);
      expect(row?.Error_Summary__c, mode).toMatch(new RegExp(`^${code}: PDL person search`));
      // The key never shows in what is recorded.
      expect(row?.Error_Summary__c, mode).not.toContain(fakes.keys.pdl);
      expect((await ledger.monthUsage(source.id)).total, mode).toBe(0);
    }
    expect(await leads()).toHaveLength(0);
  });

  it('when the source creates Contacts then each goes under the Account of its company domain, or is skipped without one', async () => {
    const umbrella = await admin.sobject('Account').create({ Name: 'Umbrella', Website: 'umbrella.test' });
    if (!umbrella.success) throw new Error('account');
    const source = await prospectSource('Contact', {
      name: 'Directors',
      provider: 'apollo',
      search: { seniorities: ['director'] },
      maxPerRun: 10,
      maxPerMonth: 100,
    });
    const result = await run(source, apollo());
    // Directors: Ben (initech), Fay (hooli), Jade (umbrella) — only Umbrella is an Account here.
    expect(result.counts).toMatchObject({ total: 3, succeeded: 1, skipsByReason: { no_matching_account: 2 } });
    const contacts = (
      await admin.query<{ LastName: string; AccountId: string }>('SELECT LastName, AccountId FROM Contact')
    ).records;
    expect(contacts).toEqual([expect.objectContaining({ LastName: 'Costa', AccountId: umbrella.id })]);
  });
});
