import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Redis } from 'ioredis';
import type { Logger } from '../../lib/logger';
import type { KeySpace } from '../../state/key-space';

// Only the owner may extend or delete: a paused process that lost the lease cannot take it back by accident.
const RENEW_IF_OWNER = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) else return 0 end`;
const RELEASE_IF_OWNER = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) else return 0 end`;

export interface StreamLeaseOptions {
  redis: Redis;
  keys: KeySpace;
  logger: Logger;
  /** Called once this process holds the lease (start the subscriber); `fence` rises with every new holder. */
  onAcquired: (fence: number) => Promise<void>;
  /** Called when the lease is lost or given up (stop the subscriber). */
  onLost: () => Promise<void>;
  /** Lease lifetime (default 10 s); a crashed holder is replaced within about this long. */
  ttlMs?: number;
  /** Renewal period of the holder (default 3 s). */
  renewMs?: number;
  /** How often a stand-by tries to take the lease (default 1 s). */
  pollMs?: number;
}

/**
 * One active CDC subscriber across processes: a Redis key set with NX + PX holds the owner's token, the owner
 * renews it, stand-bys poll and take over when it expires. The owner steps down by itself when it has not renewed
 * for ttl − renew (e.g. Redis unreachable), so it stops before another process can take the lease.
 */
export class StreamLease {
  readonly token = `${hostname()}:${process.pid}:${randomUUID()}`;
  private readonly key: string;
  private readonly fenceKey: string;
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

  constructor(private readonly options: StreamLeaseOptions) {
    // KeySpace has no lease key yet; the prefix keeps it in the same hash slot as the replay id.
    this.key = options.keys.streamLease();
    this.fenceKey = `${this.key}:fence`;
    this.ttlMs = options.ttlMs ?? 10_000;
    this.renewMs = options.renewMs ?? 3_000;
    this.pollMs = options.pollMs ?? 1_000;
    if (this.renewMs >= this.ttlMs) throw new Error('the lease must be renewed more often than it expires');
    this.log = options.logger.child({ component: 'stream-lease' });
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
    this.log.info('standing by for the CDC stream lease');
    this.schedule(0);
  }

  /** Stops competing; a holder stops its subscriber and releases the lease so a stand-by takes over at once. */
  async stop(): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.ticking;
    if (!this.leader) return;
    await this.stepDown('stopping');
    try {
      await this.options.redis.eval(RELEASE_IF_OWNER, 1, this.key, this.token);
    } catch (error) {
      this.log.warn({ err: error }, 'could not release the CDC stream lease; it expires by itself');
    }
  }

  private schedule(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.ticking = this.tick().finally(() => {
        if (this.running) this.schedule(this.leader ? this.renewMs : this.pollMs);
      });
    }, delayMs);
  }

  private async tick(): Promise<void> {
    if (this.leader) await this.renew();
    else await this.tryAcquire();
  }

  private async renew(): Promise<void> {
    const sentAt = Date.now();
    try {
      // Bounded: ioredis queues commands while reconnecting, and a renewal that never answers must still let the
      // deadline below take effect.
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
        this.log.warn({ err: error }, 'could not renew the CDC stream lease; trying again');
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
      this.log.warn({ err: error }, 'could not reach Redis for the CDC stream lease');
      return;
    }
    if (acquired !== 'OK') return;
    this.renewedAt = sentAt;
    this.leader = true;
    try {
      this.currentFence = await this.options.redis.incr(this.fenceKey);
      this.log.info({ fence: this.currentFence }, 'acquired the CDC stream lease; starting the subscriber');
      await this.options.onAcquired(this.currentFence);
    } catch (error) {
      this.log.error({ err: error }, 'could not start the CDC subscriber; giving the lease back');
      await this.stepDown('start failed');
      await this.options.redis.eval(RELEASE_IF_OWNER, 1, this.key, this.token).catch(() => undefined);
    }
  }

  private async stepDown(reason: string): Promise<void> {
    if (!this.leader) return;
    this.leader = false;
    this.log.warn({ fence: this.currentFence }, `gave up the CDC stream lease (${reason}); stopping the subscriber`);
    try {
      await this.options.onLost();
    } catch (error) {
      this.log.error({ err: error }, 'stopping the CDC subscriber failed');
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
