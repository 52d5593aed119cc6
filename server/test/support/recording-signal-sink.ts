import type { FireOutcome, SignalFiring, SignalSink } from '../../src/signals/signal-firing';

/**
 * A stand-in for the firer in tests of the parts that hand it firings: it keeps each firing and, like the firer,
 * treats the same rule + record + identity seen again as a duplicate (one signal per event).
 */
export class RecordingSignalSink implements SignalSink {
  readonly firings: SignalFiring[] = [];
  private readonly signals = new Map<string, string>();

  fire(firing: SignalFiring): Promise<FireOutcome> {
    this.firings.push(firing);
    const key = `${firing.rule.id}-${firing.recordId}-${firing.identity}`;
    const existing = this.signals.get(key);
    if (existing) return Promise.resolve({ status: 'duplicate', signalId: existing, key });
    const signalId = `signal-${this.signals.size + 1}`;
    this.signals.set(key, signalId);
    return Promise.resolve({ status: 'fired', signalId, key });
  }

  /** Distinct signals stored (what Audience_Signal__c would hold). */
  get stored(): number {
    return this.signals.size;
  }
}
