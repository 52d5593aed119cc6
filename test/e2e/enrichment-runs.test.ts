/**
 * Paid enrichment runs over the Salesforce emulator, the provider fakes and a real Redis: RUN_ENRICHMENT over an
 * audience (waterfall order and early stop), the cache making a second run free, a run ceiling pausing and resuming,
 * a 429 with Retry-After slowing a run that still finishes, the monthly budget resetting on the 1st (held clock),
 * ENRICH_RECORD reaching a record with a run record of its own, a plan's cron schedule firing, on-entry enrichment
 * counted in one run per plan and UTC day, and each bought value's cost in the record's provenance. Everything
 * asserted is read back from the org (as the admin), from the fakes' request logs or from BullMQ.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviderFakes, type ProviderFakes } from '../emulators/providers/index';
import { LoopHarness, waitFor } from './support/loop-harness';

type Row = Record<string, unknown> & { Id: string };

interface RunRow extends Row {
  Status__c: string;
  Audience__c: string | null;
  Audience_Enrichment__c: string | null;
  Status_Message__c: string | null;
  Processed__c: number;
  Succeeded__c: number;
  Failed__c: number;
  Skipped__c: number;
  Total__c: number;
  Credits_Used__c: number | null;
  Credits_By_Provider__c: string | null;
  Skips_By_Reason__c: string | null;
}

const RUN_FIELDS =
  'Id, Status__c, Status_Message__c, Processed__c, Succeeded__c, Failed__c, Skipped__c, Total__c, Credits_Used__c, ' +
  'Credits_By_Provider__c, Skips_By_Reason__c, Audience__c, Audience_Enrichment__c';

let h: LoopHarness;
let fakes: ProviderFakes;
let clock = new Date('2026-11-20T12:00:00Z');
const statusEvents: Record<string, unknown>[] = [];
let planA = '';
let audienceId = '';

async function runsOf(planId: string): Promise<RunRow[]> {
  return h.query<RunRow>(`SELECT ${RUN_FIELDS} FROM Audience_Run__c WHERE Audience_Enrichment__c = '${planId}'`);
}

/** The provenance entry of one field of a lead, as a rep's "why this value?" reads it. */
async function provenanceOf(leadId: string, field: string): Promise<Record<string, unknown> | undefined> {
  const lead = (await h.byId('Lead', ['Audience_Provenance__c'], [leadId])).get(leadId);
  const raw = lead?.Audience_Provenance__c;
  return typeof raw === 'string' ? (JSON.parse(raw) as Record<string, Record<string, unknown>>)[field] : undefined;
}

async function command(name: string, fields: Record<string, unknown>): Promise<void> {
  const result = await h.admin.sobject('Audience_Command__e').create({ Command__c: name, ...fields });
  if (!result.success) throw new Error(`could not publish ${name}`);
}

async function runJobsSeen(): Promise<number> {
  const counts = await h.loop.queues.queue('runs').getJobCounts('completed', 'failed', 'active', 'waiting', 'delayed');
  return Object.values(counts).reduce((a, b) => a + b, 0);
}

/**
 * Publishes RUN_ENRICHMENT and waits for a run of the plan to reach one of `statuses` (a new run, or one of `known`).
 * The command channel follows new events only: a command published while its long poll reconnects under load can be
 * missed, so it is published again when no run job has appeared after a few seconds.
 */
async function runPlan(planId: string, statuses: string[], known: string[] = []): Promise<RunRow> {
  const before = new Set((await runsOf(planId)).map((r) => r.Id));
  const jobsBefore = await runJobsSeen();
  await command('RUN_ENRICHMENT', { Target_Id__c: planId });
  let published = Date.now();
  return waitFor(
    async () => {
      if (Date.now() - published > 5_000 && (await runJobsSeen()) === jobsBefore) {
        await command('RUN_ENRICHMENT', { Target_Id__c: planId });
        published = Date.now();
      }
      const runs = (await runsOf(planId)).filter((r) => (known.length > 0 ? known.includes(r.Id) : !before.has(r.Id)));
      return runs.find((r) => statuses.includes(r.Status__c));
    },
    40_000,
    `a run of ${planId} in ${statuses.join('/')}`,
  );
}

async function createPlan(fields: Record<string, unknown>): Promise<string> {
  const [created] = await h.createRecords('Audience_Enrichment__c', [
    { Object__c: 'Lead', Audience__c: audienceId, Active__c: true, Time_Zone__c: 'UTC', ...fields },
  ]);
  const id = created as string;
  await waitFor(() => h.loop.enrichment.findPlan(id), 20_000, `plan ${id} to be loaded`);
  return id;
}

beforeAll(async () => {
  fakes = await startProviderFakes();
  h = await LoopHarness.create({
    start: false,
    sources: [{ Object__c: 'Lead', Inclusion_Filter__c: null }],
    fieldMaps: [
      { Object__c: 'Lead', Field__c: 'Email', Attribute__c: 'person.work_email', Write_Rule__c: 'Fill_Blank' },
      { Object__c: 'Lead', Field__c: 'Title', Attribute__c: 'person.title', Write_Rule__c: 'Fill_Blank' },
    ],
    audiences: [
      {
        Name: 'Web leads',
        Object__c: 'Lead',
        Filter__c: JSON.stringify({ field: 'LeadSource', op: 'eq', value: 'Web' }),
      },
    ],
    records: {
      Lead: [
        {
          FirstName: 'Olivia',
          LastName: 'Martin',
          Company: 'Acme Inc',
          Website: 'https://acme.com',
          LeadSource: 'Web',
        },
        {
          FirstName: 'Lucas',
          LastName: 'Bernard',
          Company: 'Acme Inc',
          Website: 'https://acme.com',
          LeadSource: 'Web',
        },
      ],
    },
  });
  audienceId = h.ids.audiences[0] as string;
  const [plan] = await h.createRecords('Audience_Enrichment__c', [
    {
      Name: 'Work emails',
      Object__c: 'Lead',
      Audience__c: audienceId,
      Attributes__c: 'person.work_email',
      Providers__c: 'pdl,hunter,apollo',
      Active__c: true,
    },
  ]);
  planA = plan as string;
  const org = h.emulator.org;
  const publish = org.publishPlatformEvent.bind(org);
  org.publishPlatformEvent = (name, fields, userId) => {
    if (name === 'Audience_Status__e') statusEvents.push(fields);
    return publish(name, fields, userId);
  };
  await h.startRuntime({
    enrichment: {
      environment: {
        HUNTER_API_KEY: fakes.keys.hunter,
        HUNTER_BASE_URL: fakes.hunterBaseUrl,
        PDL_API_KEY: fakes.keys.pdl,
        PDL_BASE_URL: fakes.pdlBaseUrl,
        APOLLO_API_KEY: fakes.keys.apollo,
        APOLLO_BASE_URL: fakes.apolloBaseUrl,
      },
      now: () => clock,
      retryDelayMs: 2500,
      schedulePattern: () => '*/2 * * * * *',
    },
  });
  await waitFor(async () => (await h.activeMembers(audienceId)).size === 2, 20_000, 'two audience members');
}, 60_000);

afterAll(async () => {
  await h?.stop();
  await fakes?.stop();
});

describe('enrichment runs', { timeout: 45_000 }, () => {
  it('runs the waterfall in the plan order and stops at the first valid value', async () => {
    const run = await runPlan(planA, ['Succeeded', 'Partially_Succeeded']);
    expect(run.Status__c).toBe('Succeeded');
    expect(run).toMatchObject({ Total__c: 2, Processed__c: 2, Succeeded__c: 2, Failed__c: 0, Skipped__c: 0 });
    expect(run.Skips_By_Reason__c).toBe('{}');
    // PDL first for both; Olivia's email came from PDL, so Hunter was asked only for Lucas (PDL hides his email);
    // Hunter found it, so Apollo was never called.
    expect(fakes.requests('pdl').length).toBe(2);
    const hunterNames = fakes.requests('hunter').map((r) => r.query.first_name);
    expect(hunterNames).toEqual(['Lucas']);
    expect(fakes.calls('apollo')).toBe(0);
    const byProvider = JSON.parse(run.Credits_By_Provider__c ?? '{}') as Record<string, number>;
    expect(byProvider).toEqual({ hunter: 1, pdl: 2 });
    expect(run.Credits_Used__c).toBe(3);
    const leads = await h.byId('Lead', ['Email'], h.records.Lead ?? []);
    expect([...leads.values()].map((l) => l.Email).sort()).toEqual([
      'lucas.bernard@acme.com',
      'olivia.martin@acme.com',
    ]);
    // Each written value's provenance says who sold it and what its call cost.
    const [olivia, lucas] = h.records.Lead ?? [];
    expect(await provenanceOf(olivia as string, 'Email')).toMatchObject({
      value: 'olivia.martin@acme.com',
      provider: 'pdl',
      cost: 1,
      rule: 'Fill_Blank',
    });
    expect(await provenanceOf(lucas as string, 'Email')).toMatchObject({ provider: 'hunter', cost: 1 });
    // Audience_Status__e: published for the run, the last one says it is done.
    const last = await waitFor(
      () => statusEvents.filter((e) => e.Run_Id__c === run.Id).find((e) => e.Stage__c === 'done'),
      10_000,
      'the final status event',
    );
    expect(last).toMatchObject({ Progress__c: 100 });
  });

  it('a second run within the cache TTL calls no provider and costs 0 credits', async () => {
    const calls = fakes.calls('pdl') + fakes.calls('hunter') + fakes.calls('apollo');
    const run = await runPlan(planA, ['Succeeded', 'Partially_Succeeded']);
    expect(run).toMatchObject({ Status__c: 'Succeeded', Processed__c: 2, Succeeded__c: 2, Credits_Used__c: 0 });
    expect(run.Credits_By_Provider__c).toBe('{}');
    expect(fakes.calls('pdl') + fakes.calls('hunter') + fakes.calls('apollo')).toBe(calls);
  });

  it('a published ENRICH_RECORD event reaches the record', async () => {
    const [emma] = await h.createRecords('Lead', [
      { FirstName: 'Emma', LastName: 'Dubois', Company: 'Globex', Website: 'https://globex.com', LeadSource: 'Phone' },
    ]);
    await h.settle();
    await command('ENRICH_RECORD', { Record_Id__c: emma });
    const lead = await waitFor(
      async () => (await h.byId('Lead', ['Email'], [emma as string])).get(emma as string)?.Email,
      15_000,
      'the email of the enriched record',
    );
    expect(lead).toBe('emma.dubois@globex.com');
    // One Audience_Run__c for the command, linked to the one Lead plan, counted like a bulk run.
    const run = await waitFor(
      async () =>
        (await runsOf(planA)).find(
          (r) => r.Status_Message__c?.startsWith(`ENRICH_RECORD ${emma}`) && r.Status__c !== 'Running',
        ),
      15_000,
      'the run record of ENRICH_RECORD',
    );
    expect(run).toMatchObject({
      Status__c: 'Succeeded',
      Total__c: 1,
      Processed__c: 1,
      Succeeded__c: 1,
      Failed__c: 0,
      Skipped__c: 0,
      Credits_Used__c: 1,
      Audience__c: null,
    });
    // PDL was asked but knows Emma too vaguely to answer (no charge); Hunter found her email.
    expect(JSON.parse(run.Credits_By_Provider__c ?? '{}')).toEqual({ hunter: 1, pdl: 0 });
    expect(await provenanceOf(emma as string, 'Email')).toMatchObject({ provider: 'hunter', cost: 1 });
    const ofCommand = (await runsOf(planA)).filter((r) => r.Status_Message__c?.startsWith('ENRICH_RECORD'));
    expect(ofCommand).toHaveLength(1);
    // The record card's final status for this record: `done`, after the plan's progress event for it.
    const ofEmma = await waitFor(
      () => {
        const events = statusEvents.filter((e) => e.Record_Id__c === emma);
        return events.some((e) => e.Stage__c === 'done') ? events : undefined;
      },
      10_000,
      'the final status event of ENRICH_RECORD',
    );
    expect(ofEmma.at(-1)).toMatchObject({ Stage__c: 'done', Progress__c: 100 });
    expect(ofEmma.slice(0, -1).every((e) => e.Stage__c === 'enrich-record')).toBe(true);
  });

  it('stops at its ceiling with a visible status and resumes after the ceiling is raised', async () => {
    const planB = await createPlan({
      Name: 'Titles',
      Attributes__c: 'person.title',
      Providers__c: 'pdl',
      Max_Credits_Per_Run__c: 1,
    });
    const paused = await runPlan(planB, ['Paused', 'Succeeded', 'Partially_Succeeded']);
    expect(paused.Status__c).toBe('Paused');
    expect(paused.Status_Message__c).toContain('Max Credits Per Run');
    expect(paused).toMatchObject({ Processed__c: 1, Credits_Used__c: 1 });

    await h.updateRecords('Audience_Enrichment__c', [{ Id: planB, Max_Credits_Per_Run__c: 10 }]);
    await waitFor(() => h.loop.enrichment.findPlan(planB)?.maxCreditsPerRun === 10, 20_000, 'the raised ceiling');
    const resumed = await runPlan(planB, ['Succeeded', 'Partially_Succeeded'], [paused.Id]);
    expect(resumed).toMatchObject({ Id: paused.Id, Status__c: 'Succeeded', Processed__c: 2, Succeeded__c: 2 });
    expect(resumed.Credits_Used__c).toBe(2);
    expect(JSON.parse(resumed.Credits_By_Provider__c ?? '{}')).toEqual({ pdl: 2 });
    expect(await runsOf(planB)).toHaveLength(1);
  });

  it('slows down on 429 with Retry-After and still finishes', async () => {
    const planC = await createPlan({ Name: 'LinkedIn', Attributes__c: 'person.linkedin_url', Providers__c: 'hunter' });
    const before = fakes.calls('hunter');
    fakes.control.setMode('hunter', 'rate_limited');
    const done = runPlan(planC, ['Succeeded', 'Partially_Succeeded', 'Failed']);
    await waitFor(() => fakes.calls('hunter') > before, 20_000, 'a rate-limited Hunter call');
    fakes.control.setMode('hunter', 'normal');
    const run = await done;
    expect(run).toMatchObject({ Status__c: 'Succeeded', Processed__c: 2, Succeeded__c: 2, Failed__c: 0 });
    // Two records, at least one refused with 429 and asked again.
    expect(fakes.calls('hunter') - before).toBeGreaterThan(2);
  });

  it('the monthly budget pauses a run and resets on the first of the month', async () => {
    clock = new Date('2026-11-20T12:00:00Z');
    const planD = await createPlan({
      Name: 'Seniority',
      Attributes__c: 'person.seniority',
      Providers__c: 'apollo',
      Monthly_Credit_Budget__c: 1,
    });
    const paused = await runPlan(planD, ['Paused', 'Succeeded', 'Partially_Succeeded']);
    expect(paused.Status__c).toBe('Paused');
    expect(paused.Status_Message__c).toContain('monthly budget');
    expect(paused.Status_Message__c).toContain('2026-12-01');
    clock = new Date('2026-12-01T00:00:05Z');
    // With the clock still in November it would pause again at once; on the 1st the budget is fresh.
    const resumed = await runPlan(planD, ['Succeeded', 'Partially_Succeeded'], [paused.Id]);
    expect(resumed).toMatchObject({ Id: paused.Id, Status__c: 'Succeeded', Processed__c: 2, Credits_Used__c: 2 });
    expect(await runsOf(planD)).toHaveLength(1);
    clock = new Date('2026-12-02T12:00:00Z');
  });

  it('a scheduled plan runs on its cron (a BullMQ job scheduler in the plan time zone)', async () => {
    const planE = await createPlan({
      Name: 'Nightly',
      Attributes__c: 'person.work_email',
      Providers__c: 'pdl',
      Schedule__c: '0 6 * * *',
      Time_Zone__c: 'Europe/Paris',
    });
    const queue = h.loop.queues.queue('runs');
    const scheduler = await waitFor(() => queue.getJobScheduler(planE), 10_000, 'the job scheduler');
    expect(scheduler).toMatchObject({ tz: 'Europe/Paris' });
    const run = await waitFor(
      async () => (await runsOf(planE)).find((r) => r.Status__c === 'Succeeded'),
      20_000,
      'a scheduled run',
    );
    expect(run).toMatchObject({ Processed__c: 2, Credits_Used__c: 0 });
    await h.updateRecords('Audience_Enrichment__c', [{ Id: planE, Active__c: false }]);
    await waitFor(async () => !(await queue.getJobScheduler(planE)), 20_000, 'the scheduler to be removed');
  });
});

describe('npm run enrich', { timeout: 45_000 }, () => {
  it('prints the estimate first, then runs the plan to the end', async () => {
    const { execFile } = await import('node:child_process');
    const before = (await runsOf(planA)).length;
    const output = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        ['--import', 'tsx', 'scripts/enrich.ts', '--plan', 'Work emails'],
        {
          env: {
            PATH: process.env.PATH,
            SALESFORCE_LOGIN_URL: h.emulator.loginUrl,
            SALESFORCE_CLIENT_ID: h.emulator.clientId,
            SALESFORCE_CLIENT_SECRET: h.emulator.clientSecret,
            SALESFORCE_API_VERSION: '62.0',
            REDIS_URL: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
            REDIS_PREFIX: h.prefix,
            PDL_API_KEY: fakes.keys.pdl,
            PDL_BASE_URL: fakes.pdlBaseUrl,
            HUNTER_API_KEY: fakes.keys.hunter,
            HUNTER_BASE_URL: fakes.hunterBaseUrl,
            APOLLO_API_KEY: fakes.keys.apollo,
            APOLLO_BASE_URL: fakes.apolloBaseUrl,
            LOG_LEVEL: 'silent',
          },
        },
        (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
      );
    });
    expect(output.stderr).toBe('');
    expect(output.code).toBe(0);
    const estimateAt = output.stdout.indexOf('Estimated credits');
    const doneAt = output.stdout.indexOf('Succeeded:');
    expect(estimateAt).toBeGreaterThanOrEqual(0);
    expect(doneAt).toBeGreaterThan(estimateAt);
    expect(output.stdout).toContain('2 records (2 fully cached)');
    expect(await runsOf(planA)).toHaveLength(before + 1);
  });
});

describe('enrichment on entry', { timeout: 60_000 }, () => {
  let onEntry = '';

  it('enriches a record when it enters the audience of a Run_On_Entry plan', async () => {
    onEntry = await createPlan({
      Name: 'Titles on entry',
      Attributes__c: 'person.title',
      Providers__c: 'apollo,pdl',
      Run_On_Entry__c: true,
    });
    const emma = (
      await h.query<Row & { Title: string | null }>("SELECT Id, Title FROM Lead WHERE LastName = 'Dubois'")
    )[0];
    expect(emma?.Title ?? null).toBeNull();
    await h.updateRecords('Lead', [{ Id: emma?.Id as string, LeadSource: 'Web' }]);
    const title = await waitFor(
      async () => (await h.byId('Lead', ['Title'], [emma?.Id as string])).get(emma?.Id as string)?.Title,
      20_000,
      'the title written on entry',
    );
    expect(title).toBe('Engineering Manager');
    expect(await provenanceOf(emma?.Id as string, 'Title')).toMatchObject({ provider: 'apollo', cost: 1 });
  });

  it('counts the entries of one plan and UTC day in one run record, and a new day in a new one', async () => {
    const day1 = await waitFor(
      async () => (await runsOf(onEntry)).find((r) => r.Processed__c === 1 && r.Status__c === 'Succeeded'),
      15_000,
      'the entry run of the day',
    );
    expect(day1).toMatchObject({ Total__c: 1, Succeeded__c: 1, Failed__c: 0, Audience__c: audienceId });
    expect(JSON.parse(day1.Credits_By_Provider__c ?? '{}')).toEqual({ apollo: 1 });
    expect(day1.Status_Message__c).toContain('On entry 2026-12-02 (UTC), Titles on entry: 1 processed');

    // A second entry the same day: the same record, counted again.
    await h.createRecords('Lead', [{ FirstName: 'Noah', LastName: 'Petit', Company: 'Globex', LeadSource: 'Web' }]);
    await waitFor(
      async () => (await runsOf(onEntry)).find((r) => r.Id === day1.Id && r.Processed__c === 2),
      20_000,
      'the second entry counted in the same run',
    );
    expect(await runsOf(onEntry)).toHaveLength(1);

    // The next UTC day starts a run of its own.
    clock = new Date('2026-12-03T09:00:00Z');
    await h.createRecords('Lead', [{ FirstName: 'Jade', LastName: 'Roux', Company: 'Globex', LeadSource: 'Web' }]);
    const day2 = await waitFor(
      async () => (await runsOf(onEntry)).find((r) => r.Id !== day1.Id && r.Processed__c === 1),
      20_000,
      'the entry run of the next day',
    );
    expect(day2.Status_Message__c).toContain('On entry 2026-12-03 (UTC)');
    expect(await runsOf(onEntry)).toHaveLength(2);
  });
});

// Last: it adds a lead, which the counts of the tests above do not expect.
describe('enrichment beside the intake', { timeout: 45_000 }, () => {
  it('waits for a record an intake batch holds, then writes its bought values', async () => {
    // The same person as above in a second lead: the fake directory knows three people (a cache hit is fine here).
    const [noah] = await h.createRecords('Lead', [
      { FirstName: 'Emma', LastName: 'Dubois', Company: 'Globex', Website: 'https://globex.com', LeadSource: 'Web' },
    ]);
    await h.settle();
    // Another process's intake batch is processing Noah (a claim of a live owner in the shared intake).
    const buffer = h.loop.intakeBuffer;
    const held = [{ object: 'Lead' as const, recordId: noah as string }];
    await buffer.heartbeat('other-process');
    expect(await buffer.claimRecords('other-process', held)).toEqual(held);
    // The enrichment's attempts to take Noah for its write, counted as they come back without him: the proof that
    // it reached the write and was kept waiting (rather than a sleep that hopes it got there).
    let turnedAway = 0;
    const claimRecords = buffer.claimRecords.bind(buffer);
    buffer.claimRecords = async (owner, entries) => {
      const got = await claimRecords(owner, entries);
      if (
        owner !== 'other-process' &&
        entries.some((e) => e.recordId === noah) &&
        !got.some((e) => e.recordId === noah)
      ) {
        turnedAway += 1;
      }
      return got;
    };
    try {
      await command('ENRICH_RECORD', { Record_Id__c: noah });
      await waitFor(() => turnedAway >= 2, 30_000, 'the enrichment to be turned away from the held record twice');
      expect((await h.byId('Lead', ['Email'], [noah as string])).get(noah as string)?.Email ?? null).toBeNull();
    } finally {
      buffer.claimRecords = claimRecords;
    }
    await buffer.complete('other-process', held);
    const email = await waitFor(
      async () => (await h.byId('Lead', ['Email'], [noah as string])).get(noah as string)?.Email,
      15_000,
      'the email once the other processing let go',
    );
    expect(email).toBe('emma.dubois@globex.com');
    await buffer.retire('other-process');
  });
});
