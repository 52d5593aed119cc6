import { Gauge, type Registry } from 'prom-client';
import type { CircuitState, CircuitStatus } from './circuit-breaker';

export const CIRCUIT_STATE_VALUE: { readonly [K in CircuitState]: number } = { closed: 0, half_open: 1, open: 2 };

/**
 * `<prefix>enrichment_circuit_state{provider}`: 0 closed, 1 half-open, 2 open, read when /metrics is scraped.
 * `read` may answer undefined (nothing to report yet, e.g. the loop is still starting). A scrape that cannot read
 * Redis reports nothing rather than failing the whole page: /readyz reports Redis itself.
 */
export function registerCircuitStateGauge(
  registry: Registry,
  read: () => Promise<readonly CircuitStatus<string>[]> | undefined,
  options: { prefix?: string } = {},
): Gauge<'provider'> {
  return new Gauge({
    name: `${options.prefix ?? 'audience_loop_'}enrichment_circuit_state`,
    help: 'Enrichment provider circuit: 0 closed, 1 half-open, 2 open.',
    labelNames: ['provider'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      try {
        for (const status of (await read()) ?? []) {
          this.set({ provider: status.provider }, CIRCUIT_STATE_VALUE[status.state]);
        }
      } catch {
        // See above.
      }
    },
  });
}
