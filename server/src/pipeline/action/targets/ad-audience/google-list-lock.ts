/**
 * One running Customer Match job per user list (Google answers CONCURRENT_MODIFICATION otherwise), across every
 * worker: a Redis key per `customerId:userListId` whose value says who holds it —
 * `submitting:<token>` while a worker creates, fills and runs a job (short TTL: a crash frees the list soon), then
 * the job's resource name until a poll sees the job finish (long TTL, renewed by each poll).
 */
import { randomUUID } from 'node:crypto';
import type { RedisClient as Redis } from '../../../../state/redis';

const SUBMITTING = 'submitting:';

// Sets KEYS[1] to ARGV[2] with PX ARGV[3] only while it still holds ARGV[1]. Returns 1 when done.
const SWAP_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
  return 1
end
return 0
`;

// Deletes KEYS[1] only while it holds ARGV[1].
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export interface ListLockOptions {
  /** How long a submission may take before the list is free again (create + add + run). */
  submitTtlMs: number;
  /** How long a running job holds the list without a poll renewing it. */
  runningTtlMs: number;
}

export type Holder = { kind: 'submitting' } | { kind: 'job'; jobName: string };

export class GoogleListLock {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly options: ListLockOptions,
  ) {}

  key(customerId: string, userListId: string): string {
    return `${this.prefix}:action:ad-audience:google-job:${customerId}:${userListId}`;
  }

  /** A token when the list was free; otherwise who holds it. */
  async acquire(
    customerId: string,
    userListId: string,
  ): Promise<{ ok: true; token: string } | { ok: false; holder: Holder }> {
    const token = `${SUBMITTING}${randomUUID()}`;
    const key = this.key(customerId, userListId);
    if ((await this.redis.set(key, token, 'PX', this.options.submitTtlMs, 'NX')) === 'OK') return { ok: true, token };
    const value = await this.redis.get(key);
    if (value === null) return this.acquire(customerId, userListId);
    return {
      ok: false,
      holder: value.startsWith(SUBMITTING) ? { kind: 'submitting' } : { kind: 'job', jobName: value },
    };
  }

  /** The job we submitted now runs: it holds the list until a poll sees it finish. */
  async handOver(customerId: string, userListId: string, token: string, jobName: string): Promise<boolean> {
    const swapped = await this.redis.eval(
      SWAP_SCRIPT,
      1,
      this.key(customerId, userListId),
      token,
      jobName,
      String(this.options.runningTtlMs),
    );
    return Number(swapped) === 1;
  }

  /** Keeps a running job's hold alive (each poll). */
  async renew(customerId: string, userListId: string, jobName: string): Promise<void> {
    await this.redis.eval(
      SWAP_SCRIPT,
      1,
      this.key(customerId, userListId),
      jobName,
      jobName,
      String(this.options.runningTtlMs),
    );
  }

  /** Frees the list if `holder` (a submit token or a job name) still holds it. */
  async release(customerId: string, userListId: string, holder: string): Promise<void> {
    await this.redis.eval(RELEASE_SCRIPT, 1, this.key(customerId, userListId), holder);
  }
}
