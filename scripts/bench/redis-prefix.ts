import { Redis } from 'ioredis';

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

  /** Sum of MEMORY USAGE over every key of the prefix, and the number of keys. */
  async memory(): Promise<{ bytes: number; keys: number }> {
    let bytes = 0;
    let keys = 0;
    for await (const page of this.keyPages()) {
      const pipeline = this.redis.pipeline();
      for (const key of page) pipeline.memory('USAGE', key, 'SAMPLES', '0');
      for (const [error, value] of (await pipeline.exec()) ?? []) {
        if (!error) bytes += Number(value ?? 0);
      }
      keys += page.length;
    }
    return { bytes, keys };
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
