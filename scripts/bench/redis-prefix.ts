import { Redis } from 'ioredis';
import { emptyFamilies, familyOf, type FamilyBytes } from './redis-families';

/** What the server's keys under one prefix hold, and their removal (never FLUSHDB: the Redis may be shared). */
export class RedisPrefix {
  readonly redis: Redis;

  constructor(
    readonly url: string,
    readonly prefix: string,
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: false });
  }

  private async *keyPages(): AsyncGenerator<string[]> {
    let cursor = '0';
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${this.prefix}*`, 'COUNT', 2000);
      cursor = next;
      if (keys.length > 0) yield keys;
    } while (cursor !== '0');
  }

  /**
   * Sum of MEMORY USAGE over every key of the prefix, the number of keys, and both by key family (mirror, ledger, …).
   * Every key is measured (`SAMPLES 0`: a hash's every field), so the figure is exact rather than sampled.
   */
  async memory(): Promise<{ bytes: number; keys: number; byFamily: FamilyBytes }> {
    let bytes = 0;
    let keys = 0;
    const byFamily = emptyFamilies();
    for await (const page of this.keyPages()) {
      const pipeline = this.redis.pipeline();
      for (const key of page) pipeline.memory('USAGE', key, 'SAMPLES', '0');
      const replies = (await pipeline.exec()) ?? [];
      page.forEach((key, index) => {
        const [error, value] = replies[index] ?? [null, 0];
        const used = error ? 0 : Number(value ?? 0);
        const family = byFamily[familyOf(this.prefix, key)];
        family.bytes += used;
        family.keys += 1;
        bytes += used;
      });
      keys += page.length;
    }
    return { bytes, keys, byFamily };
  }

  /** The number of jobs ever added to a BullMQ queue of this prefix (its id counter). */
  /** Records the server ever queued for processing (its intake buffer's counter, server/src/pipeline/import/intake/intake-buffer.ts). */
  async intakeAdded(): Promise<number> {
    return Number((await this.redis.hget(`${this.prefix}:counters`, 'intake_added')) ?? 0);
  }

  async clear(): Promise<number> {
    let removed = 0;
    for await (const page of this.keyPages()) removed += await this.redis.unlink(...page);
    return removed;
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
