import { Counter, Gauge, type Registry } from 'prom-client';
import { CIRCUIT_STATE_VALUE } from '../pipeline/enrich/waterfall/circuit-metrics';
import type { ActionCircuitSource } from './action-target-readiness';

/**
 * `audience_loop_action_circuit_state{target}` (0 closed, 1 half-open, 2 open; read from Redis when scraped) and
 * `audience_loop_action_deferred_total{target}` (applications this process deferred while a circuit was open).
 */
export function registerActionTargetMetrics(registry: Registry, circuits: () => ActionCircuitSource | undefined): void {
  new Gauge({
    name: 'audience_loop_action_circuit_state',
    help: 'Action target circuit: 0 closed, 1 half-open, 2 open.',
    labelNames: ['target'] as const,
    registers: [registry],
    async collect() {
      this.reset();
      // Redis not answering reports nothing rather than failing the page; /readyz reports Redis itself.
      const states = await circuits()
        ?.states()
        .catch(() => undefined);
      for (const status of states ?? []) this.set({ target: status.provider }, CIRCUIT_STATE_VALUE[status.state]);
    },
  });
  new Counter({
    name: 'audience_loop_action_deferred_total',
    help: 'Action applications deferred without calling their target because its circuit was open.',
    labelNames: ['target'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const [target, count] of circuits()?.deferred() ?? []) this.inc({ target }, count);
    },
  });
}
