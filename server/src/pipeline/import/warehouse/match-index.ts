/**
 * A large warehouse run's match keys, read once: one Bulk API 2.0 query of (Id, match field) over the source's
 * object, kept in a Redis hash (lower-cased key → id, or ids joined by "," when several records share it) so memory
 * stays flat whatever the object's size. Rows are then matched with one HMGET per chunk instead of one SOQL query
 * per 100 keys; only the rows that match cost a query, by Id, for the fields their write rules compare. Records this
 * run creates are added as it goes, so a later row with the same key updates them instead of creating twice.
 */
import type { RedisClient as Redis } from '../../../state/redis';
import { bulkQueryPages } from '../../../salesforce/bulk/bulk-query-pages';
import type { OrgClient } from '../../../salesforce/org-client';
import { selectQuery } from '../../../salesforce/selectors/select-query';
import { findMatchingRecords, type MatchedRecord } from '../csv/match-query';

/** Bulk results rows per page: what is held at once while the index is built. */
const BUILD_PAGE_ROWS = 10_000;
/** The hash outlives a crashed run by a day at most. */
const TTL_SECONDS = 24 * 3600;

export type MatchIndexSpec = { object: string; matchField: string };

export class WarehouseMatchIndex {
  private constructor(
    private readonly org: OrgClient,
    private readonly redis: Redis,
    readonly key: string,
    private readonly spec: MatchIndexSpec,
    /** Records the index holds (for the log and the tests). */
    readonly size: number,
  ) {}

  /** Reads every (Id, match field) of the object into a fresh hash at `key`. */
  static async build(
    org: OrgClient,
    redis: Redis,
    key: string,
    spec: MatchIndexSpec,
    options: { pollIntervalMs?: number } = {},
  ): Promise<WarehouseMatchIndex> {
    await redis.del(key);
    let size = 0;
    const soql = selectQuery({ object: spec.object, fields: ['Id', spec.matchField] });
    for await (const page of bulkQueryPages(org, soql, { maxRecords: BUILD_PAGE_ROWS, ...options })) {
      const byKey = new Map<string, string[]>();
      for (const row of page) {
        const value = (row[spec.matchField] ?? '').toLowerCase();
        const id = row.Id;
        if (value === '' || !id) continue;
        byKey.set(value, [...(byKey.get(value) ?? []), id]);
        size += 1;
      }
      if (byKey.size === 0) continue;
      // A key may already be there from an earlier page: ids are merged, never replaced.
      const keys = [...byKey.keys()];
      const earlier = await redis.hmget(key, ...keys);
      const merged: string[] = [];
      keys.forEach((value, index) => {
        const ids = [...(earlier[index]?.split(',') ?? []), ...(byKey.get(value) ?? [])];
        merged.push(value, ids.join(','));
      });
      await redis.hset(key, ...merged);
    }
    await redis.expire(key, TTL_SECONDS);
    return new WarehouseMatchIndex(org, redis, key, spec, size);
  }

  /**
   * The records matching each key (lower-cased; every key gets an entry, empty when nothing matched), with
   * `fields` read by Id for the matched ones only.
   */
  async find(keyValues: readonly string[], fields: readonly string[]): Promise<Map<string, MatchedRecord[]>> {
    const found = new Map<string, MatchedRecord[]>();
    const unique = [...new Set(keyValues.map((value) => value.toLowerCase()))];
    if (unique.length === 0) return found;
    const stored = await this.redis.hmget(this.key, ...unique);
    const idsByKey = new Map<string, string[]>();
    unique.forEach((value, index) => {
      found.set(value, []);
      const ids = stored[index];
      if (ids) idsByKey.set(value, ids.split(','));
    });
    const ids = [...new Set([...idsByKey.values()].flat())];
    if (ids.length === 0) return found;
    const records = await findMatchingRecords(this.org, {
      object: this.spec.object,
      matchField: 'Id',
      keyValues: ids,
      fields: [this.spec.matchField, ...fields],
    });
    for (const [value, keyIds] of idsByKey) {
      // A record deleted since the index was read is no match (the next run's index will not have it either).
      found.set(
        value,
        keyIds.flatMap((id) => records.get(id.toLowerCase()) ?? []),
      );
    }
    return found;
  }

  /** Records this run created, so a later row with one of their keys finds them. */
  async add(created: readonly { keyValue: string; id: string }[]): Promise<void> {
    if (created.length === 0) return;
    const pairs = created.flatMap(({ keyValue, id }) => [keyValue.toLowerCase(), id]);
    await this.redis.hset(this.key, ...pairs);
  }

  async drop(): Promise<void> {
    await this.redis.del(this.key);
  }
}
