import type { RedisClient as Redis } from '../../../state/redis';
import { z } from 'zod';
import { CHANGE_TYPES } from '../../../salesforce/stream/change-event';
import type { KeySpace } from '../../../state/key-space';

/** A change event the loop gave up on: what it was, why, and when it was tried. Never field values. */
export const deadLetterSchema = z.object({
  /** `<replayId>` for a handler that kept failing, `<replayId>-ids` for record ids that are not ids. */
  id: z.string().min(1),
  replayId: z.number().int(),
  entityName: z.string(),
  changeType: z.enum(CHANGE_TYPES),
  recordIds: z.array(z.string()),
  reason: z.object({ code: z.string(), message: z.string() }),
  attempts: z.number().int().nonnegative(),
  firstAttemptAt: z.string(),
  lastAttemptAt: z.string(),
  /** False when trying again cannot help (the ids are not Salesforce ids): it can only be cleared. */
  retryable: z.boolean(),
});

export type DeadLetter = z.infer<typeof deadLetterSchema>;

/**
 * The dead letters in Redis: one hash under the loop's prefix, one JSON entry per letter. Saving an id that is
 * already there keeps its first attempt and adds the attempts (the same event failing again on a retry).
 */
export class DeadLetterStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: KeySpace,
  ) {}

  /** Saves the letter; true when it is new. */
  async save(letter: DeadLetter): Promise<boolean> {
    const known = await this.get(letter.id);
    const merged = known
      ? { ...letter, firstAttemptAt: known.firstAttemptAt, attempts: known.attempts + letter.attempts }
      : letter;
    await this.redis.hset(this.keys.deadLetters(), letter.id, JSON.stringify(merged));
    return !known;
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    return parse(await this.redis.hget(this.keys.deadLetters(), id));
  }

  /** Every letter, oldest first. */
  async list(): Promise<DeadLetter[]> {
    const raw = await this.redis.hvals(this.keys.deadLetters());
    const letters = raw.map(parse).filter((letter): letter is DeadLetter => letter !== undefined);
    return letters.sort((a, b) => a.firstAttemptAt.localeCompare(b.firstAttemptAt) || a.replayId - b.replayId);
  }

  count(): Promise<number> {
    return this.redis.hlen(this.keys.deadLetters());
  }

  /** True when the letter was there. */
  async remove(id: string): Promise<boolean> {
    return (await this.redis.hdel(this.keys.deadLetters(), id)) > 0;
  }

  /** Removes every letter; returns how many there were. */
  async clear(): Promise<number> {
    const count = await this.count();
    await this.redis.del(this.keys.deadLetters());
    return count;
  }
}

/** An entry that does not parse (written by another version) is left out rather than failing the whole list. */
function parse(raw: string | null): DeadLetter | undefined {
  if (raw === null) return undefined;
  try {
    const parsed = deadLetterSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
