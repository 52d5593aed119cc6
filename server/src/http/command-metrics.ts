import { Gauge, type Registry } from 'prom-client';
import type { CommandRefusals } from '../commands/command-refusals';

/** `audience_loop_commands_refused{reason}`: commands the server refused (read from the running loop on scrape). */
export function registerCommandMetrics(registry: Registry, refusals: () => CommandRefusals | undefined): void {
  new Gauge({
    name: 'audience_loop_commands_refused',
    help: 'Commands refused since the start, by reason (e.g. record_request_limit).',
    labelNames: ['reason'] as const,
    registers: [registry],
    collect() {
      for (const [reason, n] of refusals()?.byReason() ?? []) this.set({ reason }, n);
    },
  });
}
