import type { RedisClient as Redis } from '../../../../state/redis';
import { createHash, randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import type { Logger } from '../../../../lib/logger';
import { retryAfterMs } from '../../../enrich/providers/retry-after';
import { httpCall, type FetchLike } from '../shared/http-call';
import { open, seal } from '../shared/secret-box';
import { TargetError } from '../shared/target-error';

export interface OutreachCredentials {
  clientId: string;
  clientSecret: string;
  /** The refresh token the admin gave (`OUTREACH_REFRESH_TOKEN`); used until Outreach rotates it. */
  refreshToken: string;
  redirectUri?: string;
  tokenUrl: URL;
}

export interface OutreachTokenStoreDeps {
  redis: Redis;
  prefix: string;
  /** AES-256 key (`OUTREACH_TOKEN_KEY`) the stored tokens are sealed with. */
  encryptionKey: Buffer;
  credentials: OutreachCredentials;
  fetch: FetchLike;
  logger: Logger;
  now?: () => number;
  /** How a worker waits for another one's refresh; tests pass one that tells them it is waiting. */
  sleep?: (ms: number) => Promise<void>;
  /** How long one worker may hold the refresh lock (a refresh that never finishes must not block for ever). */
  lockTtlMs?: number;
  lockPollMs?: number;
  timeoutMs?: number;
}

const StoredTokenSchema = z.object({
  refreshToken: z.string().min(1),
  accessToken: z.string().min(1),
  expiresAt: z.number(),
  /** Hash of the environment's refresh token this chain grew from: a new one from the admin starts a new chain. */
  seed: z.string(),
});
type StoredToken = z.infer<typeof StoredTokenSchema>;

const TokenReplySchema = z.object({
  access_token: z.string().min(1),
  refresh_token: z.string().min(1).optional(),
  expires_in: z.number().positive().optional(),
});

/** Refresh this long before the access token expires, so a call never starts with a token about to die. */
const EXPIRY_SKEW_MS = 60_000;

// Deletes the lock only if it is still ours (a lock that outlived its TTL may belong to another worker now).
const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/**
 * Outreach's OAuth tokens, shared by every worker. Outreach may rotate the refresh token on each use, so the
 * latest one is kept in Redis, sealed with AES-256-GCM, and only one worker at a time refreshes (a Redis lock, SET
 * NX PX with a check of its id on release; within a process, one refresh in flight). A worker that finds the lock
 * taken waits for the new token instead of spending the old refresh token a second time.
 */
export class OutreachTokenStore {
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly lockTtlMs: number;
  private readonly lockPollMs: number;
  private readonly seed: string;
  private cached?: StoredToken;
  private inflight?: Promise<string>;

  constructor(private readonly deps: OutreachTokenStoreDeps) {
    this.now = deps.now ?? Date.now;
    this.sleep = deps.sleep ?? ((ms) => delay(ms));
    this.lockTtlMs = deps.lockTtlMs ?? 30_000;
    this.lockPollMs = deps.lockPollMs ?? 100;
    this.seed = createHash('sha256').update(deps.credentials.refreshToken).digest('hex');
  }

  get tokenKey(): string {
    return `${this.deps.prefix}:action:outreach:token`;
  }

  get lockKey(): string {
    return `${this.deps.prefix}:action:outreach:token-lock`;
  }

  /** A live access token: the cached one, the one another worker stored, or a fresh one. */
  async accessToken(): Promise<string> {
    if (this.cached && this.isLive(this.cached)) return this.cached.accessToken;
    const stored = await this.read();
    if (stored && this.isLive(stored)) {
      this.cached = stored;
      return stored.accessToken;
    }
    return this.refresh();
  }

  /** Outreach refused `rejected` (401): get another, unless another worker already replaced it. */
  async replace(rejected: string): Promise<string> {
    if (this.cached?.accessToken === rejected) this.cached = undefined;
    return this.refresh(rejected);
  }

  private refresh(rejected?: string): Promise<string> {
    this.inflight ??= this.refreshOnce(rejected).finally(() => {
      this.inflight = undefined;
    });
    return this.inflight;
  }

  private async refreshOnce(rejected: string | undefined): Promise<string> {
    const maxPolls = Math.ceil(this.lockTtlMs / this.lockPollMs) + 1;
    for (let poll = 0; poll <= maxPolls; poll += 1) {
      const stored = await this.read();
      if (stored && this.isLive(stored) && stored.accessToken !== rejected) {
        this.cached = stored;
        return stored.accessToken;
      }
      const lockId = randomUUID();
      const locked = await this.deps.redis.set(this.lockKey, lockId, 'PX', this.lockTtlMs, 'NX');
      if (locked === 'OK') {
        try {
          // Another worker may have finished its refresh between our read and our lock.
          const current = await this.read();
          if (current && this.isLive(current) && current.accessToken !== rejected) {
            this.cached = current;
            return current.accessToken;
          }
          const fresh = await this.callTokenEndpoint(current?.refreshToken ?? this.deps.credentials.refreshToken);
          await this.write(fresh);
          this.cached = fresh;
          return fresh.accessToken;
        } finally {
          await this.deps.redis.eval(RELEASE_SCRIPT, 1, this.lockKey, lockId);
        }
      }
      await this.sleep(this.lockPollMs);
    }
    throw new TargetError('OUTREACH_TOKEN_BUSY', 'another worker has held the Outreach token refresh too long', true);
  }

  private async callTokenEndpoint(refreshToken: string): Promise<StoredToken> {
    const { clientId, clientSecret, redirectUri, tokenUrl } = this.deps.credentials;
    const form = new URLSearchParams({
      client_id: clientId,
      client_secret: clientSecret,
      grant_type: 'refresh_token',
      refresh_token: refreshToken,
    });
    if (redirectUri) form.set('redirect_uri', redirectUri);
    const reply = await httpCall(
      {
        method: 'POST',
        url: tokenUrl,
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: form.toString(),
        timeoutMs: this.deps.timeoutMs ?? 15_000,
      },
      this.deps.fetch,
    );
    if (reply.kind === 'network') {
      throw new TargetError('OUTREACH_UNAVAILABLE', `Outreach token endpoint: ${reply.message}`, true);
    }
    if (reply.status === 429 || reply.status >= 500) {
      const wait = retryAfterMs(reply.headers, new Date(this.now()));
      throw new TargetError('OUTREACH_UNAVAILABLE', `Outreach token endpoint: HTTP ${reply.status}`, true, wait);
    }
    const parsed = TokenReplySchema.safeParse(reply.body);
    if (reply.status !== 200 || !parsed.success) {
      // invalid_grant and friends: the refresh token is dead or the app's credentials are wrong; a person must
      // authorise the app again. The reply's error code is safe to show, its description may echo input.
      const code = (reply.body as { error?: unknown } | undefined)?.error;
      this.deps.logger.error({ status: reply.status, error: code }, 'Outreach refused the refresh token');
      throw new TargetError(
        'OUTREACH_AUTH_FAILED',
        `Outreach refused the refresh token (HTTP ${reply.status}${typeof code === 'string' ? `, ${code}` : ''}); ` +
          'authorise the app again and set OUTREACH_REFRESH_TOKEN',
        false,
      );
    }
    const { access_token, refresh_token, expires_in } = parsed.data;
    return {
      accessToken: access_token,
      // Outreach may or may not rotate: keep the one we used when it sends none.
      refreshToken: refresh_token ?? refreshToken,
      expiresAt: this.now() + (expires_in ?? 7200) * 1000,
      seed: this.seed,
    };
  }

  private isLive(token: StoredToken): boolean {
    return token.expiresAt - EXPIRY_SKEW_MS > this.now();
  }

  private async read(): Promise<StoredToken | undefined> {
    const sealed = await this.deps.redis.get(this.tokenKey);
    if (sealed === null) return undefined;
    const plaintext = open(this.deps.encryptionKey, sealed, this.tokenKey);
    if (plaintext === undefined) {
      this.deps.logger.warn(
        'the stored Outreach token does not open with OUTREACH_TOKEN_KEY; starting from the environment',
      );
      return undefined;
    }
    const parsed = StoredTokenSchema.safeParse(JSON.parse(plaintext));
    if (!parsed.success || parsed.data.seed !== this.seed) return undefined;
    return parsed.data;
  }

  private async write(token: StoredToken): Promise<void> {
    await this.deps.redis.set(this.tokenKey, seal(this.deps.encryptionKey, JSON.stringify(token), this.tokenKey));
  }
}
