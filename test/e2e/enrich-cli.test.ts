/**
 * `npm run enrich` and the service build the same graph (the composition root), so an enrichment run started from
 * the command line hands the audience entries it causes to the `membership` queue exactly as a RUN_ENRICHMENT
 * command handled by the service does. Two identical orgs (two emulators, two Redis prefixes): the service runs the
 * plan in one, the CLI — a real child process, with the service stopped — in the other; the queued membership
 * events must be the same. Before the composition root the CLI passed `onMembership: async () => {}` and queued none.
 */
import { spawn } from 'node:child_process';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProviderFakes, type ProviderFakes } from '../emulators/providers/index';
import { API_VERSION, LoopHarness, REDIS_URL, waitFor, type LoopSpec } from './support/loop-harness';

type Row = Record<string, unknown> & { Id: string };

interface QueuedEvent {
  name: string;
  kind: string;
  audience: string;
  person: string;
}

const SPEC: LoopSpec = {
  start: false,
  sources: [{ Object__c: 'Lead', Inclusion_Filter__c: null }],
  fieldMaps: [
    { Object__c: 'Lead', Field__c: 'Email', Attribute__c: 'person.work_email', Write_Rule__c: 'Fill_Blank' },
    { Object__c: 'Lead', Field__c: 'LastName', Write_Rule__c: 'Never', Import__c: true },
    { Object__c: 'Lead', Field__c: 'LeadSource', Write_Rule__c: 'Never', Import__c: true },
  ],
  audiences: [
    // The plan runs over this one; no action on it, so its entries at import are not queued.
    {
      Name: 'Web leads',
      Object__c: 'Lead',
      Filter__c: JSON.stringify({ field: 'LeadSource', op: 'eq', value: 'Web' }),
    },
    // Entered when the run finds an email: an action on it, so its entries are queued.
    { Name: 'Reachable leads', Object__c: 'Lead', Filter__c: JSON.stringify({ field: 'Email', op: 'is_not_blank' }) },
  ],
  records: {
    Lead: [
      { FirstName: 'Olivia', LastName: 'Martin', Company: 'Acme Inc', Website: 'https://acme.com', LeadSource: 'Web' },
      { FirstName: 'Lucas', LastName: 'Bernard', Company: 'Acme Inc', Website: 'https://acme.com', LeadSource: 'Web' },
      // No website: whatever the providers make of her, the service and the CLI must agree.
      { FirstName: 'Nora', LastName: 'Quinn', Company: 'Unknown Co', LeadSource: 'Web' },
    ],
  },
};

let fakes: ProviderFakes;
let service: LoopHarness;
let cli: LoopHarness;

function providerEnvironment(): Record<string, string> {
  return {
    HUNTER_API_KEY: fakes.keys.hunter,
    HUNTER_BASE_URL: fakes.hunterBaseUrl,
    PDL_API_KEY: fakes.keys.pdl,
    PDL_BASE_URL: fakes.pdlBaseUrl,
    APOLLO_API_KEY: fakes.keys.apollo,
    APOLLO_BASE_URL: fakes.apolloBaseUrl,
  };
}

/** One org: the config above, a plan over the audience and an active action on it (so entries are queued). */
async function prepare(h: LoopHarness): Promise<string> {
  const [webLeads, reachable] = h.ids.audiences as [string, string];
  await h.createRecords('Audience_Action__c', [
    {
      Name: 'Welcome task',
      Audience__c: reachable,
      Type__c: 'Task',
      Settings__c: '{"steps":[{"dayOffset":0,"subject":"Welcome {LastName}"}]}',
      Active__c: true,
    },
  ]);
  const [plan] = await h.createRecords('Audience_Enrichment__c', [
    {
      Name: 'Work emails',
      Object__c: 'Lead',
      Audience__c: webLeads,
      Attributes__c: 'person.work_email',
      Providers__c: 'pdl,hunter,apollo',
      Active__c: true,
    },
  ]);
  return plan as string;
}

/** The membership jobs queued under a harness's prefix, with ids replaced by names so two orgs compare. */
async function queuedEvents(h: LoopHarness): Promise<QueuedEvent[]> {
  const queue = new Queue('membership', { connection: h.redis, prefix: h.prefix });
  try {
    const jobs = await queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed', 'prioritized']);
    const leads = await h.byId<Row & { LastName: string }>('Lead', ['LastName'], h.records.Lead ?? []);
    const audiences = await h.byId<Row & { Name: string }>('Audience__c', ['Name'], h.ids.audiences);
    return jobs
      .map((job) => ({
        name: job.name,
        kind: job.data.kind as string,
        audience: audiences.get(job.data.audienceId as string)?.Name ?? `unknown ${String(job.data.audienceId)}`,
        person: leads.get(job.data.recordId as string)?.LastName ?? `unknown ${String(job.data.recordId)}`,
      }))
      .sort((a, b) => a.person.localeCompare(b.person));
  } finally {
    await queue.close();
  }
}

async function runsOf(h: LoopHarness, planId: string): Promise<Row[]> {
  return h.query(`SELECT Id, Status__c, Succeeded__c FROM Audience_Run__c WHERE Audience_Enrichment__c = '${planId}'`);
}

/** Runs `npm run enrich -- --plan <id>` as a child process against the harness's org and Redis prefix. */
function runEnrichCli(h: LoopHarness, planId: string): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/enrich.ts', '--plan', planId], {
    cwd: process.cwd(),
    env: {
      PATH: process.env.PATH ?? '',
      LOG_LEVEL: 'warn',
      REDIS_URL,
      REDIS_PREFIX: h.prefix,
      SALESFORCE_LOGIN_URL: h.emulator.loginUrl,
      SALESFORCE_CLIENT_ID: h.emulator.clientId,
      SALESFORCE_CLIENT_SECRET: h.emulator.clientSecret,
      SALESFORCE_API_VERSION: API_VERSION,
      ...providerEnvironment(),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

beforeAll(async () => {
  fakes = await startProviderFakes();
  service = await LoopHarness.create(SPEC);
  cli = await LoopHarness.create(SPEC);
}, 90_000);

afterAll(async () => {
  await service?.stop();
  await cli?.stop();
  await fakes?.stop();
});

describe('npm run enrich', { timeout: 120_000 }, () => {
  it('queues the same membership events as the service running the same plan', async () => {
    // The service: RUN_ENRICHMENT handled by the running loop.
    const servicePlan = await prepare(service);
    await service.startRuntime({ enrichment: { environment: providerEnvironment() } });
    await waitFor(() => service.loop.enrichment.findPlan(servicePlan), 20_000, 'the plan to be loaded');
    await service.loop.handleCommand({
      command: 'RUN_ENRICHMENT',
      targetId: servicePlan,
      source: 'Audience_Command__e',
      requestedBy: service.userIds.admin,
    });
    const serviceRun = await waitFor(
      async () => (await runsOf(service, servicePlan)).find((r) => r.Status__c === 'Succeeded'),
      60_000,
      'the service run to succeed',
    );
    // Entries are queued as the run's writes are planned; the run record is written after its last page.
    await waitFor(async () => (await queuedEvents(service)).length >= 2, 30_000, 'two entries queued by the service');
    await service.loop.drain();

    // The CLI: the loop imports the org once, then stops; the command line runs the plan on its own.
    const cliPlan = await prepare(cli);
    await cli.startRuntime();
    await cli.stopRuntime();
    const { code, output } = await runEnrichCli(cli, cliPlan);
    expect(code, output).toBe(0);
    const [cliRun] = await runsOf(cli, cliPlan);
    expect(cliRun).toMatchObject({ Status__c: 'Succeeded', Succeeded__c: serviceRun.Succeeded__c });

    const fromService = await queuedEvents(service);
    const fromCli = await queuedEvents(cli);
    expect(fromService.map((e) => e.person)).toEqual(expect.arrayContaining(['Bernard', 'Martin']));
    expect(fromService.every((e) => e.kind === 'entry' && e.audience === 'Reachable leads')).toBe(true);
    expect(fromCli).toEqual(fromService);
  });
});
