import type { RedisClient as Redis } from '../../state/redis';
import { CircuitBreaker, type CircuitKeys, type CircuitStatus } from '../enrich/waterfall/circuit-breaker';
import type { ActionConfig, ActionResult } from './action-target';

/** How the action targets' circuits are tuned (tests shorten them and bring their own clock). */
export interface ActionCircuitOptions {
  /** Consecutive failures that are the target's fault before its circuit opens (default 5). */
  failureThreshold?: number;
  /** How long an open circuit defers applications before one probe may go (ms; default 60 s). */
  coolDownMs?: number;
  /** How long one worker holds the probe before another may try (ms; default 30 s). */
  probeTtlMs?: number;
  now?: () => number;
}

/** May the application call its target now? When not: how long to defer it, and the circuit's name. */
export type ActionCircuitGate =
  { allowed: true; circuit: string } | { allowed: false; circuit: string; retryAfterMs: number };

/** A half-open circuit whose probe another worker holds: try again soon, the probe settles it. */
const HALF_OPEN_RETRY_MS = 5_000;
const AUTH_CODE = /AUTH|TOKEN_REVOKED|ACCOUNT_INACTIVE/;
const RATE_LIMIT_CODE = /RATE_?LIMITED/;

/**
 * A circuit per action target — per action type, and for `Webhook` per host (`Webhook:hooks.example.com`), since one
 * receiver down says nothing of another — kept in Redis under the loop's hash-tagged prefix so every worker agrees.
 * The enrichment providers' breaker does the counting, cool-down and single probe. Only failures that are the
 * target's fault count (retryable ones: 5xx, timeouts, network; and auth failures); a rate limit has its own shared
 * limiter and a 422 or a Skipped says the target works.
 */
export class ActionCircuits {
  private readonly breaker: CircuitBreaker<string>;
  private readonly deferredCounts = new Map<string, number>();
  private readonly now: () => number;

  constructor(
    redis: Redis,
    prefix: string,
    /** The active actions, whose circuits /readyz and /metrics show. */
    private readonly actions: () => readonly ActionConfig[],
    options: ActionCircuitOptions = {},
  ) {
    this.now = options.now ?? Date.now;
    const keys: CircuitKeys<string> = {
      circuit: (id) => `${prefix}:action:circuit:${id}`,
      circuitProbe: (id) => `${prefix}:action:circuit-probe:${id}`,
    };
    this.breaker = new CircuitBreaker<string>(redis, {
      prefix,
      keys,
      failureThreshold: options.failureThreshold,
      coolDownMs: options.coolDownMs,
      probeTtlMs: options.probeTtlMs,
      now: this.now,
    });
  }

  /** The circuit an action's calls go through. */
  static circuitOf(action: Pick<ActionConfig, 'type' | 'target'>): string {
    if (action.type !== 'Webhook') return action.type;
    try {
      return `Webhook:${new URL(action.target).host}`;
    } catch {
      return 'Webhook';
    }
  }

  /** Before a target call: allowed (maybe as the half-open probe), or deferred — counted for /metrics. */
  async admit(action: ActionConfig): Promise<ActionCircuitGate> {
    const circuit = ActionCircuits.circuitOf(action);
    const gate = await this.breaker.check(circuit);
    if (gate.allowed) return { allowed: true, circuit };
    this.deferredCounts.set(circuit, (this.deferredCounts.get(circuit) ?? 0) + 1);
    const until = gate.status.until === undefined ? undefined : Date.parse(gate.status.until);
    const remaining = until === undefined ? 0 : until - this.now();
    return { allowed: false, circuit, retryAfterMs: remaining > 0 ? remaining : HALF_OPEN_RETRY_MS };
  }

  /** After a target call: a fault counts towards opening; an answer from a working target closes the circuit. */
  async record(action: ActionConfig, result: ActionResult): Promise<void> {
    const circuit = ActionCircuits.circuitOf(action);
    const verdict = targetVerdict(result);
    if (verdict === 'fault') {
      await this.breaker.recordFailure(circuit, result.status === 'Failed' ? (result.code ?? result.message) : '');
    } else if (verdict === 'works') {
      await this.breaker.recordSuccess(circuit);
    }
  }

  /** Every active action's circuit, once each, for /readyz and /metrics. */
  async states(): Promise<CircuitStatus<string>[]> {
    const circuits = [...new Set(this.actions().map((action) => ActionCircuits.circuitOf(action)))].sort();
    return this.breaker.states(circuits);
  }

  /** Applications deferred by an open circuit since the start, per circuit. */
  deferred(): ReadonlyMap<string, number> {
    return this.deferredCounts;
  }

  keysFor(circuit: string): string[] {
    return this.breaker.keysFor(circuit);
  }
}

/**
 * What one answer says of the target: `fault` (it is down, slow or refuses our credentials), `works` (it answered,
 * even with a refusal of this one record), or `neutral` (a Skipped may not have called it; a rate limit is ours).
 */
export function targetVerdict(result: ActionResult): 'fault' | 'works' | 'neutral' {
  if (result.status === 'Skipped') return 'neutral';
  if (result.status !== 'Failed') return 'works';
  const code = result.code ?? '';
  if (RATE_LIMIT_CODE.test(code)) return 'neutral';
  if (result.retryable || AUTH_CODE.test(code)) return 'fault';
  return 'works';
}
