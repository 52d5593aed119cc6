import { Counter, Gauge, type Registry } from 'prom-client';
import type { LoopStats } from '../pipeline/loop-stats';

const EVENT_COUNTERS: ReadonlyArray<[keyof LoopStats, string, string]> = [
  ['deadLettered', 'audience_loop_dead_lettered_events_total', 'Change events recorded as dead letters.'],
  ['malformedEvents', 'audience_loop_malformed_change_events_total', 'Change events without the documented shape.'],
  ['unfollowedEvents', 'audience_loop_unfollowed_change_events_total', 'Change events for objects no source follows.'],
];

/**
 * The change stream's troubles in /metrics: counters of dead-lettered, malformed and unfollowed events (this
 * process's totals) and a gauge of the dead letters waiting in Redis now (read when scraped).
 */
export function registerStreamMetrics(
  registry: Registry,
  sources: { stats: () => LoopStats | undefined; deadLetters: () => Promise<number> | undefined },
): void {
  for (const [key, name, help] of EVENT_COUNTERS) {
    new Counter({
      name,
      help,
      registers: [registry],
      collect() {
        const value = sources.stats()?.[key];
        if (typeof value !== 'number') return;
        this.reset();
        this.inc(value);
      },
    });
  }
  new Gauge({
    name: 'audience_loop_dead_letters',
    help: 'Change events waiting as dead letters (retry or clear them at /admin/dead-letters).',
    registers: [registry],
    async collect() {
      // Redis not answering leaves the gauge as it was; /readyz reports Redis itself.
      const count = await sources.deadLetters()?.catch(() => undefined);
      if (count !== undefined) this.set(count);
    },
  });
}
