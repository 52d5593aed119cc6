import type { FireOutcome, SignalFiring, SignalSink } from '../../../server/src/signals/signal-firing';
import type { SignalSinkSlot } from '../../../server/src/signals/signal-sink-slot';

/**
 * A signal sink for tests of the detectors: keeps every firing handed over and what came of it. Around the loop's
 * own firer (`watch`) it forwards each firing and records the firer's answer, so the org holds the signals; alone it
 * dedupes by rule + record + identity as the firer's `Key__c` does.
 */
export class RecordingSignalSink implements SignalSink {
  readonly firings: SignalFiring[] = [];
  readonly outcomes: FireOutcome[] = [];
  /** Every hand-over, with the identity and what the sink answered. */
  readonly seen: { identity: string; status: FireOutcome['status'] }[] = [];
  private readonly keys = new Map<string, string>();

  constructor(private readonly inner?: SignalSink) {}

  /** Put in front of the loop's own firer: what the detectors hand over is watched, and still stored in the org. */
  static watch(slot: SignalSinkSlot): RecordingSignalSink {
    if (!slot.current) throw new Error('no signal firer is attached to wrap');
    const sink = new RecordingSignalSink(slot.current);
    slot.attach(sink);
    return sink;
  }

  async fire(firing: SignalFiring): Promise<FireOutcome> {
    if (this.inner) {
      const outcome = await this.inner.fire(firing);
      if (outcome.status === 'fired') this.firings.push(firing);
      this.outcomes.push(outcome);
      this.seen.push({ identity: firing.identity, status: outcome.status });
      return outcome;
    }
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
    this.seen.push({ identity: firing.identity, status: outcome.status });
    return outcome;
  }

  firedFor(ruleId: string): SignalFiring[] {
    return this.firings.filter((firing) => firing.rule.id === ruleId);
  }
}
