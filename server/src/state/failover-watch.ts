import type { Logger } from '../lib/logger';
import { isCluster, type RedisClient } from './redis';

export interface FailoverWatchOptions {
  redis: RedisClient;
  /** A key under the deployment's prefix: its slot is the one every key of ours lives in. */
  key: string;
  logger: Logger;
  /** Runs after the slot's master changed (once per change; a failing run is logged, not retried here). */
  onFailover: () => Promise<void>;
  /** How often the slot's owner is read (default 2 s). */
  pollMs?: number;
}

type SlotRange = [number, number, ...[string, number, string?][]];

/**
 * Redis replicates asynchronously: a write the master acknowledged just before it died may never reach the replica
 * that replaces it. The loop cannot tell which writes went missing, so when the master serving our slot changes it
 * runs `onFailover` (a reconciliation against Salesforce from the last change seen, which re-reads what the lost
 * state may have missed). On a single Redis there is no failover to watch: `start()` does nothing.
 */
export class FailoverWatch {
  private timer: NodeJS.Timeout | undefined;
  private slot: number | undefined;
  private master: string | undefined;
  private running: Promise<void> = Promise.resolve();
  /** How many failovers were seen (and reconciled after) since start. */
  failovers = 0;

  constructor(private readonly options: FailoverWatchOptions) {}

  start(): void {
    if (!isCluster(this.options.redis) || this.timer) return;
    const pollMs = this.options.pollMs ?? 2_000;
    const tick = () => {
      this.running = this.check().finally(() => {
        if (this.timer) this.timer = setTimeout(tick, pollMs);
      });
    };
    this.timer = setTimeout(tick, 0);
    this.timer.unref?.();
  }

  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Reads the slot's master now; runs `onFailover` when it is not the one seen before. */
  async check(): Promise<void> {
    const { redis, logger } = this.options;
    let master: string | undefined;
    try {
      this.slot ??= Number(await redis.cluster('KEYSLOT', this.options.key));
      const ranges = (await redis.cluster('SLOTS')) as unknown as SlotRange[];
      const range = ranges.find(([from, to]) => this.slot! >= from && this.slot! <= to);
      const node = range?.[2];
      // The node id (third element) tells a promoted replica from the old master even on the same host and port.
      master = node ? (node[2] ?? `${node[0]}:${node[1]}`) : undefined;
    } catch (error) {
      logger.debug({ err: error }, 'could not read the cluster slots; trying again');
      return;
    }
    if (!master) return;
    const before = this.master;
    this.master = master;
    if (before === undefined || before === master) return;
    this.failovers += 1;
    logger.warn(
      { slot: this.slot, before, after: master },
      'the Redis master of our slot changed (failover): reconciling with Salesforce, since writes acknowledged ' +
        'just before it may be lost',
    );
    try {
      await this.options.onFailover();
    } catch (error) {
      logger.error({ err: error }, 'reconciling after the Redis failover failed');
    }
  }
}
