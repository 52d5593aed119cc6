import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { OrgClient } from '../../../salesforce/org-client';
import { audienceEpisodesQuery } from '../../../salesforce/selectors/action-selectors';
import type { KeySpace } from '../../../state/key-space';
import type { MembershipStore } from './membership-store';

const episodeRowSchema = z.looseObject({
  Record_Id__c: z.string().nullish(),
  Key__c: z.string().nullish(),
  Is_Active__c: z.boolean().nullish(),
});

/**
 * Episode numbers survive losing Redis: when an audience's membership state is empty, it is seeded from the
 * audience's `Audience_Member__c` rows (per record its highest episode, open or not), so a re-entry opens a new
 * episode — and a new action key — instead of reusing an old one. A marker in Redis says the seeding happened; a
 * Redis that lost it is seeded again.
 */
export class MembershipSeeder {
  constructor(
    private readonly org: OrgClient,
    private readonly store: MembershipStore,
    private readonly redis: Redis,
    private readonly keys: KeySpace,
  ) {}

  async ensure(audienceId: string): Promise<void> {
    const marker = this.keys.membershipSeeded(audienceId);
    if ((await this.redis.exists(marker, this.keys.membership(audienceId))) > 0) {
      await this.redis.set(marker, '1', 'NX');
      return;
    }
    const latest = new Map<string, { episode: number; active: boolean }>();
    for (const raw of await this.org.query(audienceEpisodesQuery(audienceId))) {
      const row = episodeRowSchema.safeParse(raw);
      if (!row.success || !row.data.Record_Id__c || !row.data.Key__c) continue;
      const episode = Number(row.data.Key__c.slice(row.data.Key__c.lastIndexOf('-') + 1));
      if (!Number.isSafeInteger(episode)) continue;
      const held = latest.get(row.data.Record_Id__c);
      if (!held || episode > held.episode) {
        latest.set(row.data.Record_Id__c, { episode, active: row.data.Is_Active__c === true });
      }
    }
    await this.store.set(
      audienceId,
      [...latest].map(([recordId, state]) => ({ recordId, ...state })),
    );
    await this.redis.set(marker, '1');
  }
}
