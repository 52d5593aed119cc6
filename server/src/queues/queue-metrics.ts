import type { Queue } from 'bullmq';
import { Gauge, type Registry } from 'prom-client';

type Counter = (queue: Queue) => Promise<number>;

const GAUGES: ReadonlyArray<{ name: string; help: string; count: Counter }> = [
  {
    name: 'queue_waiting_jobs',
    help: 'Jobs waiting to be processed (incl. paused).',
    count: (q) => q.getWaitingCount(),
  },
  { name: 'queue_delayed_jobs', help: 'Jobs delayed (debounce window, backoff).', count: (q) => q.getDelayedCount() },
  { name: 'queue_active_jobs', help: 'Jobs being processed now.', count: (q) => q.getActiveCount() },
  { name: 'queue_failed_jobs', help: 'Jobs kept in the failed set.', count: (q) => q.getFailedCount() },
];

/**
 * Registers one gauge per job state, labelled by queue, on `registry`. Counts are read from Redis when /metrics is
 * scraped (no timers); a queue that cannot be read is skipped for that scrape rather than failing the whole page.
 */
export function registerQueueMetrics(
  registry: Registry,
  queues: () => Queue[],
  options: { prefix?: string } = {},
): Gauge<'queue'>[] {
  const prefix = options.prefix ?? 'audience_loop_';
  return GAUGES.map(
    ({ name, help, count }) =>
      new Gauge({
        name: `${prefix}${name}`,
        help,
        labelNames: ['queue'] as const,
        registers: [registry],
        async collect() {
          this.reset();
          const results = await Promise.allSettled(
            queues().map(async (queue) => [queue.name, await count(queue)] as const),
          );
          for (const result of results) {
            if (result.status === 'fulfilled') this.set({ queue: result.value[0] }, result.value[1]);
          }
        },
      }),
  );
}
