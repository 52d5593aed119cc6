/**
 * Collects single requests that arrive close together and hands them to one batched call: up to `maxItems`, or
 * whatever arrived within `maxWaitMs` of the first. Each caller gets its own answer (or its own error).
 */
export class MicroBatcher<In, Out> {
  private pending: { input: In; resolve: (out: Out) => void; reject: (error: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly run: (inputs: In[]) => Promise<Out[]>,
    private readonly options: { maxItems: number; maxWaitMs: number },
  ) {}

  submit(input: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.pending.push({ input, resolve, reject });
      if (this.pending.length >= this.options.maxItems) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
    });
  }

  /** Sends what waits now. */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.pending;
    this.pending = [];
    if (batch.length === 0) return;
    this.run(batch.map((item) => item.input)).then(
      (outputs) => batch.forEach((item, index) => item.resolve(outputs[index] as Out)),
      (error: unknown) => batch.forEach((item) => item.reject(error)),
    );
  }
}
