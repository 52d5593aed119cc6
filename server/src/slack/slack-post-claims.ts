import type { RedisClient as Redis } from '../state/redis';
import { z } from 'zod';

/** While one worker posts; long enough for a post and its rate-limit wait, short enough to recover from a crash. */
const POSTING_TTL_MS = 2 * 60_000;
/** A posted message is remembered as long as anyone could retry its job. */
const POSTED_TTL_S = 30 * 24 * 3600;

const postedSchema = z.object({ channel: z.string(), ts: z.string() });
export type PostedMessageRef = z.infer<typeof postedSchema>;

export type ClaimState = { state: 'posted'; message: PostedMessageRef } | { state: 'claimed' } | { state: 'busy' };

/**
 * One claim per signal and recipient in Redis: a retried or redelivered notify job never posts a second message to
 * the same person or channel. Taken (SET NX, with a TTL) before posting; turned into the posted message's reference
 * after; released when the post failed so a retry may try again.
 */
export class SlackPostClaims {
  constructor(
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async claim(signalId: string, recipient: string): Promise<ClaimState> {
    const key = this.key(signalId, recipient);
    const taken = await this.redis.set(key, 'posting', 'PX', POSTING_TTL_MS, 'NX');
    if (taken === 'OK') return { state: 'claimed' };
    const value = await this.redis.get(key);
    if (value && value !== 'posting') {
      const parsed = postedSchema.safeParse(safeJson(value));
      if (parsed.success) return { state: 'posted', message: parsed.data };
    }
    return { state: 'busy' };
  }

  async posted(signalId: string, recipient: string, message: PostedMessageRef): Promise<void> {
    await this.redis.set(this.key(signalId, recipient), JSON.stringify(message), 'EX', POSTED_TTL_S);
  }

  async release(signalId: string, recipient: string): Promise<void> {
    const key = this.key(signalId, recipient);
    // Only our own "posting" mark: never a posted message's reference.
    if ((await this.redis.get(key)) === 'posting') await this.redis.del(key);
  }

  private key(signalId: string, recipient: string): string {
    return `${this.prefix}:slack:posted:${signalId}:${recipient}`;
  }
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
