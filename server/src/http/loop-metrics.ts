import { Gauge, type Registry } from 'prom-client';
import { registerCircuitStateGauge } from '../pipeline/enrich/waterfall/circuit-metrics';
import type { LoopStats } from '../pipeline/loop-stats';
import type { CircuitSource } from './enrichment-readiness';

const COUNTS: ReadonlyArray<[keyof LoopStats, string]> = [
  ['imported', 'Records read into the mirror by imports.'],
  ['processed', 'Records run through enrichment, write planning and audiences.'],
  ['recordsWritten', 'Records Salesforce confirmed a write for.'],
  ['fieldsWritten', 'Field values written to Salesforce.'],
  ['writeFailures', 'Record writes Salesforce refused for good.'],
  ['changeEvents', 'Change events received.'],
  ['echoesDropped', 'Change events recognised as the echo of our own writes.'],
  ['staleChanges', "Changes older than the mirror's copy of their record (a re-read already held them): not applied."],
  ['entries', 'Audience entries.'],
  ['exits', 'Audience exits.'],
];

/** Loop totals as gauges, read from the running loop when /metrics is scraped. */
export function registerLoopMetrics(registry: Registry, stats: () => LoopStats | undefined): void {
  for (const [key, help] of COUNTS) {
    new Gauge({
      name: `audience_loop_${key.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`,
      help,
      registers: [registry],
      collect() {
        const value = stats()?.[key];
        if (typeof value === 'number') this.set(value);
      },
    });
  }
  new Gauge({
    name: 'audience_loop_skips',
    help: 'Planned field writes skipped, by reason.',
    labelNames: ['reason'] as const,
    registers: [registry],
    collect() {
      for (const [reason, n] of Object.entries(stats()?.skipsByReason ?? {})) this.set({ reason }, n);
    },
  });
}

/**
 * `audience_loop_enrichment_circuit_state{provider}` (0 closed, 1 half-open, 2 open) for every configured paid
 * provider, read from Redis when /metrics is scraped; nothing before the loop has started.
 */
export function registerEnrichmentMetrics(registry: Registry, circuits: () => CircuitSource | undefined): void {
  registerCircuitStateGauge(registry, () => circuits()?.states());
}
