import type { Redis } from 'ioredis';
import type { KeySpace } from '../../state/key-space';

/** What was processed with a replay id: reconciliation later asks for changes since the latest commitTimestamp. */
export interface ChangeSeen {
  entityName: string;
  /** Epoch ms. */
  commitTimestamp: number;
}

// Moves each value forward only; both keys share the prefix's hash tag, so this is one slot on Redis Cluster.
const COMMIT_SCRIPT = `
local advanced = 0
local current = redis.call('GET', KEYS[1])
if ARGV[2] == '1' or not current or tonumber(current) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], ARGV[1])
  advanced = 1
end
if #KEYS > 1 then
  local seen = redis.call('GET', KEYS[2])
  if not seen or tonumber(seen) < tonumber(ARGV[3]) then redis.call('SET', KEYS[2], ARGV[3]) end
end
return advanced
`;

/**
 * The durable replay id of one CometD channel, and per object the latest change processed. The replay id is
 * written only after an event's work is safely enqueued, and never moves backwards (a late commit from a
 * slower path cannot rewind the stream).
 */
export class ReplayStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: KeySpace,
    readonly channel: string,
  ) {}

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
    const keys = [this.keys.replayId(this.channel)];
    const args = [String(replayId), force ? '1' : '0'];
    if (seen && Number.isFinite(seen.commitTimestamp)) {
      keys.push(this.keys.lastChangeSeen(seen.entityName));
      args.push(String(Math.trunc(seen.commitTimestamp)));
    }
    const advanced = await this.redis.eval(COMMIT_SCRIPT, keys.length, ...keys, ...args);
    return advanced === 1;
  }
}

function parseNumber(raw: string | null): number | undefined {
  if (raw === null) return undefined;
  const value = Number(raw);
  return Number.isSafeInteger(value) ? value : undefined;
}
