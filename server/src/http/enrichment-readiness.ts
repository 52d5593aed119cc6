import type { CircuitState, CircuitStatus, CircuitTrip } from '../pipeline/enrich/waterfall/circuit-breaker';
import type { ReadinessCheck, ReadinessResult } from './readiness';

/** What /readyz needs of the paid providers' circuits (`EnrichmentRunner.circuits`). */
export interface CircuitSource {
  states(): Promise<CircuitStatus[]>;
}

/** One provider as /readyz shows it: `degraded` while its circuit is not closed. */
export interface ProviderHealth {
  status: 'ok' | 'degraded';
  state: CircuitState;
  failures: number;
  trip?: CircuitTrip;
  reason?: string;
  until?: string;
}

export type EnrichmentReadiness = ReadinessResult & { providers: Record<string, ProviderHealth> };

const label = (circuit: CircuitStatus): string =>
  `${circuit.provider} ${circuit.state}${circuit.trip ? ` (${circuit.trip})` : ''}`;

/**
 * The `enrichment` check of /readyz. Every provider's circuit is in the body; an open or half-open one shows as
 * degraded but leaves the service ready, because the loop (import, offline values, write-back, audiences) and the
 * other providers still work. Only when every configured paid provider is open — no paid enrichment can happen at
 * all, for any process, since circuits are shared in Redis — is the check not ok, as the API budget's "stopped" is.
 * A half-open circuit lets a probe through, so it does not count as open.
 */
export function circuitReadiness(states: readonly CircuitStatus[]): EnrichmentReadiness {
  const providers: Record<string, ProviderHealth> = {};
  for (const { provider, ...circuit } of states) {
    providers[provider] = { status: circuit.state === 'closed' ? 'ok' : 'degraded', ...circuit };
  }
  if (states.length === 0) return { ok: true, detail: 'no paid enrichment provider configured', providers };
  const degraded = states.filter((circuit) => circuit.state !== 'closed');
  if (degraded.length === 0) return { ok: true, detail: 'every provider circuit is closed', providers };
  const allOpen = states.every((circuit) => circuit.state === 'open');
  const list = degraded.map(label).join(', ');
  return allOpen
    ? { ok: false, detail: `every paid provider circuit is open: ${list}`, providers }
    : { ok: true, detail: `degraded: ${list}`, providers };
}

/** The check main.ts registers; `circuits()` is undefined until the loop has started. */
export function enrichmentReadinessCheck(circuits: () => CircuitSource | undefined): ReadinessCheck {
  return {
    name: 'enrichment',
    check: async () => {
      const source = circuits();
      if (!source) return { ok: true, detail: 'not started yet' };
      return circuitReadiness(await source.states());
    },
  };
}
