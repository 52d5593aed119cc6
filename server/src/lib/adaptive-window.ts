export interface AdaptiveWindowOptions {
  /** Longest the first item of a batch waits for companions (ms). */
  maxWaitMs: number;
  /** A batch this big goes at once: waiting cannot make its call carry more. */
  fullAt: number;
  /** Time constant of the arrival-rate estimate (ms): how fast it forgets a burst. */
  rateTimeConstantMs?: number;
  now?: () => number;
}

export const DEFAULT_RATE_TIME_CONSTANT_MS = 1_000;

/**
 * When a batch should go, from the rate items arrive at (issue 19). A fixed window costs every item up to the whole
 * window, even a lone edit that nothing will join; this one sends a batch once it is full, once its first item has
 * waited `maxWaitMs`, or as soon as the arrival rate says fewer than one more item will come before that deadline. A
 * lone item therefore goes at once; under load the window stays open to its max and the batch fills, so the calls per
 * item stay those of the fixed window. The rate is an exponentially decayed count (time constant τ): each arrival
 * adds 1/τ, and it decays by e^(−Δt/τ), so after a quiet spell it is near zero.
 *
 * Holds no timers: the caller asks `waitMs` on each arrival and again when the wait it was told has passed.
 */
export class AdaptiveWindow {
  private readonly tau: number;
  /** The clock the window runs on (its users take their batch times from it too). */
  readonly now: () => number;
  /** Arrivals per ms as of `rateAt`. */
  private rate = 0;
  private rateAt: number | undefined;

  constructor(private readonly options: AdaptiveWindowOptions) {
    this.tau = options.rateTimeConstantMs ?? DEFAULT_RATE_TIME_CONSTANT_MS;
    this.now = options.now ?? Date.now;
  }

  get maxWaitMs(): number {
    return this.options.maxWaitMs;
  }

  /** Counts `count` items arriving now. */
  arrived(count = 1): void {
    const now = this.now();
    this.rate = this.decayed(now) + count / this.tau;
    this.rateAt = now;
  }

  /** The estimated arrival rate now, items per second. */
  ratePerSecond(): number {
    return this.decayed(this.now()) * 1000;
  }

  /**
   * How much longer a batch of `pending` items whose first arrived at `oldestAt` should wait; 0: send it now.
   * Waiting is worth it only while at least one more item is expected before the deadline, so the answer is the
   * time left minus one expected gap between arrivals (asked again then, with the rate decayed, it is 0).
   */
  waitMs(pending: number, oldestAt: number): number {
    if (pending <= 0) return 0;
    if (pending >= this.options.fullAt) return 0;
    const now = this.now();
    const remaining = oldestAt + this.options.maxWaitMs - now;
    if (remaining <= 0) return 0;
    const rate = this.decayed(now);
    if (rate * remaining < 1) return 0;
    return Math.max(0, Math.ceil(remaining - 1 / rate));
  }

  private decayed(now: number): number {
    if (this.rateAt === undefined) return 0;
    return this.rate * Math.exp(-Math.max(0, now - this.rateAt) / this.tau);
  }
}
