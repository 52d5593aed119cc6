import type { RedisClient as Redis } from './redis';
import type { KeySpace } from './key-space';

// KEYS[1]: the dictionary hash. ARGV: names. Returns their ids, giving each unknown name the next free one (HLEN + 1)
// atomically, so two processes never give one id to two names.
const ASSIGN = `
local ids = {}
for i, name in ipairs(ARGV) do
  local id = redis.call('HGET', KEYS[1], name)
  if not id then
    id = redis.call('HLEN', KEYS[1]) + 1
    redis.call('HSET', KEYS[1], name, id)
  end
  ids[i] = tonumber(id)
end
return ids
`;

/**
 * Short numeric ids for names that compact state repeats on every record (field API names, provider and rule names),
 * shared by every process of a prefix through one Redis hash. Ids are never reused or changed, so a value written with
 * them stays readable; each process caches the whole (small) dictionary and reloads it on an id it has not seen.
 */
export class NameDictionary {
  private readonly idByName = new Map<string, number>();
  private readonly nameById = new Map<number, string>();

  constructor(
    private readonly redis: Redis,
    private readonly keys: KeySpace,
  ) {}

  /** The id of each name, assigning ids to new names (one round trip when any is new, none otherwise). */
  async ids(names: Iterable<string>): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    const unknown: string[] = [];
    for (const name of names) {
      const id = this.idByName.get(name);
      if (id === undefined) unknown.push(name);
      else out.set(name, id);
    }
    if (unknown.length === 0) return out;
    const distinct = [...new Set(unknown)];
    const ids = (await this.redis.eval(ASSIGN, 1, this.keys.nameDictionary(), ...distinct)) as number[];
    distinct.forEach((name, index) => {
      const id = Number(ids[index]);
      this.remember(name, id);
      out.set(name, id);
    });
    return out;
  }

  /** The id of a name this process already knows (after `ids`), else undefined. */
  knownId(name: string): number | undefined {
    return this.idByName.get(name);
  }

  /** The name of an id, or undefined when this process has not seen it (call `reload`, then ask again). */
  name(id: number): string | undefined {
    return this.nameById.get(id);
  }

  /** Reads the whole dictionary again (another process assigned ids this one has not seen). */
  async reload(): Promise<void> {
    const all = await this.redis.hgetall(this.keys.nameDictionary());
    for (const [name, id] of Object.entries(all)) this.remember(name, Number(id));
  }

  private remember(name: string, id: number): void {
    this.idByName.set(name, id);
    this.nameById.set(id, name);
  }
}
