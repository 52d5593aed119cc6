import type { ActionTarget, ActionType } from './action-target';

/** The action types this process can run; an action of a type missing here is reported at config load. */
export type ActionRegistry = ReadonlyMap<ActionType, ActionTarget>;

/** A registry of the given targets (each type once; the last one given wins). */
export function createActionRegistry(targets: readonly (ActionTarget | undefined)[]): ActionRegistry {
  const registry = new Map<ActionType, ActionTarget>();
  for (const target of targets) if (target) registry.set(target.type, target);
  return registry;
}
