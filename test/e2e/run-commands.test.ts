/**
 * ESTIMATE_RUN and CANCEL_RUN over the emulator, the provider fakes and a real Redis. ESTIMATE_RUN writes the credit
 * estimator's expected credits onto the plan. CANCEL_RUN stops a paused run (status Cancelled, the plan's next run
 * starts afresh instead of resuming), stops a running run at its next page (held at a page by a gate the test
 * controls), and refuses a finished run, leaving it as it was with the refusal in the log.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../server/src/lib/logger';
import { startProviderFakes, type ProviderFakes } from '../emulators/providers/index';
import { LoopHarness, waitFor } from './support/loop-harness';

type Row = Record<string, unknown> & { Id: string };

let h: LoopHarness;
let fakes: ProviderFakes;
let audienceId = '';
const logLines: Record<string, unknown>[] = [];
/** When set, a read of provider inputs waits here once `skip` reads have passed (the run is inside a page). */
let gate: { skip: number; reached: () => void; release: Promise<void> } | undefined;

async function run(id: string): Promise<Row & { Status__c: string; Processed__c: number; Total__c: number }> {
  const [row] = await h.query<Row & { Status__c: string; Processed__c: number; Total__c: number }>(
    `SELECT Id, Status__c, Status_Message__c, Processed__c, Total__c FROM Audience_Run__c WHERE Id = '${id}'`,
  );
  return row!;
}

async function admin(command: string, targetId: string): Promise<void> {
  await h.loop.handleCommand({
    command: command as never,
    targetId,
    source: 'Audience_Command__e',
    requestedBy: h.userIds.admin,
  });
}

async function createPlan(fields: Record<string, unknown>): Promise<string> {
  const [id] = await h.createRecords('Audience_Enrichment__c', [
    { Object__c: 'Lead', Audience__c: audienceId, Active__c: true, Time_Zone__c: 'UTC', ...fields },
  ]);
  await waitFor(() => h.loop.enrichment.findPlan(id as string), 20_000, `plan ${id} to be loaded`);
  return id as string;
}

beforeAll(async () => {
  fakes = await startProviderFakes();
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line));
      done();
    },
  });
  h = await LoopHarness.create({
    start: false,
    logger: createLogger({ level: 'info', name: 'e2e' }, sink),
    sources: [{ Object__c: 'Lead', Inclusion_Filter__c: null }],
    fieldMaps: [{ Object__c: 'Lead', Field__c: 'Title', Attribute__c: 'person.title', Write_Rule__c: 'Fill_Blank' }],
    audiences: [
      {
        Name: 'Web leads',
        Object__c: 'Lead',
        Filter__c: JSON.stringify({ field: 'LeadSource', op: 'eq', value: 'Web' }),
      },
    ],
    records: {
      Lead: ['Martin', 'Bernard', 'Dubois', 'Laurent'].map((LastName, i) => ({
        FirstName: ['Olivia', 'Lucas', 'Emma', 'Hugo'][i],
        LastName,
        Company: 'Acme Inc',
        Website: 'https://acme.com',
        LeadSource: 'Web',
      })),
    },
  });
  audienceId = h.ids.audiences[0] as string;
  await h.startRuntime(
    {
      enrichment: {
        environment: { PDL_API_KEY: fakes.keys.pdl, PDL_BASE_URL: fakes.pdlBaseUrl },
        pageSize: 1,
      },
    },
    (loop) => {
      const org = loop.deps.org;
      const query = org.query.bind(org);
      org.query = (async (soql: string, options?: Parameters<typeof query>[1]) => {
        const held = gate;
        if (held && /FROM Lead WHERE Id IN/i.test(soql) && held.skip-- <= 0) {
          gate = undefined;
          held.reached();
          await held.release;
        }
        return query(soql, options);
      }) as typeof query;
    },
  );
  await waitFor(async () => (await h.activeMembers(audienceId)).size === 4, 20_000, 'four audience members');
}, 90_000);

afterAll(async () => {
  await h?.stop();
  await fakes?.stop();
});

describe('ESTIMATE_RUN and CANCEL_RUN', { timeout: 60_000 }, () => {
  it("ESTIMATE_RUN writes the estimator's expected credits to the plan", async () => {
    const planId = await createPlan({ Name: 'Titles', Attributes__c: 'person.title', Providers__c: 'pdl' });
    await admin('ESTIMATE_RUN', planId);
    const expected = await h.loop.enrichment.estimate(h.loop.enrichment.findPlan(planId)!);
    expect(expected.records).toBe(4);
    expect(expected.expectedCredits).toBeGreaterThan(0);
    const [plan] = await h.query<Row>(
      `SELECT Id, Estimated_Credits__c FROM Audience_Enrichment__c WHERE Id = '${planId}'`,
    );
    expect(plan?.Estimated_Credits__c).toBe(expected.expectedCredits);
  });

  it('cancels a paused run: Cancelled, and the next run starts afresh', async () => {
    const planId = await createPlan({
      Name: 'Titles capped',
      Attributes__c: 'person.title',
      Providers__c: 'pdl',
      Max_Credits_Per_Run__c: 1,
    });
    const paused = await h.loop.enrichment.runPlan(planId);
    expect(paused.status).toBe('Paused');
    const runId = (paused as { runId: string }).runId;
    await admin('CANCEL_RUN', runId);
    expect((await run(runId)).Status__c).toBe('Cancelled');
    const next = await h.loop.enrichment.runPlan(planId);
    expect((next as { runId?: string }).runId).not.toBe(runId);
  });

  it('stops a running run at its next page', async () => {
    const planId = await createPlan({ Name: 'Titles paged', Attributes__c: 'person.title', Providers__c: 'pdl' });
    let release: () => void = () => undefined;
    const reached = new Promise<void>((resolve) => {
      // The estimate reads the inputs first, then page 1: the read of page 2 is held.
      gate = { skip: 2, reached: resolve, release: new Promise<void>((r) => (release = r)) };
    });
    const running = h.loop.enrichment.runPlan(planId);
    await reached;
    const [row] = await h.query<Row>(
      `SELECT Id FROM Audience_Run__c WHERE Audience_Enrichment__c = '${planId}' AND Status__c = 'Running'`,
    );
    await admin('CANCEL_RUN', row!.Id);
    release();
    const outcome = await running;
    expect(outcome.status).toBe('Cancelled');
    const cancelled = await run(row!.Id);
    expect(cancelled.Status__c).toBe('Cancelled');
    // The held page finished; the run stopped before the two others.
    expect(cancelled.Processed__c).toBe(2);
    expect(cancelled.Total__c).toBe(4);
  });

  it('refuses to cancel a finished run and says why', async () => {
    const planId = await createPlan({ Name: 'Titles done', Attributes__c: 'person.title', Providers__c: 'pdl' });
    const done = await h.loop.enrichment.runPlan(planId);
    expect(done.status).toBe('Succeeded');
    const runId = (done as { runId: string }).runId;
    await admin('CANCEL_RUN', runId);
    expect((await run(runId)).Status__c).toBe('Succeeded');
    expect(logLines.some((l) => String(l.msg).startsWith('CANCEL_RUN refused') && l.runId === runId)).toBe(true);
  });
});
