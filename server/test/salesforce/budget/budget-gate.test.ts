import { Writable } from 'node:stream';
import type { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/lib/logger';
import { QUEUE_NAMES } from '../../../src/queues/queue-names';
import { ApiBudgetGovernor } from '../../../src/salesforce/budget/api-budget-governor';
import { createBudgetGate } from '../../../src/salesforce/budget/budget-gate';
import { createQueueTestKit, eventually, type QueueTestKit } from '../../queues/queue-test-kit';

const lines: string[] = [];
const logger = createLogger(
  { level: 'info' },
  new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  }),
);

let kit: QueueTestKit;
let queues: Queue[];

beforeAll(async () => {
  kit = await createQueueTestKit('budget-gate');
  queues = QUEUE_NAMES.map((name) => kit.factory.queue(name));
});

afterAll(async () => {
  await kit.cleanup();
});

async function pausedQueues(): Promise<string[]> {
  const flags = await Promise.all(queues.map(async (queue) => [queue.name, await queue.isPaused()] as const));
  return flags.filter(([, paused]) => paused).map(([name]) => name);
}

describe('budget gate', () => {
  it('pauses runs+enrich+membership (actions are background work) at the pause threshold, everything but commands at stop, and resumes when usage drops', async () => {
    const governor = new ApiBudgetGovernor({ pauseAt: 0.7, stopAt: 0.9 });
    const gate = createBudgetGate(governor, queues, logger);
    await gate.settled();
    expect(await pausedQueues()).toEqual([]);

    governor.observe('api-usage=7000/10000');
    await gate.settled();
    expect(await pausedQueues()).toEqual(['enrich', 'membership', 'runs']);

    governor.observe('api-usage=9100/10000');
    await gate.settled();
    expect(await pausedQueues()).toEqual(['enrich', 'membership', 'runs']);

    governor.observe('api-usage=100/10000');
    await gate.settled();
    expect(await pausedQueues()).toEqual([]);

    const transitions = lines.filter((line) => line.includes('Salesforce API budget'));
    expect(transitions).toHaveLength(3);
    expect(transitions[0]).toContain('"to":"paused"');
    gate.close();
  });

  it('when a queue is paused, then its worker takes no job until the budget recovers', async () => {
    const governor = new ApiBudgetGovernor();
    const gate = createBudgetGate(governor, queues, logger);
    governor.observe('api-usage=75/100');
    await gate.settled();

    const runs = kit.factory.queue('runs');
    const done: string[] = [];
    kit.factory.worker('runs', async (job) => {
      done.push(job.name);
    });
    await runs.add('bulk-run', {});
    expect(await runs.getWaitingCount()).toBe(1);
    expect(done).toEqual([]);

    governor.observeLimits({ DailyApiRequests: { Max: 100, Remaining: 90 } });
    await gate.settled();
    await eventually(() => done.length === 1, 15_000, 'the job after resume');
    expect(done).toEqual(['bulk-run']);
    gate.close();
  });

  it('when created while the budget is already paused, then it pauses at once', async () => {
    const governor = new ApiBudgetGovernor();
    governor.observe('api-usage=80/100');
    const gate = createBudgetGate(governor, queues, logger);
    await gate.settled();
    expect(await pausedQueues()).toEqual(['enrich', 'membership', 'runs']);
    governor.observe('api-usage=1/100');
    await gate.settled();
    expect(await pausedQueues()).toEqual([]);
    gate.close();
  });
});
