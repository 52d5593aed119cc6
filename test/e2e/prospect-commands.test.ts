/**
 * Prospect search sources wired into the loop: read by the config loader (a bad one shows why on the record), run by
 * RUN_IMPORT and estimated by ESTIMATE_RUN published on Audience_Command__e as an admin would, and run on their
 * schedule through a BullMQ job scheduler that only the schedulers' owner keeps. The emulator, the PDL fake and a real
 * Redis; every expectation is read back from the org or BullMQ.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProspectSearchReport } from '../../server/src/pipeline/prospects/prospect-searches';
import { startProviderFakes, type ProviderFakes } from '../emulators/providers/index';
import { LoopHarness, waitFor } from './support/loop-harness';

type Row = Record<string, unknown> & { Id: string };
type RunRow = Row & {
  Type__c: string;
  Status__c: string;
  Total__c: number;
  Succeeded__c: number;
  Skipped__c: number;
  Skips_By_Reason__c: string | null;
  Credits_Used__c: number | null;
};

let h: LoopHarness;
let fakes: ProviderFakes;
const finished: ProspectSearchReport[] = [];

async function command(name: string, targetId: string): Promise<void> {
  const result = await h.admin.sobject('Audience_Command__e').create({ Command__c: name, Target_Id__c: targetId });
  if (!result.success) throw new Error(`could not publish ${name}`);
}

async function runsOf(sourceId: string): Promise<RunRow[]> {
  return h.query<RunRow>(
    'SELECT Id, Type__c, Status__c, Total__c, Succeeded__c, Skipped__c, Skips_By_Reason__c, Credits_Used__c, ' +
      `Started_At__c FROM Audience_Run__c WHERE Audience_Source__c = '${sourceId}' ORDER BY Started_At__c`,
  );
}

async function leadCount(): Promise<number> {
  return (await h.query('SELECT Id FROM Lead')).length;
}

async function source(fields: Record<string, unknown>, settings: unknown): Promise<string> {
  const [id] = await h.createRecords('Audience_Source__c', [
    { Type__c: 'Prospects', Object__c: 'Lead', Active__c: true, Settings__c: JSON.stringify(settings), ...fields },
  ]);
  return id as string;
}

const loaded = (id: string) => waitFor(() => h.loop.prospects.find(id), 30_000, `prospect source ${id} to be loaded`);

/**
 * Publishes RUN_IMPORT for the source and waits for a finished run started after it. The command channel follows
 * new events only: a command published while its long poll reconnects can be missed, so it is published again when
 * no run has started after a while (a duplicate run only finds everyone already created).
 */
async function runImport(sourceId: string): Promise<RunRow> {
  const before = (await runsOf(sourceId)).length;
  await command('RUN_IMPORT', sourceId);
  let published = Date.now();
  return waitFor(
    async () => {
      const runs = await runsOf(sourceId);
      if (runs.length === before && Date.now() - published > 10_000) {
        await command('RUN_IMPORT', sourceId);
        published = Date.now();
      }
      const run = runs[before];
      // The credits are written on the run record just after its status.
      return run && run.Status__c !== 'Running' && run.Credits_Used__c !== null ? run : undefined;
    },
    60_000,
    `a finished run of ${sourceId}`,
  );
}

beforeAll(async () => {
  fakes = await startProviderFakes();
  h = await LoopHarness.create({
    start: false,
    sources: [{ Object__c: 'Lead', Inclusion_Filter__c: null }],
    fieldMaps: [],
  });
  await h.startRuntime({
    // Apollo's base URL but no key: a source naming Apollo is refused with the variable to set.
    prospects: {
      environment: {
        PDL_API_KEY: fakes.keys.pdl,
        PDL_BASE_URL: fakes.pdlBaseUrl,
        APOLLO_BASE_URL: fakes.apolloBaseUrl,
      },
      // Every second instead of the source's cron: the test waits for the run, not for the clock.
      schedulePattern: () => '* * * * * *',
      onFinished: (report) => finished.push(report),
    },
  });
}, 120_000);

afterAll(async () => {
  await h?.stop();
  await fakes?.stop();
});

describe('prospect search sources in the loop', { timeout: 120_000 }, () => {
  it('when a source is not a runnable search then the config loader says why on the record and does not load it', async () => {
    const noFilter = await source({ Name: 'No filter' }, { name: 'x', provider: 'pdl', search: {}, maxPerRun: 1 });
    const noKey = await source(
      { Name: 'Apollo without key' },
      { name: 'y', provider: 'apollo', search: { titles: ['CTO'] }, maxPerRun: 5, maxPerMonth: 10 },
    );
    const accounts = await source(
      { Name: 'Accounts', Object__c: 'Account' },
      { name: 'z', provider: 'pdl', search: { titles: ['CTO'] }, maxPerRun: 5, maxPerMonth: 10 },
    );
    const status = async (id: string) =>
      waitFor(
        async () => {
          const [row] = await h.query<Row>(
            `SELECT Id, Status__c, Status_Message__c FROM Audience_Source__c WHERE Id = '${id}'`,
          );
          return row?.Status__c === 'Error' ? String(row.Status_Message__c) : undefined;
        },
        30_000,
        `an Error status on ${id}`,
      );
    expect(await status(noFilter)).toMatch(/not a prospect search: .*search: the search needs at least one filter/);
    expect(await status(noFilter)).toMatch(/maxPerMonth/);
    expect(await status(noKey)).toBe('provider apollo is not configured on this server: set APOLLO_API_KEY');
    expect(await status(accounts)).toBe('a prospect search creates Leads or Contacts, not Account');
    for (const id of [noFilter, noKey, accounts]) expect(h.loop.prospects.find(id)).toBeUndefined();
  });

  it('when an admin publishes RUN_IMPORT on the source then new Leads are created once, and a second one creates none', async () => {
    const id = await source(
      { Name: 'VPs and directors' },
      {
        name: 'VPs and directors',
        provider: 'pdl',
        search: { seniorities: ['vp', 'director'] },
        maxPerRun: 50,
        maxPerMonth: 500,
      },
    );
    await loaded(id);
    const leadsBefore = await leadCount();
    const first = await runImport(id);
    expect(first).toMatchObject({ Type__c: 'Prospect_Search', Status__c: 'Succeeded', Total__c: 6, Succeeded__c: 6 });
    expect(first.Credits_Used__c).toBe(6);
    expect(await leadCount()).toBe(leadsBefore + 6);
    const created = await h.query<Row>("SELECT Id, LeadSource, Description FROM Lead WHERE LastName = 'Stone'");
    expect(created).toEqual([
      expect.objectContaining({
        LeadSource: 'Purchased List',
        Description: 'Prospect search "VPs and directors" (pdl)',
      }),
    ]);

    const second = await runImport(id);
    expect(second).toMatchObject({ Status__c: 'Succeeded', Total__c: 6, Succeeded__c: 0, Skipped__c: 6 });
    expect(JSON.parse(second.Skips_By_Reason__c ?? '{}')).toEqual({ seen_in_earlier_run: 6 });
    expect(await leadCount()).toBe(leadsBefore + 6);
  });

  it("when an admin publishes ESTIMATE_RUN on the source then its Estimated_Credits__c is what the month's ceiling leaves", async () => {
    const id = await source(
      { Name: 'Managers' },
      { name: 'Managers', provider: 'pdl', search: { seniorities: ['manager'] }, maxPerRun: 5, maxPerMonth: 3 },
    );
    await loaded(id);
    const calls = fakes.calls('pdl');
    const estimated = async () => {
      const [row] = await h.query<Row>(`SELECT Id, Estimated_Credits__c FROM Audience_Source__c WHERE Id = '${id}'`);
      return row?.Estimated_Credits__c;
    };
    await command('ESTIMATE_RUN', id);
    let published = Date.now();
    const value = await waitFor(
      async () => {
        const current = await estimated();
        if ((current === null || current === undefined) && Date.now() - published > 10_000) {
          await command('ESTIMATE_RUN', id);
          published = Date.now();
        }
        return current ?? undefined;
      },
      60_000,
      'Estimated_Credits__c on the source',
    );
    // Five per run, but the month allows three; asking costs nothing (no provider call).
    expect(value).toBe(3);
    expect(fakes.calls('pdl')).toBe(calls);
  });

  it('when a source has a schedule then only the schedulers owner keeps its job scheduler, in its time zone, and it runs', async () => {
    const queue = h.loop.queues.queue('prospects');
    h.loop.schedules.owned = false;
    const id = await source(
      { Name: 'Scheduled managers' },
      {
        name: 'Scheduled managers',
        provider: 'pdl',
        search: { seniorities: ['manager'] },
        maxPerRun: 2,
        maxPerMonth: 100,
        schedule: '0 9 * * 1',
        timeZone: 'Europe/Paris',
      },
    );
    await loaded(id);
    // A load (and its listeners) in a process that does not own the schedulers leaves them alone.
    await h.loop.config.load();
    expect(await queue.getJobSchedulers(0, -1)).toEqual([]);

    // Taking the schedulers over (as the scheduler lease's holder does) syncs them.
    h.loop.schedules.owned = true;
    await h.loop.schedules.sync();
    expect(await queue.getJobSchedulers(0, -1)).toEqual([
      expect.objectContaining({ key: id, tz: 'Europe/Paris', name: 'prospect-search' }),
    ]);
    const report = await waitFor(() => finished.find((r) => r.sourceId === id), 60_000, 'a scheduled run');
    expect(report).toMatchObject({ status: 'Succeeded', counts: expect.objectContaining({ total: 2 }) });

    // Deactivated: its scheduler goes with the next load.
    await h.admin.sobject('Audience_Source__c').update({ Id: id, Active__c: false });
    await waitFor(() => !h.loop.prospects.find(id), 30_000, 'the source to be unloaded');
    await h.loop.config.load();
    expect(await queue.getJobSchedulers(0, -1)).toEqual([]);
  });
});
