import type { RedisClient as Redis } from '../../state/redis';
import { z } from 'zod';
import type { FieldValue } from '../../domain/mirror-record';
import { KeySpace } from '../../state/key-space';
import { NameDictionary } from '../../state/name-dictionary';
import { prefixPattern, scanKeys } from '../../state/scan-keys';
import { echoMarker } from './echo-marker';
import { sameSalesforceId } from './same-salesforce-id';
import type { LedgerEntries, LedgerEntry, SeenUndo } from './write-plan';

/**
 * How long an echo marker lives. CDC usually delivers an echo within seconds; ten minutes covers a backlog or a
 * stream fail-over. An echo that arrives later is simply processed like any change: the planner then finds nothing to
 * write, so an expired marker costs work, never a loop or a lost edit.
 */
export const ECHO_TTL_MS = 10 * 60 * 1000;

/**
 * How long a record's ledger lives after our last write to it. Redis runs with noeviction, so entries of deleted or
 * long-untouched records must expire; when one has, Audience_Provenance__c stands in for it (DESIGN §6).
 */
export const LEDGER_TTL_MS = 180 * 24 * 60 * 60 * 1000;

/** Fields Salesforce changes on every update; they never tell us whether the echo carried someone else's change. */
export const SYSTEM_FIELDS: ReadonlySet<string> = new Set(['LastModifiedDate', 'LastModifiedById', 'SystemModstamp']);

/**
 * Records whose markers this process also keeps in memory. Echoes come back within seconds of the write, so this
 * holds only the writes in flight; the cap keeps a stalled stream from growing it.
 */
const MAX_LOCAL_MARKED_RECORDS = 50_000;

export interface WriteLedgerOptions {
  /** The hash-tagged key prefix, e.g. `{al}`; tests pass their own. */
  prefix: string;
  ledgerTtlMs?: number;
  /** Clock for marker expiry; tests may pin it. */
  now?: () => number;
}

// The ledger of every record in one hash: record id → entries joined by \x1e, each `<field id>\x1f<written at
// ms>\x1f<JSON value>`, plus `\x1f<JSON {undoneBy, undoneAt}>` once a person undid that write (JSON escapes control
// characters, so neither separator occurs inside a value).
const ENTRY_SEPARATOR = '\x1e';
const PART_SEPARATOR = '\x1f';

// Merges entries into records' ledgers, replacing those of the same fields. KEYS[1]: the ledger hash. ARGV[1]: per
// record three values, record id, `,<field id>,…,` of the fields written and the new entries joined, all joined by
// \x1d. One argument, not three per record: ioredis builds each argument into the command as a rope of ~5 pieces.
const RECORD_WRITES_SCRIPT = `
local all = ARGV[1]
local at = 1
local count = 0
while at <= #all do
  local idEnd = string.find(all, '\\29', at, true)
  local writtenEnd = string.find(all, '\\29', idEnd + 1, true)
  local entriesEnd = string.find(all, '\\29', writtenEnd + 1, true) or (#all + 1)
  local id = string.sub(all, at, idEnd - 1)
  local written = string.sub(all, idEnd + 1, writtenEnd - 1)
  local kept = {}
  local current = redis.call('HGET', KEYS[1], id)
  if current then
    for entry in string.gmatch(current, '[^\\30]+') do
      local field = string.match(entry, '^[^\\31]*')
      if not string.find(written, ',' .. field .. ',', 1, true) then kept[#kept + 1] = entry end
    end
  end
  kept[#kept + 1] = string.sub(all, writtenEnd + 1, entriesEnd - 1)
  redis.call('HSET', KEYS[1], id, table.concat(kept, '\\30'))
  count = count + 1
  at = entriesEnd + 1
end
return count
`;
const RECORD_SEPARATOR = '\x1d';

// Adds entries of fields a record's ledger does not hold yet (entries written since the old key was read win).
// KEYS[1]: the ledger hash. ARGV: record id, then entries.
const FILL_ABSENT_SCRIPT = `
local current = redis.call('HGET', KEYS[1], ARGV[1])
local held = {}
local kept = {}
if current then
  for entry in string.gmatch(current, '[^\\30]+') do
    held[string.match(entry, '^[^\\31]*')] = true
    kept[#kept + 1] = entry
  end
end
for i = 2, #ARGV do
  if not held[string.match(ARGV[i], '^[^\\31]*')] then kept[#kept + 1] = ARGV[i] end
end
if #kept > 0 then redis.call('HSET', KEYS[1], ARGV[1], table.concat(kept, '\\30')) end
return #kept
`;

// Echo markers of a record: one string, groups `<expires at ms>:<marker>,<marker>…` joined by ';'. Per record: prunes
// its expired groups, adds one, and only ever lengthens the key's TTL — for a page of records in one atomic call.
// KEYS: marker keys; ARGV[1] now ms, ARGV[2] ttl ms, ARGV[3] the new groups' expiry ms, then per key its markers as
// `,<marker>,…,` (the string this process keeps: one string per write, not two).
const MARK_ECHO_SCRIPT = `
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local expiresAt = ARGV[3]
for k = 1, #KEYS do
  local key = KEYS[k]
  local kept = {}
  local current = redis.call('GET', key)
  if current then
    for group in string.gmatch(current, '[^;]+') do
      local expiresAt = tonumber(string.match(group, '^(%d+)'))
      if expiresAt and expiresAt > now then kept[#kept + 1] = group end
    end
  end
  kept[#kept + 1] = expiresAt .. ':' .. string.sub(ARGV[k + 3], 2, -2)
  local keep = redis.call('PTTL', key)
  if keep < ttl then keep = ttl end
  redis.call('SET', key, table.concat(kept, ';'), 'PX', keep)
end
return #KEYS
`;

// Withdraws markers. KEYS: marker keys; ARGV: per key `,<marker>,…,` to remove. A key left without markers goes.
const CLEAR_ECHO_SCRIPT = `
for k = 1, #KEYS do
  local current = redis.call('GET', KEYS[k])
  if current then
    local groups = {}
    for group in string.gmatch(current, '[^;]+') do
      local expiresAt, list = string.match(group, '^(%d+):(.*)$')
      local kept = {}
      if list then
        for marker in string.gmatch(list, '[^,]+') do
          if not string.find(ARGV[k], ',' .. marker .. ',', 1, true) then kept[#kept + 1] = marker end
        end
      end
      if #kept > 0 then groups[#groups + 1] = expiresAt .. ':' .. table.concat(kept, ',') end
    end
    if #groups == 0 then redis.call('DEL', KEYS[k]) else redis.call('SET', KEYS[k], table.concat(groups, ';'), 'KEEPTTL') end
  end
end
return #KEYS
`;

/**
 * Markers of one write this process made, as `,<marker>,<marker>,…,` (markers never hold a comma): a string per
 * write instead of a Map per record was a visible share of the echo work's allocations (issue 19).
 */
interface LocalMarkGroup {
  expiresAt: number;
  markers: string;
  /**
   * The values the write sent (the caller's object, not copied): an echo carrying the very same values has the same
   * markers, so it is recognised without hashing them (issue 19: the markers of every echo were ~3 % of a sync).
   * Absent once markers were withdrawn from the group (a rejected write).
   */
  written?: Readonly<Record<string, FieldValue>>;
}

/** True when `marker` is one of a group's markers. */
function groupHas(group: LocalMarkGroup, marker: string): boolean {
  for (let at = group.markers.indexOf(marker); at >= 0; at = group.markers.indexOf(marker, at + 1)) {
    if (group.markers.charCodeAt(at - 1) === 44 && group.markers.charCodeAt(at + marker.length) === 44) return true;
  }
  return false;
}

/** True when every field's value is, as it is, one an unexpired group's write sent (so its marker is there too). */
function allWritten(
  groups: readonly LocalMarkGroup[],
  fields: readonly string[],
  values: Record<string, unknown>,
  now: number,
): boolean {
  for (const field of fields) {
    const value = Object.hasOwn(values, field) ? values[field] : null;
    let found = false;
    for (const group of groups) {
      const { written } = group;
      if (group.expiresAt > now && written && Object.hasOwn(written, field) && written[field] === value) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

/** True when every marker is in an unexpired group. */
function allMarked(groups: readonly LocalMarkGroup[], markers: readonly string[], now: number): boolean {
  for (const marker of markers) {
    let found = false;
    for (const group of groups) {
      if (group.expiresAt > now && groupHas(group, marker)) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

/** The fields one write sends to one record. */
export interface RecordFields {
  recordId: string;
  fields: Record<string, FieldValue>;
}

const valueSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const undoSchema = z.object({ undoneBy: z.string(), undoneAt: z.string() });

type PackedEntry = { field: number; writtenAt: number; value: FieldValue; undo?: z.infer<typeof undoSchema> };

/** One packed ledger: its entries by field id, with the newest write time (the whole ledger expires after it). */
function unpackLedger(raw: string): { entries: PackedEntry[]; newest: number } {
  const entries: PackedEntry[] = [];
  let newest = 0;
  for (const entry of raw.split(ENTRY_SEPARATOR)) {
    const [field, at, json, undoJson] = entry.split(PART_SEPARATOR);
    const writtenAt = Number(at);
    if (field === undefined || json === undefined || !Number.isFinite(writtenAt)) continue;
    try {
      const checked = valueSchema.safeParse(JSON.parse(json));
      // An unreadable entry counts as missing: Tracked then falls back to provenance, never to "ours".
      if (checked.success) {
        const packed: PackedEntry = { field: Number(field), writtenAt, value: checked.data };
        if (undoJson !== undefined) {
          const undo = undoSchema.safeParse(JSON.parse(undoJson));
          if (undo.success) packed.undo = undo.data;
        }
        entries.push(packed);
      }
    } catch {
      // Same as above.
    }
    newest = Math.max(newest, writtenAt);
  }
  return { entries, newest };
}

const legacyEntrySchema = z.object({
  value: valueSchema,
  writtenAt: z.string(),
  undoneBy: z.string().optional(),
  undoneAt: z.string().optional(),
});

/** A ledger as versions before issue 19 kept it (one hash per record, field → `{value, writtenAt}` JSON). */
function parseLegacyEntries(raw: Record<string, string>): LedgerEntries {
  const entries: LedgerEntries = {};
  for (const [field, json] of Object.entries(raw)) {
    try {
      const checked = legacyEntrySchema.safeParse(JSON.parse(json));
      if (checked.success) entries[field] = checked.data;
    } catch {
      // An unreadable entry counts as missing.
    }
  }
  return entries;
}

/**
 * The write ledger (last value we wrote per record and field, DESIGN §6) and the echo markers that let the CDC intake
 * drop the echo of our own writes (DESIGN §5). Keys (issue 19, compact): `<prefix>:ledger`, one hash of every
 * record's packed entries (field names as NameDictionary ids), and `<prefix>:echoes:<recordId>`, a short string with
 * its own expiry. Ledgers of earlier versions (`<prefix>:ledger:<recordId>` hashes) are still read, and moved into
 * the hash in the background once per prefix (`migrateLegacy`); old `:echo:<recordId>` markers simply expire.
 */
export class WriteLedger {
  private readonly prefix: string;
  private readonly keys: KeySpace;
  private readonly names: NameDictionary;
  private readonly ledgerTtlMs: number;
  private readonly now: () => number;
  /** Until the state version says the old per-record ledgers are gone, they are looked at for records not found. */
  private legacyGone = false;
  private migration: Promise<void> | undefined;
  /**
   * The markers this process set, by record (marker → expires at ms): the echo of our own write is then recognised
   * without a Redis round trip — at ~1 echo per record written, those round trips were a large part of a sync's CPU.
   * Redis stays the truth: anything not confirmed here (another process wrote, a restart) is looked up there.
   */
  private readonly localMarks = new Map<string, LocalMarkGroup[]>();

  constructor(
    private readonly redis: Redis,
    options: WriteLedgerOptions,
  ) {
    this.prefix = options.prefix;
    this.keys = new KeySpace(options.prefix);
    this.names = new NameDictionary(redis, this.keys);
    this.ledgerTtlMs = options.ledgerTtlMs ?? LEDGER_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  /** The hash holding every record's ledger (the record id is the hash field). */
  ledgerKey(_recordId?: string): string {
    return this.keys.ledger();
  }

  echoKey(recordId: string): string {
    return `${this.prefix}:echoes:${recordId}`;
  }

  /** Call only after Salesforce CONFIRMED the write: the ledger must never claim a value that did not land. */
  async recordWrites(
    recordId: string,
    fields: Record<string, FieldValue>,
    writtenAt: Date = new Date(),
  ): Promise<void> {
    await this.recordWritesMany([{ recordId, fields }], writtenAt);
  }

  /** `recordWrites` for a page of records, in one atomic call. */
  async recordWritesMany(writes: readonly RecordFields[], writtenAt: Date = new Date()): Promise<void> {
    const at = String(writtenAt.getTime());
    const names = new Set<string>();
    for (const { fields } of writes) for (const name in fields) names.add(name);
    if (names.size === 0) return;
    const ids = await this.names.ids(names);
    const args: string[] = [];
    for (const { recordId, fields } of writes) {
      // Built as strings (no arrays per record): the one join below lays every piece out flat once.
      let written = ',';
      let entries = '';
      for (const name in fields) {
        const id = ids.get(name) as number;
        written += `${id},`;
        if (entries) entries += ENTRY_SEPARATOR;
        entries += `${id}${PART_SEPARATOR}${at}${PART_SEPARATOR}${JSON.stringify(fields[name] ?? null)}`;
      }
      if (!entries) continue;
      args.push(recordId, written, entries);
    }
    if (args.length === 0) return;
    const payload = args.join(RECORD_SEPARATOR);
    // The pieces are ropes of every entry: let them go before the round trip (issue 19: held across it, they were
    // promoted to the old space with each page's writes).
    args.length = 0;
    await this.redis.eval(RECORD_WRITES_SCRIPT, 1, this.keys.ledger(), payload);
  }

  /**
   * Records that a person undid our write of these fields (seen in the record's provenance): the entries keep the
   * value we had written and say who undid it and when, so the field stays "not ours" even if the provenance entry
   * is later trimmed. Only the planner's undone check reads the marks; we never remove them.
   */
  async recordUndosMany(undos: readonly { recordId: string; undos: readonly SeenUndo[] }[]): Promise<void> {
    const names = new Set<string>();
    for (const { undos: fields } of undos) for (const undo of fields) names.add(undo.field);
    if (names.size === 0) return;
    const ids = await this.names.ids(names);
    const args: string[] = [];
    for (const { recordId, undos: fields } of undos) {
      if (fields.length === 0) continue;
      const written: string[] = [];
      const entries: string[] = [];
      for (const undo of fields) {
        const id = ids.get(undo.field) as number;
        const at = Date.parse(undo.writtenAt);
        written.push(String(id));
        entries.push(
          [
            id,
            Number.isFinite(at) ? at : this.now(),
            JSON.stringify(undo.value ?? null),
            JSON.stringify({ undoneBy: undo.undoneBy, undoneAt: undo.undoneAt }),
          ].join(PART_SEPARATOR),
        );
      }
      args.push(recordId, `,${written.join(',')},`, entries.join(ENTRY_SEPARATOR));
    }
    if (args.length === 0) return;
    await this.redis.eval(RECORD_WRITES_SCRIPT, 1, this.keys.ledger(), args.join(RECORD_SEPARATOR));
  }

  async get(recordId: string): Promise<LedgerEntries> {
    return (await this.getMany([recordId])).get(recordId) ?? {};
  }

  /** Ledgers of many records in one round trip; every id gets an entry (empty when nothing is known). */
  async getMany(recordIds: readonly string[]): Promise<Map<string, LedgerEntries>> {
    const result = new Map<string, LedgerEntries>();
    if (recordIds.length === 0) return result;
    const raws = await this.redis.hmget(this.keys.ledger(), ...recordIds);
    const unpacked: { entries: PackedEntry[]; newest: number }[] = [];
    const missing: string[] = [];
    let unknownId = false;
    recordIds.forEach((id, index) => {
      const raw = raws[index];
      const ledger = raw ? unpackLedger(raw) : { entries: [], newest: 0 };
      unpacked.push(ledger);
      if (!raw) missing.push(id);
      for (const { field } of ledger.entries) if (this.names.name(field) === undefined) unknownId = true;
    });
    if (unknownId) await this.names.reload();
    // A ledger expires as a whole this long after our last write to the record (as its key's TTL did before).
    const expiredBefore = this.now() - this.ledgerTtlMs;
    recordIds.forEach((id, index) => {
      const { entries, newest } = unpacked[index] as { entries: PackedEntry[]; newest: number };
      const ledger: LedgerEntries = {};
      if (newest > expiredBefore) {
        for (const { field, writtenAt, value, undo } of entries) {
          const name = this.names.name(field);
          if (name === undefined) continue;
          const entry: LedgerEntry = { value, writtenAt: new Date(writtenAt).toISOString() };
          if (undo) Object.assign(entry, undo);
          ledger[name] = entry;
        }
      }
      result.set(id, ledger);
    });
    if (missing.length > 0) await this.readLegacy(missing, result);
    return result;
  }

  /** Ledgers still kept the pre-issue-19 way, for records the hash does not hold yet. */
  private async readLegacy(recordIds: string[], into: Map<string, LedgerEntries>): Promise<void> {
    this.migration ??= this.migrateLegacy().catch(() => {
      this.migration = undefined; // tried again on a later read
    });
    if (this.legacyGone) return;
    // One EXISTS over the page first: while the migration scans, a new org's pages would otherwise cost an HGETALL
    // per record for keys that are not there (issue 19 profile).
    const legacyKeys = recordIds.map((id) => this.keys.legacyLedger(id));
    if ((await this.redis.exists(...legacyKeys)) === 0) return;
    const pipeline = this.redis.pipeline();
    for (const key of legacyKeys) pipeline.hgetall(key);
    const replies = (await pipeline.exec()) ?? [];
    recordIds.forEach((id, index) => {
      const [error, raw] = replies[index] ?? [null, null];
      if (error) throw error;
      const entries = parseLegacyEntries((raw as Record<string, string> | null) ?? {});
      if (Object.keys(entries).length > 0) into.set(id, entries);
    });
  }

  /**
   * Moves every per-record ledger of earlier versions into the hash (entries written since win), then records state
   * version 2 so nobody looks for them again. Safe to run from several processes at once; SCAN never blocks Redis.
   */
  async migrateLegacy(): Promise<void> {
    if ((await this.redis.get(this.keys.stateVersion())) === '2') {
      this.legacyGone = true;
      return;
    }
    // scanKeys: on a Redis Cluster SCAN has to go to the master that holds the prefix's slot.
    for await (const found of scanKeys(this.redis, prefixPattern(this.keys.legacyLedger('')))) {
      for (const key of found) {
        const recordId = key.slice(this.keys.legacyLedger('').length);
        const legacy = parseLegacyEntries(await this.redis.hgetall(key));
        const ids = await this.names.ids(Object.keys(legacy));
        const entries = Object.entries(legacy).map(
          ([field, entry]) =>
            `${ids.get(field)}${PART_SEPARATOR}${Date.parse(entry.writtenAt)}${PART_SEPARATOR}${JSON.stringify(entry.value)}` +
            (entry.undoneBy && entry.undoneAt
              ? `${PART_SEPARATOR}${JSON.stringify({ undoneBy: entry.undoneBy, undoneAt: entry.undoneAt })}`
              : ''),
        );
        if (entries.length > 0) await this.redis.eval(FILL_ABSENT_SCRIPT, 1, this.keys.ledger(), recordId, ...entries);
        await this.redis.del(key);
      }
    }
    await this.redis.set(this.keys.stateVersion(), '2');
    this.legacyGone = true;
  }

  /** Drops what we know of a record (e.g. after it was deleted in Salesforce). */
  async forget(recordId: string): Promise<void> {
    this.localMarks.delete(recordId);
    await this.redis
      .pipeline()
      .hdel(this.keys.ledger(), recordId)
      .del(this.keys.legacyLedger(recordId), this.echoKey(recordId))
      .exec();
  }

  /**
   * Marks a write as about to happen, BEFORE it is sent: the echo can reach the CDC intake before the write's HTTP
   * response reaches the writer. Pass everything the write sends, the loop's own fields included (see recordPatch).
   */
  async markPendingEcho(
    recordId: string,
    fields: Record<string, FieldValue>,
    ttlMs: number = ECHO_TTL_MS,
  ): Promise<void> {
    await this.markPendingEchoMany([{ recordId, fields }], ttlMs);
  }

  /** `markPendingEcho` for a page of records, in one atomic call. */
  async markPendingEchoMany(writes: readonly RecordFields[], ttlMs: number = ECHO_TTL_MS): Promise<void> {
    const now = this.now();
    const keys: string[] = [];
    const args: string[] = [String(now), String(ttlMs), String(now + ttlMs)];
    const marked: { recordId: string; markers: string; fields: Record<string, FieldValue> }[] = [];
    // `,m1,m2,…,` by one join, flat: built by concatenation it was a rope of ~25 pieces, flattened into a copy when
    // read, once for Redis and once more for this process's copy (issue 19).
    const pieces: string[] = [''];
    for (const { recordId, fields } of writes) {
      pieces.length = 1;
      for (const name in fields) pieces.push(echoMarker(name, fields[name]));
      if (pieces.length === 1) continue;
      pieces.push('');
      const markers = pieces.join(',');
      marked.push({ recordId, markers, fields });
      keys.push(this.echoKey(recordId));
      args.push(markers);
    }
    if (keys.length === 0) return;
    await this.redis.eval(MARK_ECHO_SCRIPT, keys.length, ...keys, ...args);
    this.rememberMarks(marked, now + ttlMs);
  }

  private rememberMarks(
    writes: readonly { recordId: string; markers: string; fields: Record<string, FieldValue> }[],
    expiresAt: number,
  ): void {
    if (this.localMarks.size + writes.length > MAX_LOCAL_MARKED_RECORDS) this.pruneLocalMarks();
    for (const { recordId, markers, fields } of writes) {
      // `markers` is flat (one join): a rope of ~25 pieces per write was 11 MB for the 15,000 writes of a Bulk job
      // waiting for their echoes (issue 19).
      const group: LocalMarkGroup = { expiresAt, markers, written: fields };
      const groups = this.localMarks.get(recordId);
      if (groups) groups.push(group);
      else if (this.localMarks.size < MAX_LOCAL_MARKED_RECORDS) this.localMarks.set(recordId, [group]);
      // else: Redis alone answers for this one
    }
  }

  private pruneLocalMarks(): void {
    const now = this.now();
    for (const [recordId, groups] of this.localMarks) {
      const live = groups.filter((group) => group.expiresAt > now);
      if (live.length === 0) this.localMarks.delete(recordId);
      else if (live.length < groups.length) this.localMarks.set(recordId, live);
    }
  }

  /** Withdraws markers of a write Salesforce rejected, so they cannot swallow a later change. */
  async clearPendingEcho(recordId: string, fields: Record<string, FieldValue>): Promise<void> {
    await this.clearPendingEchoMany([{ recordId, fields }]);
  }

  /** `clearPendingEcho` for many records, in one round trip. */
  async clearPendingEchoMany(writes: readonly RecordFields[]): Promise<void> {
    const keys: string[] = [];
    const args: string[] = [];
    for (const { recordId, fields } of writes) {
      const markers = Object.keys(fields).map((name) => echoMarker(name, fields[name]));
      this.forgetLocalMarks(recordId, new Set(markers));
      if (markers.length === 0) continue;
      keys.push(this.echoKey(recordId));
      args.push(`,${markers.join(',')},`);
    }
    if (keys.length > 0) await this.redis.eval(CLEAR_ECHO_SCRIPT, keys.length, ...keys, ...args);
  }

  /** Drops markers from this process's copy (a rejected write's); groups left empty go. */
  private forgetLocalMarks(recordId: string, markers: ReadonlySet<string>): void {
    const groups = this.localMarks.get(recordId);
    if (!groups) return;
    const kept: LocalMarkGroup[] = [];
    for (const group of groups) {
      const left = group.markers.split(',').filter((marker) => marker && !markers.has(marker));
      if (left.length > 0) kept.push({ expiresAt: group.expiresAt, markers: `,${left.join(',')},` });
    }
    if (kept.length === 0) this.localMarks.delete(recordId);
    else this.localMarks.set(recordId, kept);
  }

  /** The unexpired markers Redis holds for a record. */
  private async redisMarks(recordId: string, now: number): Promise<Set<string>> {
    const raw = await this.redis.get(this.echoKey(recordId));
    const marks = new Set<string>();
    for (const group of raw?.split(';') ?? []) {
      const colon = group.indexOf(':');
      if (colon < 0 || Number(group.slice(0, colon)) <= now) continue;
      for (const marker of group.slice(colon + 1).split(',')) if (marker) marks.add(marker);
    }
    return marks;
  }

  /**
   * True when a CDC change is only the echo of our own write: committed by the integration user, and every changed
   * field (system fields aside) carries a value we marked for this record within the marker's lifetime. A change by
   * anyone else is never an echo, whatever its values. `values` is the event body: a changed field missing from it
   * was set to null (CometD omits nulls). Compound components (`MailingAddress.City`) are never ours, so not an echo.
   */
  async isEcho(
    recordId: string,
    changedFields: readonly string[],
    values: Record<string, unknown>,
    commitUserId: string,
    integrationUserId: string,
  ): Promise<boolean> {
    if (!sameSalesforceId(commitUserId, integrationUserId)) return false;
    const fields = changedFields.filter((field) => !SYSTEM_FIELDS.has(field));
    // Nothing but system fields changed: not something we wrote, so let the intake decide.
    if (fields.length === 0 || fields.some((field) => field.includes('.'))) return false;
    const now = this.now();
    const local = this.localMarks.get(recordId);
    if (local && allWritten(local, fields, values, now)) {
      this.localMarks.delete(recordId);
      return true;
    }
    const wanted = fields.map((field) => echoMarker(field, Object.hasOwn(values, field) ? values[field] : null));
    if (local && allMarked(local, wanted, now)) {
      // Its echo is here: the markers stay in Redis (a redelivered echo is still recognised there).
      this.localMarks.delete(recordId);
      return true;
    }
    const marks = await this.redisMarks(recordId, now);
    return wanted.every((marker) => marks.has(marker));
  }
}
