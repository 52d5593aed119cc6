/**
 * Campaign behaviour the platform adds: every new campaign gets its member statuses (`Sent`, the default, and
 * `Responded`); a member is unique per campaign and Contact/Lead (`DUPLICATE_VALUE` "Already a campaign member.");
 * an unset Status takes the campaign's default; the campaign's NumberOfContacts/NumberOfLeads/NumberOfResponses
 * roll up its live members.
 */
import { RecordErrors, recordError } from '../errors';
import type { ObjectSpec } from '../schema/field-builders';
import type { RecordStore, Row, Transaction, WriteTrigger } from './store';

const DEFAULT_STATUSES = [
  { Label: 'Sent', SortOrder: 1, IsDefault: true, HasResponded: false },
  { Label: 'Responded', SortOrder: 2, IsDefault: false, HasResponded: true },
];

export function registerCampaignRules(store: RecordStore): void {
  const campaignObj = (): ObjectSpec => store.catalog.getObject('Campaign')!;
  const statusObj = (): ObjectSpec => store.catalog.getObject('CampaignMemberStatus')!;
  const memberObj = (): ObjectSpec => store.catalog.getObject('CampaignMember')!;

  const statusesOf = (campaignId: string): Row[] =>
    [...store.table(statusObj()).values()].filter((s) => s.CampaignId === campaignId && s.IsDeleted !== true);

  const campaign: WriteTrigger = {
    beforeWrite(_tx, _obj, row, before) {
      if (before) return;
      row.NumberOfContacts = 0;
      row.NumberOfLeads = 0;
      row.NumberOfResponses = 0;
    },
    afterWrite(tx, _obj, row, before) {
      if (before) return;
      for (const s of DEFAULT_STATUSES) tx.insert(statusObj(), { CampaignId: row.Id, ...s });
    },
  };

  const member: WriteTrigger = {
    beforeWrite(_tx, _obj, row, before) {
      if (before) {
        if (row.Status !== before.Status) row.HasResponded = respondedStatus(row);
        return;
      }
      if (!row.ContactId && !row.LeadId) {
        throw new RecordErrors([
          recordError('REQUIRED_FIELD_MISSING', 'Required fields are missing: [ContactId, LeadId]', [
            'ContactId',
            'LeadId',
          ]),
        ]);
      }
      const clash = [...store.table(memberObj()).values()].some(
        (m) =>
          m.IsDeleted !== true &&
          m.CampaignId === row.CampaignId &&
          ((row.ContactId && m.ContactId === row.ContactId) || (row.LeadId && m.LeadId === row.LeadId)),
      );
      if (clash) throw new RecordErrors([recordError('DUPLICATE_VALUE', 'Already a campaign member.', [])]);
      if (!row.Status) row.Status = statusesOf(row.CampaignId as string).find((s) => s.IsDefault)?.Label ?? 'Sent';
      row.HasResponded = respondedStatus(row);
      const person = store.find((row.ContactId ?? row.LeadId) as string)?.row;
      row.Type = row.ContactId ? 'Contact' : 'Lead';
      row.FirstName = person?.FirstName ?? null;
      row.LastName = person?.LastName ?? null;
      row.Email = person?.Email ?? null;
      row.CompanyOrAccount = row.LeadId ? (person?.Company ?? null) : accountName(person);
    },
    afterWrite(tx, _obj, row, before) {
      rollUp(tx, row.CampaignId as string);
      if (before && before.CampaignId !== row.CampaignId) rollUp(tx, before.CampaignId as string);
    },
  };

  function respondedStatus(row: Row): boolean {
    return statusesOf(row.CampaignId as string).some((s) => s.Label === row.Status && s.HasResponded === true);
  }

  function accountName(person: Row | undefined): string | null {
    const account = person?.AccountId ? store.find(person.AccountId as string)?.row : undefined;
    return (account?.Name as string | undefined) ?? null;
  }

  function rollUp(tx: Transaction, campaignId: string): void {
    let contacts = 0;
    let leads = 0;
    let responses = 0;
    for (const m of store.table(memberObj()).values()) {
      if (m.IsDeleted === true || m.CampaignId !== campaignId) continue;
      if (m.ContactId) contacts++;
      else if (m.LeadId) leads++;
      if (m.HasResponded === true) responses++;
    }
    tx.patch(campaignObj(), campaignId, {
      NumberOfContacts: contacts,
      NumberOfLeads: leads,
      NumberOfResponses: responses,
    });
  }

  store.addTrigger('Campaign', campaign);
  store.addTrigger('CampaignMember', member);
}
