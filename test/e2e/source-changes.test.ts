/**
 * Issue 11, findings 3 and 4: what the loop includes of an object is the union of its active Salesforce sources,
 * and it follows the admin's changes to them. A record included only by a second source survives a change event
 * and is read in by one; narrowing or deactivating a source makes the records no source includes any more leave
 * the mirror and their audiences (exit cause `source_changed`); widening one imports the newcomers.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LoopHarness } from './support/loop-harness';

const eq = (field: string, value: string) => JSON.stringify({ field, op: 'eq', value });

describe('e2e: sources of an object', () => {
  let h: LoopHarness | undefined;

  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it(
    'when two Contact sources are active, then a record only the second includes survives a change and is read in by one',
    { timeout: 120_000 },
    async () => {
      h = await LoopHarness.create({
        sources: [
          { Name: 'CEOs', Object__c: 'Contact', Inclusion_Filter__c: eq('Title', 'CEO') },
          { Name: 'Sales', Object__c: 'Contact', Inclusion_Filter__c: eq('Department', 'Sales') },
        ],
        fieldMaps: [],
        audiences: [{ Name: 'Sales people', Object__c: 'Contact', Filter__c: eq('Department', 'Sales') }],
        records: {
          Contact: [
            { LastName: 'Both', Title: 'CEO', Department: 'Sales' },
            { LastName: 'Second only', Title: 'Engineer', Department: 'Sales' },
            { LastName: 'Neither', Title: 'Engineer', Department: 'Support' },
          ],
        },
      });
      const harness = h;
      const [both, secondOnly, neither] = harness.records.Contact as [string, string, string];
      const audience = harness.ids.audiences[0]!;
      expect(await harness.activeMembers(audience)).toEqual(new Set([both, secondOnly]));

      // A rep's edit: still outside the first source, still inside the second.
      await harness.updateRecords('Contact', [{ Id: secondOnly, Title: 'Account Executive' }], harness.repConn());
      // Another: now inside the second source only, so it must be read in through it.
      await harness.updateRecords('Contact', [{ Id: neither, Department: 'Sales' }], harness.repConn());
      await harness.settle();

      expect(await harness.loop.mirror.get('Contact', secondOnly)).toBeDefined();
      expect(await harness.loop.mirror.get('Contact', neither)).toBeDefined();
      expect(await harness.activeMembers(audience)).toEqual(new Set([both, secondOnly, neither]));
      // The episode of the record only the second source includes was never closed.
      const episodes = await harness.query<{ Id: string; Is_Active__c: boolean }>(
        `SELECT Id, Is_Active__c FROM Audience_Member__c WHERE Record_Id__c = '${secondOnly}'`,
      );
      expect(episodes.map((e) => e.Is_Active__c)).toEqual([true]);
    },
  );
  it(
    'when two Contact sources are active and an overflow forces a reconciliation, then no record of the second leaves',
    { timeout: 120_000 },
    async () => {
      h = await LoopHarness.create({
        sources: [
          { Name: 'CEOs', Object__c: 'Contact', Inclusion_Filter__c: eq('Title', 'CEO') },
          { Name: 'Sales', Object__c: 'Contact', Inclusion_Filter__c: eq('Department', 'Sales') },
        ],
        fieldMaps: [],
        audiences: [{ Name: 'Sales people', Object__c: 'Contact', Filter__c: eq('Department', 'Sales') }],
        records: { Contact: [{ LastName: 'Second only', Title: 'Engineer', Department: 'Sales' }] },
      });
      const harness = h;
      const [secondOnly] = harness.records.Contact as [string];
      const audience = harness.ids.audiences[0]!;
      expect(await harness.activeMembers(audience)).toEqual(new Set([secondOnly]));

      await harness.control('POST', '/streaming/faults', {
        inject: { changeType: 'GAP_OVERFLOW', entityName: 'Contact' },
      });
      await harness.settle();

      expect(await harness.loop.mirror.get('Contact', secondOnly)).toBeDefined();
      const episodes = await harness.query<{ Id: string; Is_Active__c: boolean }>(
        `SELECT Id, Is_Active__c FROM Audience_Member__c WHERE Record_Id__c = '${secondOnly}'`,
      );
      expect(episodes.map((e) => e.Is_Active__c)).toEqual([true]);
    },
  );
});
