import type { CircuitState, CircuitStatus } from '../pipeline/enrich/waterfall/circuit-breaker';
import type { ReadinessCheck, ReadinessResult } from './readiness';

/** What /readyz and /metrics need of the action targets' circuits (`Loop.actionCircuits`). */
export interface ActionCircuitSource {
  states(): Promise<CircuitStatus<string>[]>;
  deferred(): ReadonlyMap<string, number>;
}

/** One action target as /readyz shows it: `degraded` while its circuit is not closed. */
export interface ActionTargetHealth {
  status: 'ok' | 'degraded';
  state: CircuitState;
  failures: number;
  reason?: string;
  until?: string;
}

export type ActionTargetsReadiness = ReadinessResult & { targets: Record<string, ActionTargetHealth> };

/**
 * The `action_targets` check of /readyz: every active action's target circuit in the body. An open (or half-open)
 * circuit makes the service `degraded` — HTTP 200, never 503: its applications wait and the loop goes on.
 */
export function actionTargetsReadiness(states: readonly CircuitStatus<string>[]): ActionTargetsReadiness {
  const targets: Record<string, ActionTargetHealth> = {};
  for (const { provider: target, trip: _trip, ...circuit } of states) {
    targets[target] = { status: circuit.state === 'closed' ? 'ok' : 'degraded', ...circuit };
  }
  if (states.length === 0) return { ok: true, detail: 'no active action', targets };
  const notClosed = states.filter((circuit) => circuit.state !== 'closed');
  if (notClosed.length === 0) return { ok: true, detail: 'every action target circuit is closed', targets };
  const list = notClosed.map((circuit) => `${circuit.provider} ${circuit.state}`).join(', ');
  return { ok: true, detail: `applications deferred: ${list}`, degraded: `target circuit ${list}`, targets };
}

/** The check main.ts registers; `circuits()` is undefined until the loop has started. */
export function actionTargetsReadinessCheck(circuits: () => ActionCircuitSource | undefined): ReadinessCheck {
  return {
    name: 'action_targets',
    check: async () => {
      const source = circuits();
      if (!source) return { ok: true, detail: 'not started yet' };
      return actionTargetsReadiness(await source.states());
    },
  };
}
