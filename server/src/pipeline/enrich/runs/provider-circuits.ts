import type { ProviderId } from '../providers/provider-contract';
import type { CircuitBreaker, CircuitStatus } from '../waterfall/circuit-breaker';

/**
 * The circuits of the paid providers this process has configured (key set, or a providers-file entry), as /readyz and
 * /metrics show them. `offline` is left out: it has no remote side to fail. The state itself lives in Redis, so
 * every process reports the same circuits.
 */
export class ProviderCircuits {
  /** The configured paid providers, in the registry's order. */
  readonly providers: readonly ProviderId[];

  constructor(
    private readonly breaker: CircuitBreaker,
    configured: Iterable<ProviderId>,
  ) {
    this.providers = [...configured].filter((id) => id !== 'offline');
  }

  states(): Promise<CircuitStatus[]> {
    return this.breaker.states(this.providers);
  }
}
