import type { RedisClient as Redis } from '../../state/redis';
import type { KeySpace } from '../../state/key-space';
import { StaleFenceError } from './stale-fence-error';

/** What was processed with a replay id: reconciliation later asks for changes since the latest commitTimestamp. */
export interface ChangeSeen {
  entityName: string;
  /** Epoch ms. */
  commitTimestamp: number;
}

// Moves each value forward only; every key shares the prefix's hash tag, so this is one slot on Redis Cluster.
// KEYS: replay id, the stream lease's fencing counter, the fence of the last commit, [last change seen].
// ARGV: replay id, force ('1'), fence ('' = unfenced), [commit timestamp]. Returns 1 moved, 0 not, -1 fenced out.
const COMMIT_SCRIPT = `
if ARGV[3] ~= '' and redis.call('GET', KEYS[2]) ~= ARGV[3] then return -1 end
local advanced = 0
local current = redis.call('GET', KEYS[1])
if ARGV[2] == '1' or not current or tonumber(current) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1])
  if ARGV[3] ~= '' then redis.call('SET', KEYS[3], ARGV[3]) end
  advanced = 1
end
if #KEYS > 3 then
  local seen = redis.call('GET', KEYS[4])
  if not seen or tonumber(seen) < tonumber(ARGV[4]) then redis.call('SET', KEYS[4], ARGV[4]) end
end
return advanced
`;

/**
 * The durable replay id of one CometD channel, and per object the latest change processed. The replay id is
 * written only after an event's work is safely enqueued, and never moves backwards (a late commit from a
 * slower path cannot rewind the stream).
 */
export class ReplayStore {
  /** The stream leader's fencing token: set, every commit is refused once a newer leader drew a higher one. */
  private fence: number | undefined;
  private readonly fencedOutListeners: ((error: StaleFenceError) => void)[] = [];

  constructor(
    private readonly redis: Redis,
    private readonly keys: KeySpace,
    readonly channel: string,
  ) {}

  /** Commits from now on carry `fence` and are refused (StaleFenceError) once the lease's counter moved past it. */
  fenceWith(fence: number): void {
    this.fence = fence;
  }

  /** Called when a commit was refused by the fence (the lease steps down). */
  onFencedOut(listener: (error: StaleFenceError) => void): void {
    this.fencedOutListeners.push(listener);
  }

  /** The fencing token of the leader that stored the current replay id (null: stored unfenced, or nothing yet). */
  async committedFence(): Promise<number | null> {
    return parseNumber(await this.redis.get(this.committerFenceKey())) ?? null;
  }

  async get(): Promise<number | undefined> {
    return parseNumber(await this.redis.get(this.keys.replayId(this.channel)));
  }

  /** Stores `replayId` if it is ahead of the stored one; returns whether it moved. */
  async commit(replayId: number, seen?: ChangeSeen): Promise<boolean> {
    return this.run(replayId, false, seen);
  }

  /**
   * Stores `replayId` even if it is behind: only after the stored id was refused as invalid and the object was
   * reconciled, because then the stored id means nothing any more (e.g. the org's ids were reset).
   */
  async replace(replayId: number, seen?: ChangeSeen): Promise<void> {
    await this.run(replayId, true, seen);
  }

  /** The latest `commitTimestamp` processed for the object (epoch ms), if any. */
  async lastChangeSeen(entityName: string): Promise<number | undefined> {
    return parseNumber(await this.redis.get(this.keys.lastChangeSeen(entityName)));
  }

  private async run(replayId: number, force: boolean, seen: ChangeSeen | undefined): Promise<boolean> {
    if (!Number.isSafeInteger(replayId)) throw new Error(`replay id must be an integer, got ${replayId}`);
    const fence = this.fence;
    const keys = [this.keys.replayId(this.channel), `${this.keys.streamLease()}:fence`, this.committerFenceKey()];
    const args = [String(replayId), force ? '1' : '0', fence === undefined ? '' : String(fence)];
    if (seen && Number.isFinite(seen.commitTimestamp)) {
      keys.push(this.keys.lastChangeSeen(seen.entityName));
      args.push(String(Math.trunc(seen.commitTimestamp)));
    }
    const advanced = await this.redis.eval(COMMIT_SCRIPT, keys.length, ...keys, ...args);
    if (advanced === -1 && fence !== undefined) {
      const error = new StaleFenceError(fence, parseNumber(await this.redis.get(keys[1] as string)) ?? null);
      for (const listener of this.fencedOutListeners) listener(error);
      throw error;
    }
    return advanced === 1;
  }

  private committerFenceKey(): string {
    return `${this.keys.replayId(this.channel)}:fence`;
  }
}

function parseNumber(raw: string | null): number | undefined {
  if (raw === null) return undefined;
  const value = Number(raw);
  return Number.isSafeInteger(value) ? value : undefined;
}
