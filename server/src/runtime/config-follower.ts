import type { RedisClient as Redis } from '../state/redis';
import type { Logger } from '../lib/logger';
import type { KeySpace } from '../state/key-space';

export interface ConfigFollowerOptions {
  redis: Redis;
  keys: KeySpace;
  logger: Logger;
  /** Reads the configuration again (LiveConfig.load and the enrichment plans). */
  reload: () => Promise<void>;
  /** Whether this process is the one that reloads on RELOAD_CONFIG (the stream leader): then it only announces. */
  leads: () => boolean;
  /** How often a follower looks at the version (ms; default 2 s). */
  pollMs?: number;
}

/**
 * Keeps every process's configuration in step with the stream leader's. Only the stream leader hears
 * RELOAD_CONFIG (and runs the safety poll); after each of its loads it bumps a version in Redis, and the other
 * processes (workers, api, stand-bys) reload when they see the version move. A missed bump is caught by the next
 * poll, since the version only grows.
 */
export class ConfigFollower {
  private seen: string | null = null;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> = Promise.resolve();

  constructor(private readonly options: ConfigFollowerOptions) {}

  /** Remembers the version in force before the first load, so a bump during that load is not missed. */
  async before(): Promise<void> {
    this.seen = await this.options.redis.get(this.options.keys.configVersion());
  }

  /** After a load by the leader: tells the followers. */
  async announce(): Promise<void> {
    this.seen = String(await this.options.redis.incr(this.options.keys.configVersion()));
  }

  start(): void {
    this.timer = setInterval(() => {
      this.polling = this.polling.then(() => this.poll());
    }, this.options.pollMs ?? 2_000);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.polling;
  }

  private async poll(): Promise<void> {
    if (this.options.leads()) return;
    try {
      const version = await this.options.redis.get(this.options.keys.configVersion());
      if (version === null || version === this.seen) return;
      await this.options.reload();
      this.seen = version;
      this.options.logger.info({ version }, 'configuration reloaded after the stream leader loaded a new one');
    } catch (error) {
      this.options.logger.warn({ err: error }, 'could not follow the configuration; trying again');
    }
  }
}
