/**
 * Seeding an audience's empty membership state from its `Audience_Member__c` episodes (real Redis, the emulator):
 * import pages in flight that ask at once cost one query, and a record's state written while the seed's query was
 * out (another process evaluated it) is never replaced by the older episode Salesforce held.
 */
import { Redis } from 'ioredis';
import { Connection } from 'jsforce';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSalesforceEmulator, type RunningEmulator } from '../../../../test/emulators/salesforce';
import { MembershipSeeder } from '../../../src/pipeline/segments/membership/membership-seeder';
import { MembershipStore } from '../../../src/pipeline/segments/membership/membership-store';
import { OrgClient } from '../../../src/salesforce/org-client';
import { KeySpace } from '../../../src/state/key-space';
import { TEST_REDIS_URL, uniquePrefix } from '../../support/redis-test';

const keys = new KeySpace(uniquePrefix('seeder'));
let emulator: RunningEmulator;
let redis: Redis;
let org: OrgClient;
let store: MembershipStore;
let audienceId: string;
let contactIds: string[];

const queries = () => emulator.org.usage.snapshot().byRoute.query ?? 0;

async function forgetState(): Promise<void> {
  await redis.del(keys.membership(audienceId), keys.membershipSeeded(audienceId));
}

describe('membership seeding', () => {
  beforeAll(async () => {
    emulator = await startSalesforceEmulator({ seed: 3 });
    const user = emulator.users.find((u) => u.role === 'integration');
    if (!user) throw new Error('no integration user');
    org = new OrgClient(
      new Connection({ instanceUrl: emulator.instanceUrl, accessToken: user.accessToken, version: '62.0' }),
    );
    redis = new Redis(TEST_REDIS_URL);
    store = new MembershipStore(redis, keys);
    audienceId = await org.insert('Audience__c', { Name: 'All', Object__c: 'Contact', Active__c: false });
    contactIds = (await org.query<{ Id: string }>('SELECT Id FROM Contact')).map((r) => r.Id);
    // Each contact's third episode, closed: a re-entry must open the fourth.
    for (const id of contactIds) {
      await org.insert('Audience_Member__c', {
        Audience__c: audienceId,
        Record_Id__c: id,
        Contact__c: id,
        Key__c: `${audienceId}-${id}-3`,
        Is_Active__c: false,
      });
    }
  }, 120_000);

  afterAll(async () => {
    const found = await redis.keys(`${keys.prefix}*`);
    if (found.length > 0) await redis.del(...found);
    await redis.quit();
    await emulator?.stop();
  });

  beforeEach(async () => {
    await forgetState();
    emulator.org.usage.resetCounters();
  });

  it('when three pages ask for the same seed at once, then one query seeds the audience', async () => {
    const seeder = new MembershipSeeder(org, store, redis, keys);

    await Promise.all([seeder.ensure([audienceId]), seeder.ensure([audienceId]), seeder.ensure([audienceId])]);

    expect(queries()).toBe(1);
    const states = await store.states(audienceId, contactIds);
    expect([...states.values()]).toEqual(contactIds.map(() => ({ episode: 3, active: false })));
    // Seeded: a later call asks Redis only.
    await seeder.ensure([audienceId]);
    expect(queries()).toBe(1);
  });

  it('when a record entered while the seed query was out, then its newer state is kept', async () => {
    let reachedQuery: () => void = () => undefined;
    let releaseQuery: () => void = () => undefined;
    const queried = new Promise<void>((resolve) => (reachedQuery = resolve));
    const gate = new Promise<void>((resolve) => (releaseQuery = resolve));
    const held = new OrgClient(org.connection);
    const query = held.query.bind(held);
    held.query = (async (...args: Parameters<typeof query>) => {
      const rows = await query(...args);
      reachedQuery();
      await gate;
      return rows;
    }) as typeof query;
    const seeder = new MembershipSeeder(held, store, redis, keys);
    const [entered, ...others] = contactIds as [string, ...string[]];

    const seeding = seeder.ensure([audienceId]);
    await queried;
    // Another process seeded, evaluated the record and opened its fourth episode meanwhile.
    await store.set(audienceId, [{ recordId: entered, episode: 4, active: true }]);
    releaseQuery();
    await seeding;

    const states = await store.states(audienceId, contactIds);
    expect(states.get(entered)).toEqual({ episode: 4, active: true });
    for (const id of others) expect(states.get(id)).toEqual({ episode: 3, active: false });
  });
});
