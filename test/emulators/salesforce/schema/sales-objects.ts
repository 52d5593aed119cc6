/** Opportunities and campaigns: Campaign, its members and the member statuses each campaign defines. */
import { LEAD_SOURCES } from './lead-sources';
import { field, makeObject, pick, ref, str, systemFields, type ObjectSpec } from './field-builders';

const readOnly = { createable: false, updateable: false };

export const OPPORTUNITY_STAGES = [
  'Prospecting',
  'Qualification',
  'Needs Analysis',
  'Value Proposition',
  'Id. Decision Makers',
  'Perception Analysis',
  'Proposal/Price Quote',
  'Negotiation/Review',
  'Closed Won',
  'Closed Lost',
];

export function salesObjects(): ObjectSpec[] {
  const opportunity = makeObject('Opportunity', 'Opportunity', 'Opportunities', '006', 'standard', [
    ...systemFields(true),
    ref('AccountId', 'Account ID', ['Account'], 'Account', { childRelationshipName: 'Opportunities' }),
    str('Name', 'Name', 120, { required: true, nillable: false, nameField: true }),
    field('Description', 'textarea', 'Description'),
    pick('StageName', 'Stage', OPPORTUNITY_STAGES, { required: true, nillable: false }),
    field('Amount', 'currency', 'Amount', { precision: 18, scale: 2 }),
    field('Probability', 'percent', 'Probability (%)', { precision: 3, scale: 0 }),
    field('CloseDate', 'date', 'Close Date', { required: true, nillable: false }),
    pick('Type', 'Opportunity Type', [
      'Existing Customer - Upgrade',
      'Existing Customer - Replacement',
      'New Customer',
    ]),
    str('NextStep', 'Next Step', 255),
    pick('LeadSource', 'Lead Source', LEAD_SOURCES),
    field('IsClosed', 'boolean', 'Closed', { ...readOnly, defaultValue: false }),
    field('IsWon', 'boolean', 'Won', { ...readOnly, defaultValue: false }),
    pick('ForecastCategoryName', 'Forecast Category', ['Omitted', 'Pipeline', 'Best Case', 'Commit', 'Closed']),
    ref('CampaignId', 'Campaign ID', ['Campaign'], 'Campaign', { childRelationshipName: 'Opportunities' }),
    ref('ContactId', 'Contact ID', ['Contact'], 'Contact', { childRelationshipName: 'Opportunities' }),
  ]);
  const campaign = makeObject('Campaign', 'Campaign', 'Campaigns', '701', 'standard', [
    ...systemFields(true),
    str('Name', 'Name', 80, { required: true, nillable: false, nameField: true }),
    ref('ParentId', 'Parent Campaign ID', ['Campaign'], 'Parent', { childRelationshipName: 'ChildCampaigns' }),
    pick('Type', 'Type', ['Conference', 'Webinar', 'Trade Show', 'Public Relations', 'Email', 'Other']),
    pick('Status', 'Status', ['Planned', 'In Progress', 'Completed', 'Aborted']),
    field('StartDate', 'date', 'Start Date'),
    field('EndDate', 'date', 'End Date'),
    field('IsActive', 'boolean', 'Active', { defaultValue: false }),
    field('Description', 'textarea', 'Description'),
    // Roll-ups the platform maintains from the members (org/campaign-rules.ts).
    field('NumberOfContacts', 'int', 'Contacts in Campaign', readOnly),
    field('NumberOfLeads', 'int', 'Leads in Campaign', readOnly),
    field('NumberOfResponses', 'int', 'Responses in Campaign', readOnly),
  ]);
  const member = makeObject('CampaignMember', 'Campaign Member', 'Campaign Members', '00v', 'standard', [
    ...systemFields(false),
    ref('CampaignId', 'Campaign ID', ['Campaign'], 'Campaign', {
      required: true,
      nillable: false,
      updateable: false,
      childRelationshipName: 'CampaignMembers',
    }),
    ref('ContactId', 'Contact ID', ['Contact'], 'Contact', {
      updateable: false,
      childRelationshipName: 'CampaignMembers',
    }),
    ref('LeadId', 'Lead ID', ['Lead'], 'Lead', { updateable: false, childRelationshipName: 'CampaignMembers' }),
    // The values are the campaign's CampaignMemberStatus labels; unset, the campaign's default.
    pick('Status', 'Status', ['Planned', 'Sent', 'Received', 'Responded']),
    field('HasResponded', 'boolean', 'Responded', { ...readOnly, defaultValue: false }),
    field('FirstRespondedDate', 'date', 'First Responded Date', readOnly),
    str('FirstName', 'First Name', 40, readOnly),
    str('LastName', 'Last Name', 80, readOnly),
    field('Email', 'email', 'Email', readOnly),
    str('CompanyOrAccount', 'Company (Account)', 255, readOnly),
    pick('Type', 'Type', ['Contact', 'Lead'], readOnly),
  ]);
  const memberStatus = makeObject(
    'CampaignMemberStatus',
    'Campaign Member Status',
    'Campaign Member Statuses',
    '01Y',
    'standard',
    [
      ...systemFields(false),
      ref('CampaignId', 'Campaign ID', ['Campaign'], 'Campaign', {
        required: true,
        nillable: false,
        updateable: false,
      }),
      str('Label', 'Member Status', 765, { required: true, nillable: false }),
      field('SortOrder', 'int', 'Sort Order'),
      field('IsDefault', 'boolean', 'Default', { defaultValue: false }),
      field('HasResponded', 'boolean', 'Responded', { defaultValue: false }),
    ],
  );
  return [opportunity, campaign, member, memberStatus];
}
