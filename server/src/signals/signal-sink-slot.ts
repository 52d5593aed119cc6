import { AppError } from '../lib/errors';
import type { FireOutcome, SignalFiring, SignalSink } from './signal-firing';

/**
 * The sink detectors are built with, filled once the firer exists. Detectors, the webhook route and the threshold
 * watcher are composed independently of the firer; a firing before `attach` is a coded, retryable error, never lost.
 */
export class SignalSinkSlot implements SignalSink {
  private sink: SignalSink | undefined;

  attach(sink: SignalSink): void {
    this.sink = sink;
  }

  /** The attached sink (tests wrap it to watch what detectors hand over). */
  get current(): SignalSink | undefined {
    return this.sink;
  }

  get attached(): boolean {
    return this.sink !== undefined;
  }

  fire(firing: SignalFiring): Promise<FireOutcome> {
    if (!this.sink) {
      return Promise.reject(new AppError('SIGNAL_SINK_NOT_READY', 'no signal firer is attached yet', true));
    }
    return this.sink.fire(firing);
  }
}
