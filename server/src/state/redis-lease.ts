import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { RedisClient as Redis } from './redis';
import type { Logger } from '../lib/logger';

// Only the owner may extend or delete: a paused process that lost the lease cannot take it back by accident.
const RENEW_IF_OWNER = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE_IF_OWNER = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export interface RedisLeaseOptions {
  redis: Redis;
  /** The lease key; its fencing counter is `<key>:fence` (same hash tag, so one slot on Redis Cluster). */
  key: string;
  /** What the lease guards, for the logs ("CDC stream", "scheduler"). */
  label: string;
  logger: Logger;
  /** Called once this process holds the lease; `fence` rises with every new holder. Keep it short: renewals wait. */
  onAcquired: (fence: number) => Promise<void>;
  /** Called when the lease is lost or given up (stop what it guards). */
  onLost: () => Promise<void>;
  /** Lease lifetime (default 10 s); a crashed holder is replaced within about this long. */
  ttlMs?: number;
  /** Renewal period of the holder (default 3 s). */
  renewMs?: number;
  /** How often a stand-by tries to take the lease (default 1 s). */
  pollMs?: number;
}

/** Who holds a lease, as /readyz shows it. */
export interface LeaseStatus {
  leader: boolean;
  /** The holder's token (`host:pid:uuid`), null when nobody holds it; undefined when Redis did not answer. */
  holder?: string | null;
  /** The fencing token of the current holder (the counter's value), when known. */
  fence?: number | null;
}

/**
 * One holder across processes: a Redis key set with NX + PX holds the owner's token, the owner renews it, stand-bys
 * poll and take over when it expires. Every new holder draws a fencing token (INCR), so what it writes can be
 * refused once a newer holder exists. The owner steps down by itself on a local deadline: when it has not renewed
 * for ttl − renew (Redis unreachable, or the process was paused), so it stops before another process may take over.
 */
export class RedisLease {
  readonly token = `${hostname()}:${process.pid}:${randomUUID()}`;
  readonly key: string;
  readonly fenceKey: string;
  private readonly ttlMs: number;
  private readonly renewMs: number;
  private readonly pollMs: number;
  private readonly log: Logger;
  private leader = false;
  private running = false;
  private timer: NodeJS.Timeout | undefined;
  private ticking: Promise<void> = Promise.resolve();
  private renewedAt = 0;
  private currentFence: number | undefined;
  private readonly firstTick: Promise<void>;
  private firstTickDone: () => void = () => undefined;

  constructor(private readonly options: RedisLeaseOptions) {
    this.key = options.key;
    this.fenceKey = `${this.key}:fence`;
    this.ttlMs = options.ttlMs ?? 10_000;
    this.renewMs = options.renewMs ?? 3_000;
    this.pollMs = options.pollMs ?? 1_000;
    if (this.renewMs >= this.ttlMs) throw new Error('the lease must be renewed more often than it expires');
    this.log = options.logger.child({ component: 'lease', lease: options.label });
    this.firstTick = new Promise((resolve) => (this.firstTickDone = resolve));
  }

  isLeader(): boolean {
    return this.leader;
  }

  fence(): number | undefined {
    return this.leader ? this.currentFence : undefined;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.log.info(`standing by for the ${this.options.label} lease`);
    this.schedule(0);
  }

  /** Resolves after the first attempt to take the lease (and, when it was taken, after `onAcquired`). */
  settled(): Promise<void> {
    return this.firstTick;
  }

  /** Who holds the lease now, read from Redis (for /readyz). */
  async status(): Promise<LeaseStatus> {
    try {
      const [holder, fence] = await withTimeout(
        Promise.all([this.options.redis.get(this.key), this.options.redis.get(this.fenceKey)]),
        1_000,
      );
      return { leader: this.leader, holder, fence: fence === null ? null : Number(fence) };
    } catch {
      return { leader: this.leader };
    }
  }

  /** Stops competing; a holder stops what it guards and releases the lease so a stand-by takes over at once. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking;
    if (!this.leader) return;
    await this.stepDown('stopping');
    try {
      await withTimeout(this.options.redis.eval(RELEASE_IF_OWNER, 1, this.key, this.token), this.pollMs);
    } catch (error) {
      this.log.warn({ err: error }, `could not release the ${this.options.label} lease; it expires by itself`);
    }
  }

  /** A newer holder was seen (a write refused by the fence): stop at once, without waiting for the next renewal. */
  async relinquish(reason: string): Promise<void> {
    await this.stepDown(reason);
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.ticking = this.tick().finally(() => {
        this.firstTickDone();
        if (this.running) this.schedule(this.leader ? this.renewMs : this.pollMs);
      });
    }, delayMs);
  }

  private async tick(): Promise<void> {
    if (this.leader) await this.renew();
    else await this.tryAcquire();
  }

  private async renew(): Promise<void> {
    // Checked before asking Redis: after a pause (GC, SIGSTOP) the process must stop before it handles anything
    // else, since a stand-by may already lead.
    if (Date.now() - this.renewedAt >= this.ttlMs) {
      await this.stepDown('the lease expired before this renewal (was this process paused?)');
      return;
    }
    const sentAt = Date.now();
    try {
      // Bounded: ioredis queues commands while reconnecting, and a renewal that never answers must still let the
      // deadline take effect.
      const renewed = await withTimeout(
        this.options.redis.eval(RENEW_IF_OWNER, 1, this.key, this.token, String(this.ttlMs)),
        this.renewMs,
      );
      if (renewed === 1) {
        this.renewedAt = sentAt;
        return;
      }
      await this.stepDown('another process holds the lease');
    } catch (error) {
      if (Date.now() - this.renewedAt < this.ttlMs - this.renewMs) {
        this.log.warn({ err: error }, `could not renew the ${this.options.label} lease; trying again`);
        return;
      }
      await this.stepDown('the lease could not be renewed in time');
    }
  }

  private async tryAcquire(): Promise<void> {
    const sentAt = Date.now();
    let acquired: string | null;
    try {
      acquired = await withTimeout(this.options.redis.set(this.key, this.token, 'PX', this.ttlMs, 'NX'), this.pollMs);
    } catch (error) {
      this.log.warn({ err: error }, `could not reach Redis for the ${this.options.label} lease`);
      return;
    }
    if (acquired !== 'OK') return;
    this.renewedAt = sentAt;
    this.leader = true;
    try {
      this.currentFence = await this.options.redis.incr(this.fenceKey);
      this.log.info({ fence: this.currentFence }, `acquired the ${this.options.label} lease`);
      await this.options.onAcquired(this.currentFence);
    } catch (error) {
      this.log.error({ err: error }, `could not start after taking the ${this.options.label} lease; giving it back`);
      await this.stepDown('start failed');
      await this.options.redis.eval(RELEASE_IF_OWNER, 1, this.key, this.token).catch(() => undefined);
    }
  }

  private async stepDown(reason: string): Promise<void> {
    if (!this.leader) return;
    this.leader = false;
    this.log.warn({ fence: this.currentFence }, `gave up the ${this.options.label} lease (${reason})`);
    try {
      await this.options.onLost();
    } catch (error) {
      this.log.error({ err: error }, `stopping what the ${this.options.label} lease guards failed`);
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
