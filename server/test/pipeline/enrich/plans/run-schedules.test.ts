import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EnrichmentPlan } from '../../../../src/config/enrichment-plan';
import { syncRunSchedules } from '../../../../src/pipeline/enrich/plans/run-schedules';
import { openTestRedis } from '../waterfall/waterfall-test-kit';

const plan = (id: string, extra: Partial<EnrichmentPlan> = {}): EnrichmentPlan => ({
  id,
  name: id,
  object: 'Lead',
  audienceId: 'a01000000000001',
  attributes: ['person.work_email'],
  providers: ['hunter'],
  timeZone: 'UTC',
  runOnEntry: false,
  ...extra,
});

let env: Awaited<ReturnType<typeof openTestRedis>>;
let queue: Queue;

beforeAll(async () => {
  env = await openTestRedis('enrich-schedules');
  queue = new Queue('runs', { connection: env.redis, prefix: env.prefix });
});

afterAll(async () => {
  await queue.close();
  await env.cleanup();
});

describe('syncRunSchedules', () => {
  it('keeps one job scheduler per scheduled plan, in the plan time zone, and removes the others', async () => {
    await syncRunSchedules(queue, [
      plan('p1', { schedule: '0 6 * * 1', timeZone: 'Europe/Paris' }),
      plan('p2', { schedule: '30 2 1 * *', timeZone: 'America/New_York' }),
      plan('p3'),
    ]);
    const p1 = await queue.getJobScheduler('p1');
    expect(p1).toMatchObject({ pattern: '0 6 * * 1', tz: 'Europe/Paris' });
    // Next Monday 06:00 in Paris is 05:00 UTC in winter.
    expect(new Date(p1?.next ?? 0).getUTCHours()).toBe(5);
    expect(await queue.getJobScheduler('p2')).toMatchObject({ tz: 'America/New_York' });
    expect(await queue.getJobScheduler('p3')).toBeUndefined();

    await syncRunSchedules(queue, [plan('p2', { schedule: '30 2 1 * *', timeZone: 'America/New_York' })]);
    expect(await queue.getJobScheduler('p1')).toBeUndefined();
    expect(await queue.getJobScheduler('p2')).toBeDefined();
    await syncRunSchedules(queue, []);
    expect(await queue.getJobSchedulersCount()).toBe(0);
  });
});
