/**
 * The sample configuration sandbox mode creates in the emulated org, as an admin would in the setup tab: a
 * Contact and a Lead source with inclusion filters, field maps using each of the four write rules, two
 * audiences, and on the first audience a Campaign action and a Task cadence.
 */
export const DEMO_SOURCES = [
  {
    Name: 'Contacts we can reach',
    Type__c: 'Salesforce',
    Object__c: 'Contact',
    Active__c: true,
    Inclusion_Filter__c: JSON.stringify({
      any: [
        { field: 'Email', op: 'is_not_blank' },
        { field: 'Phone', op: 'is_not_blank' },
      ],
    }),
  },
  {
    Name: 'Open leads',
    Type__c: 'Salesforce',
    Object__c: 'Lead',
    Active__c: true,
    Inclusion_Filter__c: JSON.stringify({ not: { field: 'Status', op: 'starts_with', value: 'Closed' } }),
  },
];

/** The table the sandbox's Postgres source reads (README "Sandbox": create it, insert rows, watch the Contacts). */
export const DEMO_WAREHOUSE_TABLE = 'audience_demo_people';

/**
 * With POSTGRES_URL_DEMO set, the sandbox adds this source: every minute it reads new and changed rows of the demo
 * table (by updated_at, then id) and creates or updates Contacts by Email.
 */
export const DEMO_WAREHOUSE_SOURCE = {
  Name: 'Warehouse people (Postgres)',
  Type__c: 'Postgres',
  Object__c: 'Contact',
  Active__c: true,
  Settings__c: JSON.stringify({
    connection: 'DEMO',
    query:
      `SELECT id, updated_at, email AS "Email", first_name AS firstname, last_name AS lastname, title AS title ` +
      `FROM ${DEMO_WAREHOUSE_TABLE}`,
    match: 'Email',
    create: true,
    cursor: 'updated_at',
    key: 'id',
    schedule: '* * * * *',
    timeZone: 'UTC',
  }),
};

export const DEMO_FIELD_MAPS = [
  { Object__c: 'Contact', Field__c: 'Seniority__c', Attribute__c: 'person.seniority', Write_Rule__c: 'Tracked' },
  { Object__c: 'Contact', Field__c: 'Department', Attribute__c: 'person.department', Write_Rule__c: 'Fill_Blank' },
  { Object__c: 'Contact', Field__c: 'Email_Status__c', Attribute__c: 'person.email_status', Write_Rule__c: 'Always' },
  { Object__c: 'Contact', Field__c: 'Phone_Type__c', Attribute__c: 'person.phone_type', Write_Rule__c: 'Always' },
  { Object__c: 'Contact', Field__c: 'LinkedIn_URL__c', Attribute__c: 'person.linkedin_url', Write_Rule__c: 'Tracked' },
  { Object__c: 'Contact', Field__c: 'Phone', Attribute__c: 'person.phone_e164', Write_Rule__c: 'Never' },
  { Object__c: 'Contact', Field__c: 'Title', Attribute__c: null, Write_Rule__c: 'Never', Import__c: true },
  { Object__c: 'Lead', Field__c: 'Seniority__c', Attribute__c: 'person.seniority', Write_Rule__c: 'Tracked' },
  { Object__c: 'Lead', Field__c: 'Department__c', Attribute__c: 'person.department', Write_Rule__c: 'Fill_Blank' },
  { Object__c: 'Lead', Field__c: 'Email_Status__c', Attribute__c: 'person.email_status', Write_Rule__c: 'Always' },
].map((map, index) => ({ Name: `Map ${index + 1}`, Active__c: true, Import__c: false, ...map }));

export const DEMO_AUDIENCES = [
  {
    Name: 'Senior decision makers',
    Object__c: 'Contact',
    Active__c: true,
    Filter__c: JSON.stringify({ field: 'Seniority__c', op: 'in', value: ['C-Level', 'VP', 'Director'] }),
  },
  {
    Name: 'Leads with a personal or risky email',
    Object__c: 'Lead',
    Active__c: true,
    Filter__c: JSON.stringify({ field: 'Email_Status__c', op: 'in', value: ['personal', 'disposable', 'invalid'] }),
  },
];

/** The campaign senior decision makers are added to (the Campaign action's target). */
export const DEMO_CAMPAIGN = { Name: 'Executive briefing', IsActive: true, Type: 'Webinar', Status: 'In Progress' };

/** The actions of the first demo audience: join the campaign, and a two-step Task cadence for the owner. */
export function demoActions(audienceId: string, campaignId: string): Record<string, unknown>[] {
  return [
    {
      Name: 'Invite to the executive briefing',
      Audience__c: audienceId,
      Type__c: 'Campaign',
      Target__c: campaignId,
      On_Exit__c: 'Remove',
      Active__c: true,
    },
    {
      Name: 'Owner cadence: call, then email',
      Audience__c: audienceId,
      Type__c: 'Task',
      Settings__c: JSON.stringify({
        steps: [
          { dayOffset: 0, subject: 'Call {FirstName} {LastName} ({Title})', type: 'Call' },
          { dayOffset: 3, subject: 'Email {FirstName} about the executive briefing', type: 'Email' },
        ],
        assignTo: 'owner',
      }),
      On_Exit__c: 'Remove',
      Active__c: true,
    },
  ];
}

/**
 * The demo signal rules: a Contact whose score reaches 80 (change-driven, from the CDC intake), and signals another
 * system posts to `POST /hooks/signals/intent` (README "Sandbox: send a signal").
 */
export const DEMO_SIGNAL_RULES = [
  {
    Name: 'Hot contact: score reached 80',
    Type__c: 'Field_Threshold',
    Object__c: 'Contact',
    Settings__c: JSON.stringify({ field: 'Contact_Score__c', op: 'gte', value: 80 }),
    Notify_Owner__c: true,
    Active__c: true,
  },
  {
    Name: 'Buying intent (webhook)',
    Type__c: 'Webhook',
    Settings__c: JSON.stringify({ slug: 'intent' }),
    Notify_Owner__c: true,
    Active__c: true,
  },
];

/** The webhook slug of the demo's Webhook rule. */
export const DEMO_SIGNAL_SLUG = 'intent';

/**
 * The inbound signal secret in sandbox mode when SIGNAL_WEBHOOK_SECRET is not set, so the README's curl works as
 * written. Sandbox mode has no real org behind it (no Salesforce settings) and listens on loopback.
 */
export const SANDBOX_SIGNAL_WEBHOOK_SECRET = 'sandbox-signal-secret';
