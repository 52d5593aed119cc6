import type { Queue } from 'bullmq';
import type { Logger } from '../../lib/logger';
import type { QueueName } from '../../queues/queue-names';
import type { ApiBudgetGovernor } from './api-budget-governor';
import type { BudgetState } from './budget-state';

/**
 * Which queues stand still in each budget state. Commands (ENRICH_RECORD among them) are not queued and never stop.
 * The intake is not a BullMQ queue: its drainer asks the governor itself (pipeline/import/intake/intake-drainer.ts).
 */
export const GATED_QUEUES: Record<BudgetState, readonly QueueName[]> = {
  normal: [],
  // Actions are background work, like imports: they wait at API_BUDGET_PAUSE.
  paused: ['runs', 'enrich', 'membership'],
  stopped: ['runs', 'enrich', 'membership'],
};

export interface BudgetGate {
  /** Resolves once every pause/resume asked for so far has reached Redis. */
  settled(): Promise<void>;
  /** Stops following the governor (queues keep their current pause state). */
  close(): void;
}

/**
 * Pauses and resumes queues as the budget state changes. `queue.pause()` is global (stored in Redis), so workers in
 * every process stop taking jobs; active jobs finish. Changes are applied one after another in order, and each
 * transition is logged once. Note: it resumes a gated queue even if a person paused it by hand meanwhile.
 */
export function createBudgetGate(
  governor: ApiBudgetGovernor,
  queues: ReadonlyArray<Queue>,
  logger: Logger,
  gated: Record<BudgetState, readonly QueueName[]> = GATED_QUEUES,
): BudgetGate {
  let chain: Promise<void> = Promise.resolve();

  const apply = (state: BudgetState) => {
    const stop = new Set<string>(gated[state]);
    chain = chain.then(async () => {
      for (const queue of queues) {
        const known = Object.values(gated).some((names) => names.includes(queue.name as QueueName));
        if (!known) continue;
        try {
          if (stop.has(queue.name)) await queue.pause();
          else await queue.resume();
        } catch (error) {
          logger.error({ err: error, queue: queue.name, budgetState: state }, 'budget gate could not pause/resume');
        }
      }
    });
  };

  const unsubscribe = governor.onChange((change) => {
    const { used, max, ratio, source } = change.reading;
    const level = change.to === 'normal' ? 'info' : 'warn';
    logger[level](
      { budget: { from: change.from, to: change.to, used, max, ratio, source }, paused: gated[change.to] },
      change.to === 'normal'
        ? 'Salesforce API budget back to normal; resuming queues'
        : `Salesforce API budget ${change.to}; pausing queues`,
    );
    apply(change.to);
  });

  // Start from the governor's current state, so a gate created late still matches it.
  apply(governor.state);

  return {
    settled: () => chain,
    close: unsubscribe,
  };
}
