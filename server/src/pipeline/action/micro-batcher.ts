/** When a batcher sends what waits. */
export interface MicroBatcherOptions {
  /** A batch this large is sent at once. */
  maxItems: number;
  /** The age cap: nothing waits longer than this after the first item of its batch arrived. */
  maxWaitMs: number;
  /**
   * Sent early once the stream went quiet: no new item for this long. Unset, only `maxItems` and `maxWaitMs` count.
   * A bulk entry arrives as a stream of single requests; waiting for the stream to pause (rather than a fixed window)
   * lets one batch carry all of it while a lone request still goes out quickly.
   */
  quietMs?: number;
}

/**
 * Collects single requests that arrive close together and hands them to one batched call: up to `maxItems`, or
 * whatever arrived before the stream went quiet (`quietMs`) or before the first one waited `maxWaitMs`. Each caller
 * gets its own answer (or its own error).
 */
export class MicroBatcher<In, Out> {
  private pending: { input: In; resolve: (out: Out) => void; reject: (error: unknown) => void }[] = [];
  private ageTimer: NodeJS.Timeout | undefined;
  private quietTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly run: (inputs: In[]) => Promise<Out[]>,
    private readonly options: MicroBatcherOptions,
  ) {}

  submit(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      if (this.pending.length >= this.options.maxItems) {
        this.flush();
        return;
      }
      this.ageTimer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
      const quietMs = this.options.quietMs;
      if (quietMs !== undefined && quietMs < this.options.maxWaitMs) {
        clearTimeout(this.quietTimer);
        this.quietTimer = setTimeout(() => this.flush(), quietMs);
      }
    });
  }

  /** Sends what waits now. */
  flush(): void {
    clearTimeout(this.ageTimer);
    clearTimeout(this.quietTimer);
    this.ageTimer = undefined;
    this.quietTimer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    let outputs: Promise<Out[]>;
    try {
      outputs = this.run(batch.map((item) => item.input));
    } catch (error) {
      outputs = Promise.reject(error);
    }
    outputs.then(
      (answers) => batch.forEach((item, index) => item.resolve(answers[index] as Out)),
      (error: unknown) => batch.forEach((item) => item.reject(error)),
    );
  }
}
