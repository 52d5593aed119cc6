import type { RedisClient as Redis } from '../../state/redis';
import type { FieldValue, MirrorRecord, RecordObject } from '../../domain/mirror-record';
import type { KeySpace } from '../../state/key-space';
import { NameDictionary } from '../../state/name-dictionary';
import { GenerationalMap } from '../../lib/generational-map';
import { decodeRecord, encodeRecord, EncodingIds, UnknownNameId } from './mirror-codec';
import { shownFields, traceRecord, tracing } from '../../lib/record-trace';

/** Rounds of `patchMany` for records other writers keep changing (each round re-reads them). */
const MAX_PATCH_ROUNDS = 20;
/**
 * Records per compare-and-set round trip of `patchMany`: a Bulk-write import patches 15,000 at once, and one script
 * call with each record's old and new value (~1 KB) was a 15 MB command string beside its 15 MB of values.
 */
const PATCH_CHUNK = 2000;
/**
 * Texts remembered with their decoded fields (`MirrorStore.recent`): enough for the pages in flight, whose echoes
 * and the writer's patches read back what this process just wrote.
 */
const RECENT_TEXTS = 4096;

// KEYS: an object's mirror hash. ARGV[1]: per record its id, the value the patch was computed from and the patched
// value, all joined by \x1f. Sets each record that still holds the value read; returns the ids that changed (or went)
// meanwhile. One argument, not three per record: as thousands of arguments ioredis built the command as a rope of
// ~5 pieces per argument that the socket write then flattened (issue 19: the largest command of a sync, ~1 KB per
// record). Values are JSON text (ours, or read and decoded), which never holds a raw control character.
const COMPARE_AND_SET = `
local all = ARGV[1]
local changed = {}
local at = 1
while at <= #all do
  local idEnd = string.find(all, '\\31', at, true)
  local oldEnd = string.find(all, '\\31', idEnd + 1, true)
  local newEnd = string.find(all, '\\31', oldEnd + 1, true) or (#all + 1)
  local id = string.sub(all, at, idEnd - 1)
  if redis.call('HGET', KEYS[1], id) == string.sub(all, idEnd + 1, oldEnd - 1) then
    redis.call('HSET', KEYS[1], id, string.sub(all, oldEnd + 1, newEnd - 1))
  else
    changed[#changed + 1] = id
  end
  at = newEnd + 1
end
return changed
`;

// KEYS: an object's mirror hash. ARGV[1]: per record its id and packed value, all joined by \x1f (JSON never holds
// it raw). Sets them, a thousand arguments per HSET. One argument, not two per record: see COMPARE_AND_SET.
const PUT = `
local all = ARGV[1]
local args = {}
local at = 1
while at <= #all do
  local idEnd = string.find(all, '\\31', at, true)
  local valueEnd = string.find(all, '\\31', idEnd + 1, true) or (#all + 1)
  args[#args + 1] = string.sub(all, at, idEnd - 1)
  args[#args + 1] = string.sub(all, idEnd + 1, valueEnd - 1)
  at = valueEnd + 1
  if #args == 1000 then
    redis.call('HSET', KEYS[1], unpack(args))
    args = {}
  end
end
if #args > 0 then redis.call('HSET', KEYS[1], unpack(args)) end
return 1
`;

// KEYS: sets. ARGV: per key, how many members, then the members. Adds each key's members to it (unpacked a thousand
// at a time: Lua's stack has room for about 8,000).
const ADD_TO_SETS = `
local at = 1
for k = 1, #KEYS do
  local last = at + tonumber(ARGV[at])
  local first = at + 1
  while first <= last do
    local upto = math.min(first + 999, last)
    redis.call('SADD', KEYS[k], unpack(ARGV, first, upto))
    first = upto + 1
  end
  at = last + 1
end
return #KEYS
`;

/**
 * The record mirror in Redis: one hash per object, record id → the mirrored fields packed (mirror-codec.ts: field
 * names as short shared ids, date-times as numbers, provenance as rows). Only the fields the loop needs are kept
 * (DESIGN §5). Values written by earlier versions (JSON objects) are read as they are and packed when next written.
 */
export class MirrorStore {
  private readonly dictionary: NameDictionary;
  /**
   * The packed text this store last wrote or read for a record's fields object. `patchMany` given the records in
   * hand compares-and-sets against it instead of reading the page back and decoding it again (issue 19: that read
   * was a visible share of a sync's CPU). Stale texts only cost a conflict round; fields objects are never mutated.
   */
  private readonly packedOf = new WeakMap<Record<string, FieldValue>, string>();
  /**
   * The text this store last wrote or read for a record id, with its decoded fields (the last 4,096 to 8,192).
   * A read that finds the same bytes reuses them instead of decoding (issue 19: the echo flush reads back nearly
   * every record the writer just patched, and the writer's patch that lost the race to an echo reads back what the
   * echo wrote). The same bytes always decode to the same fields: name ids are never reused.
   */
  private readonly recent = new GenerationalMap<string, { raw: string; fields: Record<string, FieldValue> }>(
    RECENT_TEXTS,
  );

  constructor(
    private readonly redis: Redis,
    private readonly keys: KeySpace,
  ) {
    this.dictionary = new NameDictionary(redis, keys);
  }

  async get(object: RecordObject, id: string): Promise<MirrorRecord | undefined> {
    return (await this.getMany(object, [id])).get(id);
  }

  async getMany(object: RecordObject, ids: string[]): Promise<Map<string, MirrorRecord>> {
    const found = new Map<string, MirrorRecord>();
    if (ids.length === 0) return found;
    const raws = await this.redis.hmget(this.keys.mirror(object), ...ids);
    const entries: [string, string][] = [];
    raws.forEach((raw, index) => {
      if (raw !== null) entries.push([ids[index] as string, raw]);
    });
    for (const [id, fields] of await this.decodeAll(entries)) found.set(id, { id, object, fields });
    return found;
  }

  /** Decodes stored values; an id another process gave a name this one has not seen reloads the dictionary once. */
  private async decodeAll(entries: [string, string][]): Promise<Map<string, Record<string, FieldValue>>> {
    try {
      return this.decodeNow(entries);
    } catch (error) {
      if (!(error instanceof UnknownNameId)) throw error;
      await this.dictionary.reload();
      return this.decodeNow(entries);
    }
  }

  private decodeNow(entries: [string, string][]): Map<string, Record<string, FieldValue>> {
    const out = new Map<string, Record<string, FieldValue>>();
    for (const [id, raw] of entries) {
      const known = this.recent.get(id);
      if (known?.raw === raw) {
        out.set(id, known.fields);
        continue;
      }
      const fields = decodeRecord(id, raw, this.dictionary);
      this.remember(id, raw, fields);
      out.set(id, fields);
    }
    return out;
  }

  /** Notes the text a record's fields are stored as (`packedOf`, `recent`). */
  private remember(id: string, raw: string, fields: Record<string, FieldValue>): void {
    this.packedOf.set(fields, raw);
    this.recent.set(id, { raw, fields });
  }

  /** The packed values of records, in their order (assigning dictionary ids to names seen for the first time). */
  private async encodeAll(records: readonly { id: string; fields: Record<string, FieldValue> }[]): Promise<string[]> {
    const ids = new EncodingIds(this.dictionary, new Set());
    const packed = records.map((record) => encodeRecord(record.id, record.fields, ids));
    if (ids.missing.size === 0) return packed as string[];
    await this.dictionary.ids(ids.missing);
    return records.map((record, index) => {
      const done = packed[index] ?? encodeRecord(record.id, record.fields, ids);
      if (done === undefined) throw new Error(`mirror codec: names without an id after assigning them (${record.id})`);
      return done;
    });
  }

  /**
   * Replaces whole records (import, re-read) and keeps the Account → Contacts index in step. A record read before a
   * change that the mirror already holds (an import page racing a change event) never overwrites the newer copy:
   * `changedAt` decides. Returns each record as the mirror now holds it.
   */
  async putMany(records: MirrorRecord[]): Promise<MirrorRecord[]> {
    if (records.length === 0) return [];
    const current = await this.getManyAcross(records);
    const effective = records.map((record) => {
      const held = current.get(record.id);
      const heldAt = held && changedAt(held.fields);
      const incomingAt = changedAt(record.fields);
      const newerHeld = heldAt !== undefined && incomingAt !== undefined && heldAt > incomingAt;
      if (tracing) {
        traceRecord(record.id, 'mirror.put', {
          kept: newerHeld && held ? 'held' : 'incoming',
          held: shownFields(held?.fields),
          incoming: shownFields(record.fields),
        });
      }
      return newerHeld && held ? held : record;
    });
    await this.write(effective.filter((record, index) => record === records[index]));
    return effective;
  }

  private async write(records: MirrorRecord[]): Promise<void> {
    if (records.length === 0) return;
    const packed = await this.encodeAll(records);
    records.forEach((record, index) => this.remember(record.id, packed[index] as string, record.fields));
    // One put per object and one script for the page's accounts (a command per record was most of the cost).
    const byObject = new Map<RecordObject, string[]>();
    const byAccount = new Map<string, string[]>();
    records.forEach((record, index) => {
      let hash = byObject.get(record.object);
      if (!hash) byObject.set(record.object, (hash = []));
      hash.push(record.id, packed[index] as string);
      const accountId = record.object === 'Contact' ? record.fields.AccountId : undefined;
      if (typeof accountId !== 'string' || !accountId) return;
      const contacts = byAccount.get(accountId);
      if (contacts) contacts.push(record.id);
      else byAccount.set(accountId, [record.id]);
    });
    const pipeline = this.redis.pipeline();
    for (const [object, hash] of byObject) pipeline.eval(PUT, 1, this.keys.mirror(object), hash.join('\x1f'));
    if (byAccount.size > 0) {
      // One script for the page's accounts: a SADD each was ~1,200 commands per 2,000-contact page (issue 19).
      const keys: string[] = [];
      const args: string[] = [];
      for (const [accountId, ids] of byAccount) {
        keys.push(this.keys.accountContacts(accountId));
        args.push(String(ids.length), ...ids);
      }
      pipeline.eval(ADD_TO_SETS, keys.length, ...keys, ...args);
    }
    await pipeline.exec();
  }

  /**
   * Applies changed fields to a mirrored record (a change event, a confirmed write) and returns the result;
   * undefined when the record is not mirrored (it never matched a source).
   */
  async patch(
    object: RecordObject,
    id: string,
    changes: Record<string, FieldValue>,
  ): Promise<MirrorRecord | undefined> {
    return (await this.patchMany(object, new Map([[id, changes]]))).get(id);
  }

  /**
   * `patch` for many records of one object: one read and one compare-and-set write. Unmirrored ids are left out.
   * Each record is written only if it still holds what the patch was computed from; one that changed meanwhile (a
   * change event and our own write-back patching it at once) is read and patched again — a plain read-then-write
   * put the earlier read's fields back over the other patch (a rep's new Title undone, the audience entry lost).
   * `held`: records as the caller got them from this store; those it wrote or read are patched without a read.
   */
  async patchMany(
    object: RecordObject,
    changes: ReadonlyMap<string, Record<string, FieldValue>>,
    held?: ReadonlyMap<string, MirrorRecord>,
  ): Promise<Map<string, MirrorRecord>> {
    return this.patchWhere(object, changes, held, undefined);
  }

  /**
   * Applies the echoes of our own writes (values the org now holds, `at` = the echo's LastModifiedDate or commit
   * time): the writer patches the mirror from the write's response, but a process killed between the write landing
   * and that patch, or a re-read that raced the write, left the mirror behind the org for good (chaos kill -9,
   * issue 13). A record whose copy is newer than the echo (a re-read after a later change) is left as it is, and one
   * already holding the echo's values is not written. Returns the ids patched.
   */
  async applyEchoes(
    object: RecordObject,
    echoes: ReadonlyMap<string, { changes: Record<string, FieldValue>; at: number }>,
  ): Promise<string[]> {
    const changes = new Map<string, Record<string, FieldValue>>();
    for (const [id, echo] of echoes) changes.set(id, echo.changes);
    const patched = await this.patchWhere(object, changes, undefined, (id, fields) => {
      const echo = echoes.get(id);
      if (!echo || isNewerThan(fields, echo.at)) return false;
      return differsIn(fields, echo.changes);
    });
    return [...patched.keys()];
  }

  /**
   * A person's change from the stream (`at`: its LastModifiedDate, else its commit time), patched in unless the
   * mirror's copy is newer: a re-read made after the change (the reconcile after a Redis failover, a gap) already
   * holds it, and the change arriving late would roll that copy back — the audience left and a write-back of a value
   * no longer true, until the next change put it right. Returns the patched record, `'newer'` when the copy was
   * newer, undefined when the record is not mirrored.
   */
  async applyChange(
    object: RecordObject,
    id: string,
    changes: Record<string, FieldValue>,
    at: number,
  ): Promise<MirrorRecord | 'newer' | undefined> {
    let newer = false;
    const patched = await this.patchWhere(object, new Map([[id, changes]]), undefined, (_id, fields) => {
      newer = isNewerThan(fields, at);
      return !newer;
    });
    return patched.get(id) ?? (newer ? 'newer' : undefined);
  }

  /** `patchMany`, leaving out the records `wanted` refuses (checked on each round's current copy). */
  private async patchWhere(
    object: RecordObject,
    changes: ReadonlyMap<string, Record<string, FieldValue>>,
    held: ReadonlyMap<string, MirrorRecord> | undefined,
    wanted: ((id: string, fields: Record<string, FieldValue>) => boolean) | undefined,
  ): Promise<Map<string, MirrorRecord>> {
    const patched = new Map<string, MirrorRecord>();
    const ids = [...changes.keys()];
    for (let i = 0; i < ids.length; i += PATCH_CHUNK) {
      let todo = ids.slice(i, i + PATCH_CHUNK);
      for (let round = 1; todo.length > 0; round += 1) {
        if (round > MAX_PATCH_ROUNDS) throw new Error(`mirror patch of ${todo.join(', ')}: the records kept changing`);
        todo = await this.patchOnce(object, todo, changes, patched, round === 1 ? held : undefined, wanted);
      }
    }
    return patched;
  }

  /**
   * The current value of records for a patch: from `held` when this store knows the text it holds for it (checked by
   * the compare-and-set), the rest read and decoded. Unmirrored ids are left out.
   */
  private async currentOf(
    key: string,
    ids: string[],
    held: ReadonlyMap<string, MirrorRecord> | undefined,
  ): Promise<Current[]> {
    const current: Current[] = [];
    const unknown: string[] = [];
    for (const id of ids) {
      const fields = held?.get(id)?.fields;
      const raw = fields && this.packedOf.get(fields);
      const latest = fields && this.recent.get(id);
      // This store wrote or read another text for the record since the page was read (its own echo, applied ahead
      // of the writer): patching from that copy spares a compare-and-set bound to fail and the read-back after it.
      if (latest && raw !== undefined && latest.raw !== raw) current.push({ id, ...latest, read: true });
      else if (fields && raw !== undefined) current.push({ id, raw, fields, read: false });
      else unknown.push(id);
    }
    if (unknown.length === 0) return current;
    const raws = await this.redis.hmget(key, ...unknown);
    const read: [string, string][] = [];
    raws.forEach((raw, index) => {
      if (raw !== null) read.push([unknown[index] as string, raw]);
    });
    const decoded = await this.decodeAll(read);
    for (const [id, raw] of read) {
      current.push({ id, raw, fields: decoded.get(id) as Record<string, FieldValue>, read: true });
    }
    return current;
  }

  /** One round of `patchMany`: the ids whose stored value changed since they were read (to be patched again). */
  private async patchOnce(
    object: RecordObject,
    ids: string[],
    changes: ReadonlyMap<string, Record<string, FieldValue>>,
    patched: Map<string, MirrorRecord>,
    held: ReadonlyMap<string, MirrorRecord> | undefined,
    wanted?: (id: string, fields: Record<string, FieldValue>) => boolean,
  ): Promise<string[]> {
    const key = this.keys.mirror(object);
    const found = await this.currentOf(key, ids, held);
    const current: Current[] = [];
    for (const record of found) {
      if (wanted && !wanted(record.id, record.fields)) continue;
      // Read just now and already holding every value of the patch (our own echo applied it first, or the writer's
      // patch landed before the echo's): nothing to write, and no compare-and-set to lose.
      if (record.read && holdsAll(record.fields, changes.get(record.id))) {
        patched.set(record.id, { id: record.id, object, fields: record.fields });
        if (tracing)
          traceRecord(record.id, 'mirror.patch', { unchanged: true, changes: shownFields(changes.get(record.id)) });
      } else current.push(record);
    }
    if (current.length === 0) return [];
    const next: MirrorRecord[] = current.map(({ id, fields }) => ({
      id,
      object,
      fields: { ...fields, ...changes.get(id) },
    }));
    const packed = await this.encodeAll(next);
    const args: string[] = [];
    current.forEach(({ id, raw }, index) => args.push(id, raw, packed[index] as string));
    const conflicted = new Set((await this.redis.eval(COMPARE_AND_SET, 1, key, args.join('\x1f'))) as string[]);
    const pipeline = this.redis.pipeline();
    next.forEach((record, index) => {
      if (tracing) {
        traceRecord(record.id, 'mirror.patch', {
          conflicted: conflicted.has(record.id),
          changes: shownFields(changes.get(record.id)),
          result: shownFields(record.fields),
        });
      }
      if (conflicted.has(record.id)) return;
      this.remember(record.id, packed[index] as string, record.fields);
      patched.set(record.id, record);
      if (object !== 'Contact') return;
      const oldAccount = current[index]?.fields.AccountId;
      const newAccount = record.fields.AccountId;
      if (oldAccount === newAccount) return; // the index already holds it
      if (typeof newAccount === 'string' && newAccount) pipeline.sadd(this.keys.accountContacts(newAccount), record.id);
      if (typeof oldAccount === 'string' && oldAccount) pipeline.srem(this.keys.accountContacts(oldAccount), record.id);
    });
    if (pipeline.length > 0) await pipeline.exec();
    return [...conflicted];
  }

  async remove(object: RecordObject, id: string): Promise<MirrorRecord | undefined> {
    const current = await this.get(object, id);
    if (!current) return undefined;
    if (tracing) traceRecord(id, 'mirror.remove', { held: shownFields(current.fields) });
    const pipeline = this.redis.pipeline().hdel(this.keys.mirror(object), id);
    const accountId = current.fields.AccountId;
    if (object === 'Contact' && typeof accountId === 'string') pipeline.srem(this.keys.accountContacts(accountId), id);
    await pipeline.exec();
    return current;
  }

  private async getManyAcross(records: MirrorRecord[]): Promise<Map<string, MirrorRecord>> {
    const byObject = new Map<MirrorRecord['object'], string[]>();
    for (const r of records) {
      // Pushed, not spread: a spread per record copied the page's ids over and over (quadratic in the page).
      const ids = byObject.get(r.object);
      if (ids) ids.push(r.id);
      else byObject.set(r.object, [r.id]);
    }
    const found = new Map<string, MirrorRecord>();
    for (const [object, ids] of byObject) for (const [id, r] of await this.getMany(object, ids)) found.set(id, r);
    return found;
  }

  async contactsOfAccount(accountId: string): Promise<string[]> {
    return this.redis.smembers(this.keys.accountContacts(accountId));
  }

  async count(object: RecordObject): Promise<number> {
    return this.redis.hlen(this.keys.mirror(object));
  }

  /** Walks every mirrored record of an object in pages (HSCAN), for audience evaluation and reconciliation. */
  async *scan(object: RecordObject, pageSize = 1000): AsyncGenerator<MirrorRecord[]> {
    let cursor = '0';
    do {
      const [next, flat] = await this.redis.hscan(this.keys.mirror(object), cursor, 'COUNT', pageSize);
      cursor = next;
      const entries: [string, string][] = [];
      for (let i = 0; i + 1 < flat.length; i += 2) entries.push([flat[i] as string, flat[i + 1] as string]);
      const page: MirrorRecord[] = [];
      for (const [id, fields] of await this.decodeAll(entries)) page.push({ id, object, fields });
      if (page.length > 0) yield page;
    } while (cursor !== '0');
  }
}

/**
 * When this copy of a record last changed: its `SystemModstamp`, or the `LastModifiedDate` a change event patched in
 * (change events never carry `SystemModstamp`). Comparing `SystemModstamp` alone let a page read before a rep's edit
 * overwrite the edit patched in meanwhile (both held the old stamp): the edit was lost from the mirror for good.
 */
function changedAt(fields: Record<string, FieldValue>): number | undefined {
  const modstamp = stampOf(fields.SystemModstamp);
  const modified = stampOf(fields.LastModifiedDate);
  if (modstamp === undefined) return modified;
  return modified === undefined ? modstamp : Math.max(modstamp, modified);
}

/**
 * The current copy of a record for a patch; `read`: from Redis this round or the store's latest copy of it (else the
 * caller's copy, unverified).
 */
interface Current {
  id: string;
  raw: string;
  fields: Record<string, FieldValue>;
  read: boolean;
}

/** True when the fields already hold every value of a change exactly (so the patched copy would be the same). */
function holdsAll(fields: Record<string, FieldValue>, changes: Record<string, FieldValue> | undefined): boolean {
  if (!changes) return true;
  for (const name in changes) if (!Object.hasOwn(fields, name) || fields[name] !== changes[name]) return false;
  return true;
}

/** Whether a copy of a record changed after `at` (a change of the same second is not counted as older). */
export function isNewerThan(fields: Record<string, FieldValue>, at: number): boolean {
  const heldAt = changedAt(fields);
  return heldAt !== undefined && heldAt > at;
}

/** True when a change would alter the record's own fields (system stamps aside: they alone need no write). */
function differsIn(fields: Record<string, FieldValue>, changes: Record<string, FieldValue>): boolean {
  for (const name in changes) {
    if (name === 'SystemModstamp' || name === 'LastModifiedDate' || name === 'LastModifiedById') continue;
    if (!sameValue(fields[name], changes[name])) return true;
  }
  return false;
}

/** A missing value and null are the same. */
function sameValue(held: FieldValue | undefined, value: FieldValue | undefined): boolean {
  return (held ?? null) === (value ?? null);
}

function stampOf(value: FieldValue | undefined): number | undefined {
  const time = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  return Number.isFinite(time) ? time : undefined;
}
