import type { RedisClient as Redis } from '../../../state/redis';
import { z } from 'zod';
import type { Logger } from '../../../lib/logger';
import type { OrgClient } from '../../../salesforce/org-client';
import type { Watermark } from './warehouse-reader';

const watermarkSchema = z.object({ cursor: z.string(), key: z.string() });

/** Watermark__c (or the Redis value) as a watermark; anything unreadable is no watermark (a full read). */
export function parseWatermark(text: string | null | undefined): Watermark | undefined {
  if (!text) return undefined;
  try {
    const parsed = watermarkSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Where each warehouse source's last run stopped. Redis holds it after every page (a crash re-reads at most one
 * page, which writes nothing new); `Audience_Source__c.Watermark__c` gets it at the end of each run, so it survives
 * a lost Redis and an admin can see or clear it (clearing both re-reads everything).
 */
export class WatermarkStore {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
    private readonly org: OrgClient,
    private readonly logger: Logger,
  ) {}

  private key(sourceId: string): string {
    return `${this.prefix}:warehouse-watermark:${sourceId}`;
  }

  /** Redis first; the source record's copy when Redis has none. */
  async get(sourceId: string, onSource: string | null | undefined): Promise<Watermark | undefined> {
    return parseWatermark(await this.redis.get(this.key(sourceId))) ?? parseWatermark(onSource);
  }

  async advance(sourceId: string, watermark: Watermark): Promise<void> {
    await this.redis.set(this.key(sourceId), JSON.stringify(watermark));
  }

  /** Copies the watermark onto the source record; failing to is logged, never fails the run (Redis has it). */
  async persist(sourceId: string, watermark: Watermark): Promise<void> {
    await this.org
      .update('Audience_Source__c', sourceId, { Watermark__c: JSON.stringify(watermark) })
      .catch((error: unknown) => this.logger.warn({ err: error, sourceId }, 'could not write Watermark__c'));
  }

  async clear(sourceId: string): Promise<void> {
    await this.redis.del(this.key(sourceId));
  }
}
