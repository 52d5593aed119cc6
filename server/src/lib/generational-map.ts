/**
 * A bounded map of recent entries in two generations of at most `limit` each: when the newer one is full it becomes
 * the older and the older one is dropped, so memory stays flat and every call is O(1). Evicting the oldest entry one
 * at a time (`map.delete(map.keys().next().value)`) is not: V8 keeps deleted slots in the table until it rehashes and
 * the iterator walks them each time, which made each call slower as the map churned (issue 19).
 */
export class GenerationalMap<K, V> {
  private newer = new Map<K, V>();
  private older = new Map<K, V>();

  constructor(private readonly limit: number) {}

  get(key: K): V | undefined {
    const found = this.newer.get(key);
    if (found !== undefined || this.newer.has(key)) return found;
    return this.older.get(key);
  }

  has(key: K): boolean {
    return this.newer.has(key) || this.older.has(key);
  }

  set(key: K, value: V): void {
    this.newer.set(key, value);
    if (this.newer.size < this.limit) return;
    this.older = this.newer;
    this.newer = new Map();
  }
}
