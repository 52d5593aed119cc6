import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';

export interface SoakSample {
  atMs: number;
  keys: number;
  /** Keys per family (the key's first two parts after the prefix, ids left out). */
  families: Record<string, number>;
  /** Per queue: jobs in every state (a queue nobody consumes, or one keeping every finished job, grows here). */
  queues: Record<string, Record<string, number>>;
}

export interface SoakVerdict {
  ok: boolean;
  /** What grew by more than the tolerance between the two samples (the goal: nothing). */
  grew: string[];
  /** What shrank by more than the tolerance (caches expiring: reported, not a failure). */
  shrank: string[];
}

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'completed', 'failed', 'waiting-children'] as const;

/** `{p}:mirror:Contact:003…` → `mirror:Contact`; parts that look like record ids or numbers are left out. */
function family(key: string, prefix: string): string {
  const parts = key
    .slice(prefix.length)
    .split(':')
    .filter((part) => part !== '');
  const named = parts.filter((part) => !/^[a-zA-Z0-9]{15}([a-zA-Z0-9]{3})?$/.test(part) || /^[a-z_-]+$/i.test(part));
  return (
    named
      .filter((part) => !/^\d+$/.test(part))
      .slice(0, 2)
      .join(':') || '(prefix)'
  );
}

async function countKeys(redis: Redis, prefix: string): Promise<Record<string, number>> {
  let cursor = '0';
  const families: Record<string, number> = {};
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
    cursor = next;
    for (const key of found) {
      const name = family(key, prefix);
      families[name] = (families[name] ?? 0) + 1;
    }
  } while (cursor !== '0');
  return families;
}

export async function soakSample(redis: Redis, prefix: string, queues: Queue[], atMs: number): Promise<SoakSample> {
  const counts: SoakSample['queues'] = {};
  for (const queue of queues) counts[queue.name] = await queue.getJobCounts(...STATES);
  const families = await countKeys(redis, prefix);
  const keys = Object.values(families).reduce((a, b) => a + b, 0);
  return { atMs, keys, families, queues: counts };
}

/** Within `tolerance` (a ratio) of the first sample; a count of a few jobs may move by one job either way. */
export function compareSamples(first: SoakSample, last: SoakSample, tolerance: number): SoakVerdict {
  const grew: string[] = [];
  const shrank: string[] = [];
  const check = (what: string, a: number, b: number) => {
    if (Math.abs(b - a) <= Math.max(1, a * tolerance)) return;
    (b > a ? grew : shrank).push(`${what}: ${a} → ${b}`);
  };
  check('redis keys', first.keys, last.keys);
  for (const name of new Set([...Object.keys(first.families), ...Object.keys(last.families)])) {
    check(`keys ${name}`, first.families[name] ?? 0, last.families[name] ?? 0);
  }
  for (const [name, states] of Object.entries(last.queues)) {
    const total = (s: Record<string, number> | undefined) => Object.values(s ?? {}).reduce((x, y) => x + y, 0);
    check(`queue ${name}`, total(first.queues[name]), total(states));
  }
  return { ok: grew.length === 0, grew, shrank };
}
