import { createHash } from 'node:crypto';
import type { RedisClient as Redis } from '../state/redis';
import { z } from 'zod';
import type { SlackWebClient } from './slack-web-client';

/** A found user is kept a day; "no such user" an hour (a new hire gets Slack soon). */
const FOUND_TTL_S = 24 * 3600;
const MISSING_TTL_S = 3600;
const MISSING = '-';

const lookupReplySchema = z.looseObject({ user: z.looseObject({ id: z.string().min(1) }) });

export type SlackUserLookup =
  | { status: 'found'; userId: string }
  | { status: 'missing' }
  | { status: 'error'; error: string; retryAfterMs?: number };

/**
 * Salesforce users → Slack users by email (`users.lookupByEmail`, Tier 3), cached in Redis so a burst of signals
 * for one owner asks Slack once. The key holds a hash of the email, never the address.
 */
export class SlackUserDirectory {
  constructor(
    private readonly slack: SlackWebClient,
    private readonly redis: Redis,
    private readonly prefix: string,
  ) {}

  async lookup(email: string): Promise<SlackUserLookup> {
    const key = `${this.prefix}:slack:user:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;
    const cached = await this.redis.get(key);
    if (cached === MISSING) return { status: 'missing' };
    if (cached) return { status: 'found', userId: cached };
    const reply = await this.slack.lookupUserByEmail(email.trim());
    if (!reply.ok) {
      if (reply.error === 'users_not_found') {
        await this.redis.set(key, MISSING, 'EX', MISSING_TTL_S);
        return { status: 'missing' };
      }
      return { status: 'error', error: reply.error, retryAfterMs: reply.retryAfterMs };
    }
    const parsed = lookupReplySchema.safeParse(reply.body);
    if (!parsed.success) return { status: 'error', error: 'invalid_response' };
    await this.redis.set(key, parsed.data.user.id, 'EX', FOUND_TTL_S);
    return { status: 'found', userId: parsed.data.user.id };
  }
}
