import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignalJobRouter } from '../../src/signals/signal-jobs';
import { createQueueTestKit, eventually, silentLogger, type QueueTestKit } from '../queues/queue-test-kit';

let kit: QueueTestKit;
let router: SignalJobRouter;
const seen: string[] = [];

beforeAll(async () => {
  kit = await createQueueTestKit('signal-jobs');
  router = new SignalJobRouter({ queues: kit.factory, logger: silentLogger });
  router.handle('detect', async (job) => {
    seen.push(`detect:${String((job.data as { ruleId: string }).ruleId)}`);
    return { checked: 1 };
  });
  router.start();
});

afterAll(async () => {
  await router.stop();
  await kit.cleanup();
});

describe('the signals queue has one worker that routes by job name', () => {
  it('when a registered job arrives, then its handler runs it', async () => {
    const job = await kit.factory.queue('signals').add('detect', { ruleId: 'a0R1' });
    const state = await eventually(async () => ((await job.getState()) === 'completed' ? 'completed' : undefined));
    expect(state).toBe('completed');
    expect(seen).toEqual(['detect:a0R1']);
  });

  it('when nobody handles notify (Slack off), then the job completes without work', async () => {
    const job = await kit.factory.queue('signals').add('notify', { signalId: 'x' });
    await eventually(async () => (await job.getState()) === 'completed');
  });

  it('when a job name has no handler, then it fails at once with a coded reason, no retries', async () => {
    const queue = kit.factory.queue('signals');
    const job = await queue.add('mystery', {}, { attempts: 3 });
    await eventually(async () => (await job.getState()) === 'failed');
    const failed = await queue.getJob(job.id!);
    expect(failed?.failedReason).toMatch(/SIGNAL_JOB_UNKNOWN/);
    expect(failed?.attemptsMade).toBe(1);
  });

  it('a job name is handled by one part only', () => {
    expect(() => router.handle('detect', async () => undefined)).toThrow(/already has a handler/);
  });
});
