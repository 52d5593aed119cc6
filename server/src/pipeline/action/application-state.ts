import { randomUUID } from 'node:crypto';
import type { RedisClient as Redis } from '../../state/redis';
import { z } from 'zod';
import type { KeySpace } from '../../state/key-space';

export const APPLICATION_STATUSES = ['Pending', 'Succeeded', 'Failed', 'Skipped'] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

const stateSchema = z.object({
  status: z.enum(APPLICATION_STATUSES),
  attempts: z.number().int().nonnegative(),
  /** When the log first went Pending: effects created by us after it are ours (CampaignMember duplicates). */
  pendingSince: z.string().optional(),
  externalId: z.string().optional(),
  message: z.string().optional(),
  /** Accepted by the target and finished later: a poll job owns it, a redelivered event must not apply again. */
  polling: z.boolean().optional(),
});
export type ApplicationState = z.infer<typeof stateSchema>;

/** Settled states stay a while for cheap replays; after that the Audience_Action_Log__c row answers. */
const SETTLED_TTL_SECONDS = 14 * 24 * 3600;
/** The episode lock's lifetime by default (a dead worker's episodes wait this long). */
const LOCK_TTL_MS = 120_000;

const RELEASE = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

export function isSettled(state: ApplicationState | undefined): boolean {
  return state !== undefined && state.status !== 'Pending';
}

/**
 * Where each application stands, in Redis: the fast path of "at most once". Salesforce's log row is the durable
 * record; this store is rebuilt from it when Redis lost it (see ActionLog.read).
 */
export class ApplicationStateStore {
  private readonly lockMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly keys: KeySpace,
    options: { lockMs?: number } = {},
  ) {
    // Well beyond the job's lock: a live worker keeps its episode for the whole application, batches included.
    this.lockMs = options.lockMs === undefined ? LOCK_TTL_MS : options.lockMs * 4;
  }

  async get(applicationKey: string): Promise<ApplicationState | undefined> {
    const raw = await this.redis.get(this.keys.actionApplication(applicationKey));
    if (raw === null) return undefined;
    const parsed = stateSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  }

  async set(applicationKey: string, state: ApplicationState): Promise<void> {
    const key = this.keys.actionApplication(applicationKey);
    const value = JSON.stringify(state);
    if (isSettled(state)) await this.redis.set(key, value, 'EX', SETTLED_TTL_SECONDS);
    else await this.redis.set(key, value);
  }

  /**
   * Holds one action's work on one episode; undefined when someone else holds it. A crashed holder's lock expires,
   * so its work is picked up again by the job's retry.
   */
  async lock(actionId: string, episodeKey: string): Promise<(() => Promise<void>) | undefined> {
    const key = this.keys.actionLock(actionId, episodeKey);
    const token = randomUUID();
    const ok = await this.redis.set(key, token, 'PX', this.lockMs, 'NX');
    if (ok !== 'OK') return undefined;
    return async () => {
      await this.redis.eval(RELEASE, 1, key, token);
    };
  }
}
