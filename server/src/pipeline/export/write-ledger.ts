import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { FieldValue } from '../../domain/mirror-record';
import { echoFingerprint } from './echo-value';
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

const entrySchema = z.object({
  value: z.union([z.string(), z.number(), z.boolean(), z.null()]),
  writtenAt: z.string(),
  undoneBy: z.string().optional(),
  undoneAt: z.string().optional(),
});

// Per record: adds marker fields, prunes its expired ones, and only ever lengthens the key's TTL — for a whole page
// of records in one atomic call. KEYS: marker hashes; ARGV[1] now ms, ARGV[2] ttl ms, then per key: the number of
// markers n, followed by n field, expiresAt pairs.
const MARK_ECHO_SCRIPT = `
local now = tonumber(ARGV[1])
local ttl = tonumber(ARGV[2])
local pos = 3
for k = 1, #KEYS do
  local key = KEYS[k]
  local n = tonumber(ARGV[pos])
  pos = pos + 1
  local existing = redis.call('HGETALL', key)
  for i = 1, #existing, 2 do
    if tonumber(existing[i + 1]) <= now then redis.call('HDEL', key, existing[i]) end
  end
  for i = 0, n - 1 do redis.call('HSET', key, ARGV[pos + 2 * i], ARGV[pos + 2 * i + 1]) end
  pos = pos + 2 * n
  if redis.call('PTTL', key) < ttl then redis.call('PEXPIRE', key, ttl) end
end
return #KEYS
`;

/** The fields one write sends to one record. */
export interface RecordFields {
  recordId: string;
  fields: Record<string, FieldValue>;
}

function parseEntries(raw: Record<string, string>): LedgerEntries {
  const entries: LedgerEntries = {};
  for (const [field, json] of Object.entries(raw)) {
    try {
      const checked = entrySchema.safeParse(JSON.parse(json));
      // An unreadable entry counts as missing: Tracked then falls back to provenance, never to "ours".
      if (checked.success) entries[field] = checked.data;
    } catch {
      // Same as above.
    }
  }
  return entries;
}

function markerField(field: string, value: unknown): string {
  return `${field}=${echoFingerprint(value)}`;
}

/**
 * The write ledger (last value we wrote per record and field, DESIGN §6) and the echo markers that let the CDC intake
 * drop the echo of our own writes (DESIGN §5). Keys: `<prefix>:ledger:<recordId>` and `<prefix>:echo:<recordId>`.
 */
export class WriteLedger {
  private readonly prefix: string;
  private readonly ledgerTtlMs: number;
  private readonly now: () => number;
  /**
   * The markers this process set, by record (marker → expires at ms): the echo of our own write is then recognised
   * without a Redis round trip — at ~1 echo per record written, those round trips were a large part of a sync's CPU.
   * Redis stays the truth: anything not confirmed here (another process wrote, a restart) is looked up there.
   */
  private readonly localMarks = new Map<string, Map<string, number>>();

  constructor(
    private readonly redis: Redis,
    options: WriteLedgerOptions,
  ) {
    this.prefix = options.prefix;
    this.ledgerTtlMs = options.ledgerTtlMs ?? LEDGER_TTL_MS;
    this.now = options.now ?? Date.now;
  }

  ledgerKey(recordId: string): string {
    return `${this.prefix}:ledger:${recordId}`;
  }

  echoKey(recordId: string): string {
    return `${this.prefix}:echo:${recordId}`;
  }

  /** Call only after Salesforce CONFIRMED the write: the ledger must never claim a value that did not land. */
  async recordWrites(
    recordId: string,
    fields: Record<string, FieldValue>,
    writtenAt: Date = new Date(),
  ): Promise<void> {
    await this.recordWritesMany([{ recordId, fields }], writtenAt);
  }

  /** `recordWrites` for a page of records, in one transaction. */
  async recordWritesMany(writes: readonly RecordFields[], writtenAt: Date = new Date()): Promise<void> {
    const at = writtenAt.toISOString();
    const transaction = this.redis.multi();
    let commands = 0;
    for (const { recordId, fields } of writes) {
      const names = Object.keys(fields);
      if (names.length === 0) continue;
      const hash: Record<string, string> = {};
      for (const name of names) {
        const entry: LedgerEntry = { value: fields[name] ?? null, writtenAt: at };
        hash[name] = JSON.stringify(entry);
      }
      const key = this.ledgerKey(recordId);
      transaction.hset(key, hash).pexpire(key, this.ledgerTtlMs);
      commands += 1;
    }
    if (commands === 0) {
      transaction.discard();
      return;
    }
    await transaction.exec();
  }

  /**
   * Records that a person undid our write of these fields (seen in the record's provenance): the entries keep the
   * value we had written and say who undid it and when, so the field stays "not ours" even if the provenance entry
   * is later trimmed. Only the planner's undone check reads the marks; we never remove them.
   */
  async recordUndosMany(undos: readonly { recordId: string; undos: readonly SeenUndo[] }[]): Promise<void> {
    const transaction = this.redis.multi();
    let commands = 0;
    for (const { recordId, undos: fields } of undos) {
      if (fields.length === 0) continue;
      const hash: Record<string, string> = {};
      for (const undo of fields) {
        const entry: LedgerEntry = {
          value: undo.value,
          writtenAt: undo.writtenAt,
          undoneBy: undo.undoneBy,
          undoneAt: undo.undoneAt,
        };
        hash[undo.field] = JSON.stringify(entry);
      }
      const key = this.ledgerKey(recordId);
      transaction.hset(key, hash).pexpire(key, this.ledgerTtlMs);
      commands += 1;
    }
    if (commands === 0) {
      transaction.discard();
      return;
    }
    await transaction.exec();
  }

  async get(recordId: string): Promise<LedgerEntries> {
    return parseEntries(await this.redis.hgetall(this.ledgerKey(recordId)));
  }

  /** Ledgers of many records in one round trip; every id gets an entry (empty when nothing is known). */
  async getMany(recordIds: readonly string[]): Promise<Map<string, LedgerEntries>> {
    const result = new Map<string, LedgerEntries>();
    if (recordIds.length === 0) return result;
    const pipeline = this.redis.pipeline();
    for (const id of recordIds) pipeline.hgetall(this.ledgerKey(id));
    const replies = (await pipeline.exec()) ?? [];
    recordIds.forEach((id, index) => {
      const [error, raw] = replies[index] ?? [new Error('no reply'), null];
      if (error) throw error;
      result.set(id, parseEntries((raw as Record<string, string> | null) ?? {}));
    });
    return result;
  }

  /** Drops what we know of a record (e.g. after it was deleted in Salesforce). */
  async forget(recordId: string): Promise<void> {
    this.localMarks.delete(recordId);
    await this.redis.del(this.ledgerKey(recordId), this.echoKey(recordId));
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
    const expiresAt = String(now + ttlMs);
    const keys: string[] = [];
    const args: string[] = [String(now), String(ttlMs)];
    for (const { recordId, fields } of writes) {
      const names = Object.keys(fields);
      if (names.length === 0) continue;
      keys.push(this.echoKey(recordId));
      args.push(String(names.length), ...names.flatMap((name) => [markerField(name, fields[name]), expiresAt]));
    }
    if (keys.length === 0) return;
    await this.redis.eval(MARK_ECHO_SCRIPT, keys.length, ...keys, ...args);
    this.rememberMarks(writes, now + ttlMs);
  }

  private rememberMarks(writes: readonly RecordFields[], expiresAt: number): void {
    if (this.localMarks.size + writes.length > MAX_LOCAL_MARKED_RECORDS) this.pruneLocalMarks();
    for (const { recordId, fields } of writes) {
      let marks = this.localMarks.get(recordId);
      if (!marks) {
        if (this.localMarks.size >= MAX_LOCAL_MARKED_RECORDS) continue; // Redis alone answers for this one
        marks = new Map();
        this.localMarks.set(recordId, marks);
      }
      for (const name of Object.keys(fields)) marks.set(markerField(name, fields[name]), expiresAt);
    }
  }

  private pruneLocalMarks(): void {
    const now = this.now();
    for (const [recordId, marks] of this.localMarks) {
      for (const [marker, expiresAt] of marks) if (expiresAt <= now) marks.delete(marker);
      if (marks.size === 0) this.localMarks.delete(recordId);
    }
  }

  /** Withdraws markers of a write Salesforce rejected, so they cannot swallow a later change. */
  async clearPendingEcho(recordId: string, fields: Record<string, FieldValue>): Promise<void> {
    await this.clearPendingEchoMany([{ recordId, fields }]);
  }

  /** `clearPendingEcho` for many records, in one round trip. */
  async clearPendingEchoMany(writes: readonly RecordFields[]): Promise<void> {
    const pipeline = this.redis.pipeline();
    for (const { recordId, fields } of writes) {
      const names = Object.keys(fields);
      const marks = this.localMarks.get(recordId);
      for (const name of names) marks?.delete(markerField(name, fields[name]));
      if (marks?.size === 0) this.localMarks.delete(recordId);
      if (names.length > 0)
        pipeline.hdel(this.echoKey(recordId), ...names.map((name) => markerField(name, fields[name])));
    }
    if (pipeline.length > 0) await pipeline.exec();
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
    const wanted = fields.map((field) => markerField(field, Object.hasOwn(values, field) ? values[field] : null));
    const now = this.now();
    const local = this.localMarks.get(recordId);
    if (local && wanted.every((marker) => (local.get(marker) ?? 0) > now)) {
      // Its echo is here: the markers stay in Redis (a redelivered echo is still recognised there).
      this.localMarks.delete(recordId);
      return true;
    }
    const expiries = await this.redis.hmget(this.echoKey(recordId), ...wanted);
    return expiries.every((expiresAt) => expiresAt !== null && Number(expiresAt) > now);
  }
}
