/**
 * The editor's form for each action type, mirroring each target's `settingsSchema` on the server
 * (server/src/pipeline/action/targets/*) and the Apex AudienceSetupSettingsCheck, plus the settings every action
 * understands (`backfill`, `removeOnSourceChange`).
 */
export const ACTION_TYPES = [
    'Campaign',
    'Task',
    'Outreach_Sequence',
    'Salesloft_Cadence',
    'Slack_Message',
    'Webhook',
    'Ad_Audience'
];

/** The objects each type acts on (each target's `objects`). */
export const OBJECTS_BY_TYPE = {
    Campaign: ['Contact', 'Lead'],
    Task: ['Contact', 'Lead'],
    Outreach_Sequence: ['Contact', 'Lead'],
    Salesloft_Cadence: ['Contact', 'Lead'],
    Ad_Audience: ['Contact', 'Lead'],
    Slack_Message: ['Contact', 'Lead', 'Account'],
    Webhook: ['Contact', 'Lead', 'Account']
};

/** What Target__c holds per type; a Task's target is optional. */
export const TARGET_HELP = {
    Campaign: { label: 'Campaign id', required: true },
    Task: { label: 'Target (not used by tasks)', required: false },
    Outreach_Sequence: { label: 'Outreach sequence id', required: true },
    Salesloft_Cadence: { label: 'Salesloft cadence id', required: true },
    Slack_Message: { label: 'Slack channel id', required: true },
    Webhook: { label: 'Webhook URL (https)', required: true },
    Ad_Audience: { label: 'Ad list id (Google user list or Meta custom audience)', required: true }
};

const USER_ID = '^005[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$';

const COMMON = [
    { key: 'backfill', label: 'Apply to current members when activated', kind: 'boolean' },
    {
        key: 'removeOnSourceChange',
        label: 'Remove when the record leaves its source',
        kind: 'boolean'
    }
];

export const ACTION_SPECS = {
    Campaign: [{ key: 'memberStatus', label: 'Member status', kind: 'text', max: 765 }, ...COMMON],
    Task: [
        { key: 'steps', label: 'Steps', kind: 'steps', required: true },
        {
            key: 'assignTo',
            label: 'Assign to ("owner" or a User id)',
            kind: 'text',
            pattern: `^(owner|${USER_ID.slice(1, -1)})$`,
            hint: 'must be "owner" or a User id (005…)',
            help: 'Default: the record owner.'
        },
        {
            key: 'fallbackOwner',
            label: 'Fallback owner (User id)',
            kind: 'text',
            pattern: USER_ID,
            hint: 'must be a User id (005…)'
        },
        ...COMMON
    ],
    Outreach_Sequence: [
        { key: 'mailboxId', label: 'Mailbox id', kind: 'int', min: 1, required: true },
        ...COMMON
    ],
    Salesloft_Cadence: [...COMMON],
    Slack_Message: [
        {
            key: 'text',
            label: 'Message ({Field} from the record, {audience})',
            kind: 'text',
            required: true,
            max: 3000
        },
        ...COMMON
    ],
    Webhook: [
        {
            key: 'fields',
            label: 'Record fields sent (comma-separated)',
            kind: 'list',
            max: 100,
            pattern: '^[A-Za-z][A-Za-z0-9_]*(\\.[A-Za-z][A-Za-z0-9_]*)?$',
            hint: 'must be a field API name'
        },
        {
            key: 'giveUpAfterHours',
            label: 'Give up after (hours)',
            kind: 'positive',
            max: 720,
            help: 'Default 24.'
        },
        ...COMMON
    ],
    Ad_Audience: [
        {
            key: 'platform',
            label: 'Platform',
            kind: 'enum',
            options: ['google', 'meta'],
            required: true
        },
        {
            key: 'customerId',
            label: 'Google Ads customer id',
            kind: 'text',
            pattern: '^\\d{3}-?\\d{3}-?\\d{4}$',
            hint: 'must be a Google Ads customer id such as 123-456-7890'
        },
        ...COMMON
    ]
};
