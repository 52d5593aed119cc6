/**
 * The settings form of each signal type, mirroring the server's schemas (server/src/signals/signal-rule.ts) and the
 * Apex AudienceSetupSettingsCheck. Blank optional keys take the server's defaults (shown in the help text).
 */
export const SIGNAL_TYPES = [
    'Job_Change',
    'Funding_Round',
    'Hiring_Surge',
    'Field_Threshold',
    'Webhook'
];
export const THRESHOLD_OPS = ['gt', 'gte', 'lt', 'lte', 'eq'];
/** The server's check: a channel id such as C0123456789, not a #name. */
export const CHANNEL_ID = /^[CG][A-Z0-9]{8,}$/;

export const SIGNAL_SPECS = {
    Job_Change: [
        {
            key: 'cadenceDays',
            label: 'Check every (days)',
            kind: 'int',
            min: 1,
            max: 90,
            help: 'Default 7.'
        },
        {
            key: 'minConfidence',
            label: 'Minimum confidence (0–1)',
            kind: 'number',
            min: 0,
            max: 1,
            help: 'A move fires only at this confidence or above. Default 0.7.'
        },
        {
            key: 'providers',
            label: 'Providers (comma-separated, in order)',
            kind: 'list',
            help: 'Default: the enrichment waterfall.'
        },
        { key: 'maxCreditsPerRun', label: 'Credits per detector run', kind: 'number', min: 0 },
        { key: 'monthlyCreditBudget', label: 'Monthly credit budget', kind: 'number', min: 0 }
    ],
    Funding_Round: [
        {
            key: 'pollMinutes',
            label: 'Poll every (minutes)',
            kind: 'int',
            min: 5,
            max: 1440,
            help: 'Default 60.'
        },
        { key: 'minAmountUsd', label: 'Minimum amount (USD)', kind: 'number', min: 0 },
        { key: 'roundTypes', label: 'Round types (comma-separated)', kind: 'list' }
    ],
    Hiring_Surge: [
        {
            key: 'cadenceHours',
            label: 'Count every (hours)',
            kind: 'int',
            min: 1,
            max: 720,
            help: 'Default 24.'
        },
        { key: 'department', label: 'Department', kind: 'text' },
        { key: 'keywords', label: 'Keywords (comma-separated)', kind: 'list' },
        { key: 'minAdded', label: 'Minimum roles added', kind: 'int', min: 0, help: 'Default 5.' },
        {
            key: 'minPercent',
            label: 'Minimum growth (%)',
            kind: 'number',
            min: 0,
            help: 'Default 20.'
        },
        {
            key: 'windowDays',
            label: 'Window (days)',
            kind: 'int',
            min: 1,
            max: 365,
            help: 'Default 30.'
        }
    ],
    Field_Threshold: [
        {
            key: 'field',
            label: 'Field API name',
            kind: 'text',
            required: true,
            pattern: '^[A-Za-z][A-Za-z0-9_]*$',
            hint: 'must be a field API name'
        },
        { key: 'op', label: 'Operator', kind: 'enum', options: THRESHOLD_OPS, required: true },
        { key: 'value', label: 'Value', kind: 'numberOrText', required: true }
    ],
    Webhook: [
        {
            key: 'slug',
            label: 'Slug (POST /hooks/signals/<slug>)',
            kind: 'text',
            required: true,
            pattern: '^[a-z0-9][a-z0-9-]{0,62}$',
            hint: 'lowercase letters, digits and dashes'
        }
    ]
};
