/**
 * A Contact's audience can depend on its Account (`Account.<Field>` in the filter). A change to the Account is
 * copied into each of its mirrored Contacts and re-evaluates them: they enter and leave without a Contact edit.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoopHarness, waitFor } from './support/loop-harness';

describe('e2e: an Account change re-evaluates its Contacts', () => {
  let h: LoopHarness;
  let accountId: string;
  let contactIds: string[];

  beforeAll(async () => {
    h = await LoopHarness.create({
      start: false,
      sources: [{ Object__c: 'Contact' }],
      fieldMaps: [],
      audiences: [
        {
          Name: 'Banking contacts',
          Object__c: 'Contact',
          Filter__c: JSON.stringify({ field: 'Account.Industry', op: 'eq', value: 'Banking' }),
        },
      ],
      records: { Account: [{ Name: 'Initech', Industry: 'Retail' }] },
    });
    accountId = h.records.Account![0]!;
    contactIds = await h.createRecords(
      'Contact',
      Array.from({ length: 3 }, (_, i) => ({ LastName: `Initech ${i}`, AccountId: accountId })),
    );
    await h.startRuntime();
  }, 120_000);

  afterAll(async () => {
    await h?.stop();
  });

  it('puts every Contact of the Account in the audience when the Account moves to Banking, and out again', async () => {
    const audienceId = h.ids.audiences[0]!;
    expect((await h.activeMembers(audienceId)).size).toBe(0);

    await h.updateRecords('Account', [{ Id: accountId, Industry: 'Banking' }]);
    await waitFor(async () => (await h.activeMembers(audienceId)).size === 3, 30_000, 'three entries');
    expect(await h.activeMembers(audienceId)).toEqual(new Set(contactIds));

    await h.updateRecords('Account', [{ Id: accountId, Industry: 'Retail' }]);
    await waitFor(async () => (await h.activeMembers(audienceId)).size === 0, 30_000, 'three exits');
  });
});
