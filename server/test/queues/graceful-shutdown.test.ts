import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGracefulShutdown } from '../../src/queues/graceful-shutdown';
import { createQueueTestKit, eventually, gate, silentLogger, type QueueTestKit } from './queue-test-kit';

let kit: QueueTestKit;

beforeAll(async () => {
  kit = await createQueueTestKit('shutdown');
});

afterAll(async () => {
  // The shutdown under test closes the factory's queues; each test obliterates its queue through a fresh reader.
  await kit.connection.quit().catch(() => undefined);
});

describe('graceful shutdown', () => {
  it('when shutdown starts during an active job, then it waits for that job, then closes queues and connections', async () => {
    const queue = kit.factory.queue<{ n: number }>('runs');
    const hold = gate();
    const finished: number[] = [];
    let started = false;
    kit.factory.worker<{ n: number }>('runs', async (job) => {
      started = true;
      await hold.promise;
      finished.push(job.data.n);
      return 'done';
    });
    const job = await queue.add('long', { n: 1 });
    await eventually(() => started, 15_000, 'job to start');

    const shutdown = createGracefulShutdown({ resources: kit.factory, logger: silentLogger, deadlineMs: 60_000 });
    let resolved = false;
    const first = shutdown.shutdown('test').then(() => {
      resolved = true;
    });
    // Idempotent: a second call (e.g. SIGTERM after SIGINT) joins the first.
    const second = shutdown.shutdown('again');

    await eventually(() => kit.factory.workers()[0]?.closing !== undefined, 15_000, 'worker closing');
    expect(resolved).toBe(false);
    expect(finished).toEqual([]);

    hold.open();
    await Promise.all([first, second]);
    expect(finished).toEqual([1]);

    // The job completed for real, and everything the factory opened is closed.
    await eventually(() => kit.factory.connections().every((connection) => connection.status === 'end'));
    const { Queue } = await import('bullmq');
    const reader = new Queue('runs', { connection: kit.connection, prefix: kit.prefix });
    expect(await reader.getJobState(job.id ?? '')).toBe('completed');
    await reader.obliterate({ force: true });
    await reader.close();
  });

  it('when an active job outlives the deadline, then they are abandoned and shutdown still completes', async () => {
    const other = await createQueueTestKit('shutdown-deadline');
    const queue = other.factory.queue('enrich');
    const hold = gate();
    let started = false;
    other.factory.worker('enrich', async () => {
      started = true;
      await hold.promise;
    });
    await queue.add('stuck', {});
    await eventually(() => started, 15_000, 'job to start');
    const shutdown = createGracefulShutdown({ resources: other.factory, logger: silentLogger, deadlineMs: 200 });
    await shutdown.shutdown('deadline test');
    await eventually(() => other.factory.connections().every((connection) => connection.status === 'end'));
    hold.open();
    const { Queue } = await import('bullmq');
    const reader = new Queue('enrich', { connection: other.connection, prefix: other.prefix });
    await reader.obliterate({ force: true });
    await reader.close();
    await other.connection.quit();
  });
});
