import type { FieldValue, MirrorRecord } from '../domain/mirror-record';
import type { ApplicationOutcome } from './action/application-runner';
import type { PlannedChange } from './export';

/** A person's (or another system's) change the intake took in: the record after it, and what changed. */
export interface ObservedChange {
  record: MirrorRecord;
  changes: Record<string, FieldValue>;
}

/** A record the loop wrote back, with each field's change and the rule it was written under. */
export interface ObservedWrite {
  record: MirrorRecord;
  changes: PlannedChange[];
}

/**
 * What the loop did, for whoever wants to watch it (the sandbox's narration, tests): listeners are called after
 * the fact and never hold the loop up — a throwing listener is ignored.
 */
export class LoopObservers {
  private readonly changeListeners: ((change: ObservedChange) => void)[] = [];
  private readonly writeListeners: ((writes: ObservedWrite[]) => void)[] = [];
  private readonly actionListeners: ((outcome: ApplicationOutcome) => void)[] = [];

  /** Each application of an action that ran to an outcome (replays of settled ones are not told again). */
  onAction(listener: (outcome: ApplicationOutcome) => void): void {
    this.actionListeners.push(listener);
  }

  acted(outcome: ApplicationOutcome): void {
    for (const listener of this.actionListeners) safely(() => listener(outcome));
  }

  onChange(listener: (change: ObservedChange) => void): void {
    this.changeListeners.push(listener);
  }

  onWrites(listener: (writes: ObservedWrite[]) => void): void {
    this.writeListeners.push(listener);
  }

  changed(change: ObservedChange): void {
    for (const listener of this.changeListeners) safely(() => listener(change));
  }

  wrote(writes: ObservedWrite[]): void {
    if (writes.length === 0) return;
    for (const listener of this.writeListeners) safely(() => listener(writes));
  }
}

function safely(call: () => void): void {
  try {
    call();
  } catch {
    // An observer's failure is its own; the loop goes on.
  }
}
