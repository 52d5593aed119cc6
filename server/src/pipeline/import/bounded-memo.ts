/**
 * A small memo of recent results (issue 19): a page of records shares a handful of date-times and the same
 * provenance texts come back between a read and a write, so remembering them saves parsing and formatting them
 * again. Bounded: when full it starts over, which keeps memory flat and costs one miss per entry.
 */
export class BoundedMemo<K, V> {
  private readonly entries = new Map<K, V>();

  constructor(private readonly limit: number) {}

  get(key: K): V | undefined {
    return this.entries.get(key);
  }

  has(key: K): boolean {
    return this.entries.has(key);
  }

  set(key: K, value: V): V {
    if (this.entries.size >= this.limit) this.entries.clear();
    this.entries.set(key, value);
    return value;
  }
}
