import type { RedisClient as Redis } from '../../../state/redis';
import { z } from 'zod';
import type { OrgClient } from '../../../salesforce/org-client';
import { audienceEpisodesQuery } from '../../../salesforce/selectors/action-selectors';
import type { KeySpace } from '../../../state/key-space';
import type { MembershipStore } from './membership-store';

const episodeRowSchema = z.looseObject({
  Audience__c: z.string().nullish(),
  Record_Id__c: z.string().nullish(),
  Key__c: z.string().nullish(),
  Is_Active__c: z.boolean().nullish(),
});

/** Audiences per query: the ids keep the WHERE clause well under SOQL's length limit. */
const AUDIENCES_PER_QUERY = 100;

type Latest = Map<string, { episode: number; active: boolean }>;

/**
 * Episode numbers survive losing Redis: when an audience's membership state is empty, it is seeded from the
 * audience's `Audience_Member__c` rows (per record its highest episode, open or not), so a re-entry opens a new
 * episode — and a new action key — instead of reusing an old one. A marker in Redis says the seeding happened; a
 * Redis that lost it is seeded again. Audiences are seeded together: saving 34 new audiences costs one query, not 34.
 */
export class MembershipSeeder {
  /** Seeds under way, by audience: import pages in flight ask together, and one query serves them all. */
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(
    private readonly org: OrgClient,
    private readonly store: MembershipStore,
    private readonly redis: Redis,
    private readonly keys: KeySpace,
  ) {}

  /** Resolves once every one of these audiences is seeded (by this call or by one already under way). */
  async ensure(audienceIds: readonly string[]): Promise<void> {
    const underWay = new Set(audienceIds.filter((id) => this.inFlight.has(id)).map((id) => this.inFlight.get(id)));
    const rest = audienceIds.filter((id) => !this.inFlight.has(id));
    if (rest.length > 0) {
      const seeding = this.seed(rest);
      for (const id of rest) this.inFlight.set(id, seeding);
      const forget = () => {
        for (const id of rest) if (this.inFlight.get(id) === seeding) this.inFlight.delete(id);
      };
      seeding.then(forget, forget);
      underWay.add(seeding);
    }
    await Promise.all(underWay);
  }

  private async seed(audienceIds: readonly string[]): Promise<void> {
    const needed = await this.unseeded(audienceIds);
    for (let i = 0; i < needed.length; i += AUDIENCES_PER_QUERY) {
      const chunk = needed.slice(i, i + AUDIENCES_PER_QUERY);
      const latest = new Map<string, Latest>(chunk.map((id) => [id, new Map()]));
      for (const raw of await this.org.query(audienceEpisodesQuery(chunk))) {
        const row = episodeRowSchema.safeParse(raw);
        if (!row.success || !row.data.Record_Id__c || !row.data.Key__c || !row.data.Audience__c) continue;
        const perRecord = latest.get(row.data.Audience__c);
        const episode = Number(row.data.Key__c.slice(row.data.Key__c.lastIndexOf('-') + 1));
        if (!perRecord || !Number.isSafeInteger(episode)) continue;
        const held = perRecord.get(row.data.Record_Id__c);
        if (!held || episode > held.episode) {
          perRecord.set(row.data.Record_Id__c, { episode, active: row.data.Is_Active__c === true });
        }
      }
      for (const [audienceId, perRecord] of latest) {
        // A record's state written meanwhile (another process evaluated it after its own seed) is newer: kept.
        await this.store.setAbsent(
          audienceId,
          [...perRecord].map(([recordId, state]) => ({ recordId, ...state })),
        );
        await this.redis.set(this.keys.membershipSeeded(audienceId), '1');
      }
    }
  }

  /** Audiences with neither a seeding marker nor membership state (one round trip for all of them). */
  private async unseeded(audienceIds: readonly string[]): Promise<string[]> {
    if (audienceIds.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const id of audienceIds) pipeline.exists(this.keys.membershipSeeded(id), this.keys.membership(id));
    const replies = (await pipeline.exec()) ?? [];
    const needed: string[] = [];
    const seededBefore: string[] = [];
    audienceIds.forEach((id, index) => {
      const [error, count] = replies[index] ?? [];
      if (error) throw error;
      if (Number(count) > 0) seededBefore.push(id);
      else needed.push(id);
    });
    // State without a marker (written before markers existed): mark it, so the check stays one EXISTS.
    if (seededBefore.length > 0) {
      const marks = this.redis.pipeline();
      for (const id of seededBefore) marks.set(this.keys.membershipSeeded(id), '1', 'NX');
      await marks.exec();
    }
    return needed;
  }
}
