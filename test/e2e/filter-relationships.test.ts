/**
 * Issue 11, finding 2: a parent field on an object that has no such parent, or whose parent the mirror does not
 * keep (`Account.Name` on Lead), is an error on the config record, and the audience or source using it is not
 * used — before, a Lead audience `Account.Name is_blank` was accepted with Status OK and matched every Lead.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { LoopHarness } from './support/loop-harness';

type StatusRow = { Id: string; Status__c: string | null; Status_Message__c: string | null };

describe('e2e: relationship paths in filters are checked against describe', () => {
  let h: LoopHarness | undefined;

  afterEach(async () => {
    await h?.stop();
    h = undefined;
  });

  it(
    'when a Lead audience and a Lead source use Account.Name, then both show Error and nothing matches through them',
    { timeout: 120_000 },
    async () => {
      h = await LoopHarness.create({
        sources: [
          { Name: 'All Leads', Object__c: 'Lead' },
          {
            Name: 'Leads with an account',
            Object__c: 'Lead',
            Inclusion_Filter__c: JSON.stringify({ field: 'Account.Name', op: 'is_not_blank' }),
          },
          {
            Name: 'Contacts of named accounts',
            Object__c: 'Contact',
            Inclusion_Filter__c: JSON.stringify({ field: 'Account.Name', op: 'is_not_blank' }),
          },
        ],
        fieldMaps: [],
        audiences: [
          {
            Name: 'Leads without account',
            Object__c: 'Lead',
            Filter__c: JSON.stringify({ field: 'Account.Name', op: 'is_blank' }),
          },
          {
            Name: 'Leads in Acme',
            Object__c: 'Lead',
            Filter__c: JSON.stringify({ field: 'Company', op: 'eq', value: 'Acme' }),
          },
        ],
        records: {
          Account: [{ Name: 'Globex' }],
          Lead: Array.from({ length: 6 }, (_, i) => ({ LastName: `L${i}`, Company: i < 2 ? 'Acme' : 'Initech' })),
        },
      });
      const harness = h;
      const status = async (object: string, id: string) =>
        (
          await harness.query<StatusRow>(`SELECT Id, Status__c, Status_Message__c FROM ${object} WHERE Id = '${id}'`)
        )[0]!;
      const [allLeads, leadsWithAccount, contactSource] = harness.ids.sources as [string, string, string];
      const [withoutAccount, acme] = harness.ids.audiences as [string, string];

      const badAudience = await status('Audience__c', withoutAccount);
      expect(badAudience.Status__c).toBe('Error');
      expect(badAudience.Status_Message__c).toMatch(/Lead has no relationship Account/);
      const badSource = await status('Audience_Source__c', leadsWithAccount);
      expect(badSource.Status__c).toBe('Error');
      expect(badSource.Status_Message__c).toMatch(/Lead has no relationship Account/);
      // Contact does have Account, and the mirror keeps its fields: the same path is fine there.
      expect(await status('Audience_Source__c', contactSource)).toMatchObject({ Status__c: 'OK' });
      expect(await status('Audience_Source__c', allLeads)).toMatchObject({ Status__c: 'OK' });
      expect(await status('Audience__c', acme)).toMatchObject({ Status__c: 'OK' });

      // The broken audience matches nothing (not every Lead); the good one fills; the broken source adds nothing.
      const leads = harness.records.Lead!;
      expect(await harness.activeMembers(withoutAccount)).toEqual(new Set());
      expect(await harness.activeMembers(acme)).toEqual(new Set(leads.slice(0, 2)));
      expect(harness.loop.config.current.sources.map((s) => s.id).sort()).toEqual([allLeads, contactSource].sort());
    },
  );
});
