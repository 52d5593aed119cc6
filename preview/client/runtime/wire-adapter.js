// Base of the preview's wire adapters: emits { data: undefined, error: undefined } at once (as LDS does, so a
// template reading `wired.data` renders before the first answer), fetches on every config, drops stale answers.
export class FetchWireAdapter {
  constructor(dataCallback) {
    this.dataCallback = dataCallback;
    this.config = undefined;
    this.sequence = 0;
    this.connected = false;
    this.emit({ data: undefined, error: undefined });
  }

  emit(value) {
    this.value = value;
    this.dataCallback(value);
  }

  /** Subclasses: (config) => Promise<data>, or undefined when the config is not complete yet. */
  load() {
    return undefined;
  }

  /** Record ids whose change should refetch this wire. */
  recordIds() {
    return [];
  }

  connect() {
    this.connected = true;
  }

  disconnect() {
    this.connected = false;
    this.unwatch && this.unwatch();
  }

  update(config) {
    this.config = config;
    return this.refresh();
  }

  async refresh() {
    const pending = this.load(this.config);
    if (!pending) return undefined;
    const mine = ++this.sequence;
    this.watch();
    try {
      const data = await pending;
      if (mine === this.sequence) this.emit({ data, error: undefined });
    } catch (error) {
      if (mine === this.sequence) this.emit({ data: undefined, error });
    }
    return undefined;
  }

  watch() {
    this.unwatch && this.unwatch();
    const ids = this.recordIds(this.config);
    const unsubscribers = ids.map((id) => this.onChange(id));
    this.unwatch = () => unsubscribers.forEach((u) => u());
  }

  onChange() {
    return () => {};
  }
}
