import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export interface SoakSample {
  atMs: number;
  keys: number;
  /** Per queue: jobs in every state (a queue nobody consumes, or one keeping every finished job, grows here). */
  queues: Record<string, Record<string, number>>;
}

export interface SoakVerdict {
  ok: boolean;
  /** What moved by more than the tolerance between the two samples. */
  grew: string[];
}

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed', 'waiting-children'] as const;

async function countKeys(redis: Redis, prefix: string): Promise<number> {
  let cursor = '0';
  let keys = 0;
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    keys += found.length;
  } while (cursor !== '0');
  return keys;
}

export async function soakSample(redis: Redis, prefix: string, queues: Queue[], atMs: number): Promise<SoakSample> {
  const counts: SoakSample['queues'] = {};
  for (const queue of queues) counts[queue.name] = await queue.getJobCounts(...STATES);
  return { atMs, keys: await countKeys(redis, prefix), queues: counts };
}

/** Within `tolerance` (a ratio) of the first sample; a count of a few jobs may move by one job either way. */
export function compareSamples(first: SoakSample, last: SoakSample, tolerance: number): SoakVerdict {
  const grew: string[] = [];
  const check = (what: string, a: number, b: number) => {
    if (Math.abs(b - a) > Math.max(1, a * tolerance)) grew.push(`${what}: ${a} → ${b}`);
  };
  check('redis keys', first.keys, last.keys);
  for (const [name, states] of Object.entries(last.queues)) {
    const total = (s: Record<string, number> | undefined) => Object.values(s ?? {}).reduce((x, y) => x + y, 0);
    check(`queue ${name}`, total(first.queues[name]), total(states));
  }
  return { ok: grew.length === 0, grew };
}
