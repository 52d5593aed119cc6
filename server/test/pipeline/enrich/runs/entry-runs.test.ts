/**
 * On-entry run records over the Salesforce emulator and a real Redis: two processes share one Audience_Run__c per
 * plan and UTC day, writes are coalesced (the last state always lands), and the credits are the day's ledger run's.
 */
import type { Redis } from 'ioredis';
import { Connection } from 'jsforce';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { EnrichmentPlan } from '../../../../src/config/enrichment-plan';
import { OrgClient } from '../../../../src/salesforce/org-client';
import { createLogger } from '../../../../src/lib/logger';
import { EntryRuns } from '../../../../src/pipeline/enrich/runs/entry-runs';
import { RunKeys } from '../../../../src/pipeline/enrich/runs/run-keys';
import {
  createWaterfallServices,
  type WaterfallServices,
} from '../../../../src/pipeline/enrich/runs/waterfall-services';
import { startSalesforceEmulator, type RunningEmulator } from '../../../../../test/emulators/salesforce/index';
import { openTestRedis } from '../waterfall/waterfall-test-kit';

interface RunRow {
  Id: string;
  Status__c: string;
  Status_Message__c: string;
  Total__c: number;
  Processed__c: number;
  Succeeded__c: number;
  Skipped__c: number;
  Credits_Used__c: number;
  Credits_By_Provider__c: string;
  Skips_By_Reason__c: string;
  Audience_Enrichment__c: string;
}

let emulator: RunningEmulator;
let conn: Connection;
let redis: Redis;
let prefix: string;
let cleanup: () => Promise<void>;
let plan: EnrichmentPlan;
let clock = new Date('2026-11-28T10:00:00Z');

/** One server process: its own EntryRuns over the shared org and Redis. */
function serverProcess(intervalMs = 60_000): { entries: EntryRuns; services: WaterfallServices } {
  const services = createWaterfallServices(redis, prefix, () => clock);
  const entries = new EntryRuns({
    org: new OrgClient(conn),
    redis,
    logger: createLogger({ level: 'silent' }),
    progress: services.progress,
    keys: new RunKeys(prefix),
    now: () => clock,
    intervalMs,
  });
  return { entries, services };
}

async function runsOfPlan(): Promise<RunRow[]> {
  const result = await conn.query<RunRow>(
    'SELECT Id, Status__c, Status_Message__c, Total__c, Processed__c, Succeeded__c, Skipped__c, Credits_Used__c, ' +
      `Credits_By_Provider__c, Skips_By_Reason__c, Audience_Enrichment__c FROM Audience_Run__c ` +
      `WHERE Audience_Enrichment__c = '${plan.id}'`,
  );
  return result.records;
}

async function until<T>(read: () => Promise<T | undefined>, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Polls a condition (a safety-net timeout only: nothing here is timed). */
async function waitFor(check: () => boolean, what: string): Promise<void> {
  await until(async () => (check() ? true : undefined), what);
}

beforeAll(async () => {
  ({ redis, prefix, cleanup } = await openTestRedis('entry-runs'));
  emulator = await startSalesforceEmulator({ port: 0, seed: 'none' });
  conn = new Connection({ instanceUrl: emulator.instanceUrl, accessToken: emulator.accessToken, version: '62.0' });
  const created = await conn.sobject('Audience_Enrichment__c').create({ Name: 'Titles on entry', Object__c: 'Lead' });
  if (!created.success) throw new Error('could not create the plan');
  plan = {
    id: created.id,
    name: 'Titles on entry',
    object: 'Lead',
    attributes: ['person.title'],
    providers: ['pdl'],
    timeZone: 'UTC',
    runOnEntry: true,
  };
});

afterAll(async () => {
  await emulator?.stop();
  await cleanup();
});

describe('EntryRuns', () => {
  it('when two processes see entries of the same plan and day, then they share one run record', async () => {
    const a = serverProcess();
    const b = serverProcess();
    const runs = await Promise.all([
      a.entries.runFor(plan, clock),
      b.entries.runFor(plan, clock),
      a.entries.runFor(plan, clock),
    ]);
    expect(new Set(runs.map((run) => run.record.id)).size).toBe(1);
    expect(runs[0]?.creditRun).toBe(`entry-${plan.id}-2026-11-28`);
    const rows = await runsOfPlan();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ Status__c: 'Running', Processed__c: 0 });
  });

  it('when entries are counted, then writes are coalesced per interval and flush writes the last state', async () => {
    const a = serverProcess();
    const snapshots = vi.spyOn(a.services.progress, 'snapshot');
    const run = await a.entries.runFor(plan, clock);
    const id = run.record.id;
    let summariesDone = 0;
    const summary = run.record.summary.bind(run.record);
    run.record.summary = async (...args) => {
      try {
        return await summary(...args);
      } finally {
        summariesDone += 1;
      }
    };
    await a.services.progress.count(id, { counted: true, outcome: 'succeeded' });
    const reserved = await a.services.credits.reserve(plan.id, run.creditRun, 'pdl', 1);
    if (!reserved.ok) throw new Error('reservation refused');
    await a.services.credits.settle(reserved.reservation, 1);
    a.entries.changed(run);
    const first = await until(async () => (await runsOfPlan()).find((r) => r.Processed__c === 1), 'the first write');
    expect(first).toMatchObject({ Status__c: 'Succeeded', Total__c: 1, Credits_Used__c: 1 });
    expect(JSON.parse(first.Credits_By_Provider__c)).toEqual({ pdl: 1 });

    // A write starts by reading the run's progress: counted here, it shows whether another write started.
    const writesStarted = () => snapshots.mock.calls.filter(([runId]) => runId === id).length;
    // The first write has returned (and a macrotask later its bookkeeping is done): the next one is scheduled anew.
    await waitFor(() => summariesDone >= 1, 'the first write to return');
    await new Promise((resolve) => setImmediate(resolve));
    const startedBefore = writesStarted();
    await a.services.progress.count(id, { counted: true, outcome: 'succeeded' });
    a.entries.changed(run);
    await a.services.progress.count(id, { counted: true, outcome: 'skipped', reason: 'run_ceiling' });
    a.entries.changed(run);
    // Within the interval: the next write waits on a timer of the interval's length, and has not started. A write
    // scheduled sooner (at once or on the next tick) would have started before a timer set after it fires.
    await new Promise((resolve) => setTimeout(resolve, 1));
    expect(writesStarted()).toBe(startedBefore);
    expect((await runsOfPlan())[0]?.Processed__c).toBe(1);

    await a.entries.flush();
    const [last] = await runsOfPlan();
    expect(last).toMatchObject({ Processed__c: 3, Succeeded__c: 2, Skipped__c: 1, Status__c: 'Partially_Succeeded' });
    expect(JSON.parse(last?.Skips_By_Reason__c ?? '{}')).toEqual({ run_ceiling: 1 });
    expect(last?.Status_Message__c).toBe(
      'On entry 2026-11-28 (UTC), Titles on entry: 3 processed, 2 succeeded, 0 failed, 1 skipped; 1 credits; ' +
        'stopped 1 by Max Credits Per Run',
    );
  });

  it('when the UTC day changes, then entries go to a new run record', async () => {
    const a = serverProcess(0);
    const before = await a.entries.runFor(plan, clock);
    clock = new Date('2026-11-29T00:00:01Z');
    const next = await a.entries.runFor(plan, clock);
    expect(next.record.id).not.toBe(before.record.id);
    expect(next.creditRun).toBe(`entry-${plan.id}-2026-11-29`);
    expect(await runsOfPlan()).toHaveLength(2);
  });
});
