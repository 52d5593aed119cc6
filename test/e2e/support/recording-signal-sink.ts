import type { FireOutcome, SignalFiring, SignalSink } from '../../../server/src/signals/signal-firing';

/**
 * A signal sink for tests of the detectors: keeps every firing and dedupes by rule + record + identity as the firer's
 * `Key__c` does, so a detector that hands over the same event twice shows up as a `duplicate`.
 */
export class RecordingSignalSink implements SignalSink {
  readonly firings: SignalFiring[] = [];
  readonly outcomes: FireOutcome[] = [];
  private readonly keys = new Map<string, string>();

  fire(firing: SignalFiring): Promise<FireOutcome> {
    const key = `${firing.rule.id}:${firing.recordId}:${firing.identity}`;
    const known = this.keys.get(key);
    const outcome: FireOutcome = known
      ? { status: 'duplicate', signalId: known, key }
      : { status: 'fired', signalId: `sig-${this.keys.size + 1}`, key };
    if (!known) {
      this.keys.set(key, outcome.signalId);
      this.firings.push(firing);
    }
    this.outcomes.push(outcome);
    return Promise.resolve(outcome);
  }

  firedFor(ruleId: string): SignalFiring[] {
    return this.firings.filter((firing) => firing.rule.id === ruleId);
  }
}
