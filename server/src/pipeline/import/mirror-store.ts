import type { Redis } from 'ioredis';
import type { FieldValue, MirrorRecord, RecordObject } from '../../domain/mirror-record';
import type { KeySpace } from '../../state/key-space';

/**
 * The record mirror in Redis: one hash per object, record id → the mirrored fields as compact JSON. Only the
 * fields the loop needs are kept (DESIGN §5), so a record costs a few hundred bytes.
 */
export class MirrorStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: KeySpace,
  ) {}

  async get(object: RecordObject, id: string): Promise<MirrorRecord | undefined> {
    const raw = await this.redis.hget(this.keys.mirror(object), id);
    return raw === null ? undefined : { id, object, fields: JSON.parse(raw) as Record<string, FieldValue> };
  }

  async getMany(object: RecordObject, ids: string[]): Promise<Map<string, MirrorRecord>> {
    const found = new Map<string, MirrorRecord>();
    if (ids.length === 0) return found;
    const raws = await this.redis.hmget(this.keys.mirror(object), ...ids);
    raws.forEach((raw, index) => {
      const id = ids[index] as string;
      if (raw !== null) found.set(id, { id, object, fields: JSON.parse(raw) as Record<string, FieldValue> });
    });
    return found;
  }

  /**
   * Replaces whole records (import, re-read) and keeps the Account → Contacts index in step. A record read before a
   * change that the mirror already holds (an import page racing a change event) never overwrites the newer copy:
   * `SystemModstamp` decides. Returns each record as the mirror now holds it.
   */
  async putMany(records: MirrorRecord[]): Promise<MirrorRecord[]> {
    if (records.length === 0) return [];
    const current = await this.getManyAcross(records);
    const effective = records.map((record) => {
      const held = current.get(record.id);
      const heldStamp = held?.fields.SystemModstamp;
      const incoming = record.fields.SystemModstamp;
      const newerHeld =
        typeof heldStamp === 'string' && typeof incoming === 'string' && Date.parse(heldStamp) > Date.parse(incoming);
      return newerHeld && held ? held : record;
    });
    await this.write(effective.filter((record, index) => record === records[index]));
    return effective;
  }

  private async write(records: MirrorRecord[]): Promise<void> {
    if (records.length === 0) return;
    const pipeline = this.redis.pipeline();
    for (const record of records) {
      pipeline.hset(this.keys.mirror(record.object), record.id, JSON.stringify(record.fields));
      const accountId = record.object === 'Contact' ? record.fields.AccountId : undefined;
      if (typeof accountId === 'string' && accountId) pipeline.sadd(this.keys.accountContacts(accountId), record.id);
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

  /** `patch` for many records of one object: one read and one pipelined write. Unmirrored ids are left out. */
  async patchMany(
    object: RecordObject,
    changes: ReadonlyMap<string, Record<string, FieldValue>>,
  ): Promise<Map<string, MirrorRecord>> {
    const current = await this.getMany(object, [...changes.keys()]);
    const patched = new Map<string, MirrorRecord>();
    if (current.size === 0) return patched;
    const pipeline = this.redis.pipeline();
    for (const [id, held] of current) {
      const next: MirrorRecord = { ...held, fields: { ...held.fields, ...changes.get(id) } };
      patched.set(id, next);
      pipeline.hset(this.keys.mirror(object), id, JSON.stringify(next.fields));
      if (object !== 'Contact') continue;
      const oldAccount = held.fields.AccountId;
      const newAccount = next.fields.AccountId;
      if (typeof newAccount === 'string' && newAccount) pipeline.sadd(this.keys.accountContacts(newAccount), id);
      if (typeof oldAccount === 'string' && oldAccount && oldAccount !== newAccount) {
        pipeline.srem(this.keys.accountContacts(oldAccount), id);
      }
    }
    await pipeline.exec();
    return patched;
  }

  async remove(object: RecordObject, id: string): Promise<MirrorRecord | undefined> {
    const current = await this.get(object, id);
    if (!current) return undefined;
    const pipeline = this.redis.pipeline().hdel(this.keys.mirror(object), id);
    const accountId = current.fields.AccountId;
    if (object === 'Contact' && typeof accountId === 'string') pipeline.srem(this.keys.accountContacts(accountId), id);
    await pipeline.exec();
    return current;
  }

  private async getManyAcross(records: MirrorRecord[]): Promise<Map<string, MirrorRecord>> {
    const byObject = new Map<MirrorRecord['object'], string[]>();
    for (const r of records) byObject.set(r.object, [...(byObject.get(r.object) ?? []), r.id]);
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
      const page: MirrorRecord[] = [];
      for (let i = 0; i < flat.length; i += 2) {
        page.push({
          id: flat[i] as string,
          object,
          fields: JSON.parse(flat[i + 1] as string) as Record<string, FieldValue>,
        });
      }
      if (page.length > 0) yield page;
    } while (cursor !== '0');
  }
}
