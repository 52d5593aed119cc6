import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerQueueMetrics } from '../../src/queues/queue-metrics';
import { createQueueTestKit, eventually, type QueueTestKit } from './queue-test-kit';

let kit: QueueTestKit;

beforeAll(async () => {
  kit = await createQueueTestKit('metrics');
});

afterAll(async () => {
  await kit.cleanup();
});

describe('queue metrics', () => {
  it('when /metrics is scraped, then waiting, delayed, active and failed counts per queue are read from Redis', async () => {
    const registry = new Registry();
    registerQueueMetrics(registry, () => kit.factory.queues());
    const enrich = kit.factory.queue('enrich');
    const runs = kit.factory.queue('runs');
    await enrich.add('a', {});
    await enrich.add('b', {});
    await enrich.add('c', {}, { delay: 60_000 });
    await runs.add('bad', {}, { attempts: 1 });
    kit.factory.worker('runs', async () => {
      throw new Error('nope');
    });
    await eventually(async () => (await runs.getFailedCount()) === 1);

    const text = await registry.metrics();
    expect(text).toContain('audience_loop_queue_waiting_jobs{queue="enrich"} 2');
    expect(text).toContain('audience_loop_queue_delayed_jobs{queue="enrich"} 1');
    expect(text).toContain('audience_loop_queue_failed_jobs{queue="runs"} 1');
    expect(text).toContain('audience_loop_queue_active_jobs{queue="runs"} 0');
  });
});
