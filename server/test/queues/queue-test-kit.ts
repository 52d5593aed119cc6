import type { Redis } from 'ioredis';
import { createLogger, type Logger } from '../../src/lib/logger';
import { createQueueFactory, type QueueFactory } from '../../src/queues/queue-factory';
import { connectRedis } from '../../src/state/redis';
import { TEST_REDIS_URL, uniquePrefix } from '../support/redis-test';

export const silentLogger: Logger = createLogger({ level: 'silent' });

export interface QueueTestKit {
  connection: Redis;
  factory: QueueFactory;
  prefix: string;
  /** Closes workers, obliterates this file's queues, then closes everything else. */
  cleanup(): Promise<void>;
}

/** A factory on a fresh hash-tagged prefix, so this test file's keys never meet anyone else's. */
export async function createQueueTestKit(label: string, logger: Logger = silentLogger): Promise<QueueTestKit> {
  const prefix = uniquePrefix(label);
  const connection = await connectRedis(TEST_REDIS_URL, { name: `test-${label}` });
  const factory = createQueueFactory({ connection, prefix, logger });
  return {
    connection,
    factory,
    prefix,
    async cleanup() {
      await Promise.allSettled(factory.workers().map((worker) => worker.close(true)));
      await Promise.allSettled(factory.queueEvents().map((events) => events.close()));
      for (const queue of factory.queues()) await queue.obliterate({ force: true });
      await Promise.allSettled(factory.queues().map((queue) => queue.close()));
      await Promise.allSettled(factory.connections().map((c) => c.quit()));
      await connection.quit();
    },
  };
}

/** Polls `check` until it returns a value other than undefined/false, or fails after `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined | false> | T | undefined | false,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() - started > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A promise with its resolve handle, to hold a job open until the test lets it go. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
