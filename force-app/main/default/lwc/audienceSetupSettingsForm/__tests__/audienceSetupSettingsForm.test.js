import { createElement } from 'lwc';
import AudienceSetupSettingsForm from 'c/audienceSetupSettingsForm';
import { readSettings, writeSettings } from '../settingsModel';
import { SIGNAL_SPECS } from '../../audienceSetupSignals/signalSpecs';
import { ACTION_SPECS } from '../../audienceSetupActions/actionSpecs';

async function flush() {
    for (let i = 0; i < 3; i++) {
        // eslint-disable-next-line no-await-in-loop
        await Promise.resolve();
    }
}

function mount(fields, settings, readOnly = false) {
    const element = createElement('c-audience-setup-settings-form', {
        is: AudienceSetupSettingsForm
    });
    element.fields = fields;
    element.settings = settings;
    element.readOnly = readOnly;
    document.body.appendChild(element);
    return element;
}

function input(element, key) {
    return element.shadowRoot.querySelector(`[data-key="${key}"]`);
}

function type(target, value) {
    target.value = value;
    target.dispatchEvent(new CustomEvent('change', { detail: { value } }));
}

describe('settingsModel', () => {
    it('round-trips stored settings, keeping keys the spec does not know', () => {
        const json = '{"cadenceDays":14,"providers":["pdl","hunter"],"future":1}';
        const { values, extra } = readSettings(SIGNAL_SPECS.Job_Change, json);
        expect(values.cadenceDays).toBe('14');
        expect(values.providers).toBe('pdl, hunter');
        const out = writeSettings(SIGNAL_SPECS.Job_Change, values, extra);
        expect(out.valid).toBe(true);
        expect(JSON.parse(out.settings)).toEqual({
            future: 1,
            cadenceDays: 14,
            providers: ['pdl', 'hunter']
        });
    });

    it.each([
        ['Job_Change', { cadenceDays: '120' }, 'cadenceDays', 'must be at most 90'],
        ['Job_Change', { cadenceDays: '1.5' }, 'cadenceDays', 'must be a whole number'],
        ['Job_Change', { minConfidence: '2' }, 'minConfidence', 'must be at most 1'],
        ['Funding_Round', { pollMinutes: '1' }, 'pollMinutes', 'must be at least 5'],
        ['Field_Threshold', { field: '', op: 'gt', value: '1' }, 'field', 'Required'],
        [
            'Field_Threshold',
            { field: '1bad', op: 'gt', value: '1' },
            'field',
            'must be a field API name'
        ],
        ['Webhook', { slug: 'Has Spaces' }, 'slug', 'lowercase letters, digits and dashes']
    ])('refuses bad %s settings like the server (%j)', (signalType, values, key, message) => {
        const out = writeSettings(SIGNAL_SPECS[signalType], values);
        expect(out.valid).toBe(false);
        expect(out.errors[key]).toBe(message);
    });

    it('writes typed values: numbers, lists, a number-or-text threshold, booleans left out when false', () => {
        const threshold = writeSettings(SIGNAL_SPECS.Field_Threshold, {
            field: 'Score__c',
            op: 'gte',
            value: '80'
        });
        expect(JSON.parse(threshold.settings)).toEqual({ field: 'Score__c', op: 'gte', value: 80 });
        const text = writeSettings(SIGNAL_SPECS.Field_Threshold, {
            field: 'Rating',
            op: 'eq',
            value: 'Hot'
        });
        expect(JSON.parse(text.settings).value).toBe('Hot');
        const webhook = writeSettings(ACTION_SPECS.Webhook, {
            fields: 'Email, Account.Name',
            giveUpAfterHours: '',
            backfill: true,
            removeOnSourceChange: false
        });
        expect(JSON.parse(webhook.settings)).toEqual({
            fields: ['Email', 'Account.Name'],
            backfill: true
        });
    });

    it('checks a task cadence step by step', () => {
        const none = writeSettings(ACTION_SPECS.Task, { steps: [] });
        expect(none.errors.steps).toBe('at least one step');
        const noSubject = writeSettings(ACTION_SPECS.Task, {
            steps: [{ dayOffset: '2', subject: ' ' }]
        });
        expect(noSubject.errors.steps).toBe('step 1, subject: Required');
        const ok = writeSettings(ACTION_SPECS.Task, {
            steps: [{ dayOffset: '0', subject: 'Call {FirstName}', type: 'Call', priority: '' }],
            assignTo: 'owner'
        });
        expect(JSON.parse(ok.settings)).toEqual({
            steps: [{ dayOffset: 0, subject: 'Call {FirstName}', type: 'Call' }],
            assignTo: 'owner'
        });
        expect(
            writeSettings(ACTION_SPECS.Task, {
                steps: [{ dayOffset: '0', subject: 'x' }],
                assignTo: 'me'
            }).errors.assignTo
        ).toBe('must be "owner" or a User id (005…)');
    });
});

describe('c-audience-setup-settings-form', () => {
    afterEach(() => {
        while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    });

    it('renders one input per key with the stored values', async () => {
        const element = mount(
            SIGNAL_SPECS.Field_Threshold,
            '{"field":"Score__c","op":"gte","value":80}'
        );
        await flush();
        expect(input(element, 'field').value).toBe('Score__c');
        expect(input(element, 'op').value).toBe('gte');
        expect(input(element, 'value').value).toBe('80');
        await expect(element).toBeAccessible();
    });

    it('emits settings on each edit and shows the reason of a bad key', async () => {
        const element = mount(SIGNAL_SPECS.Job_Change, '');
        const handler = jest.fn();
        element.addEventListener('settingschange', handler);
        await flush();
        type(input(element, 'cadenceDays'), '200');
        await flush();
        expect(handler.mock.calls.at(-1)[0].detail.valid).toBe(false);
        expect(
            element.shadowRoot.querySelector('[data-error="cadenceDays"]').textContent
        ).toContain('must be at most 90');
        await expect(element).toBeAccessible();
        type(input(element, 'cadenceDays'), '14');
        await flush();
        const detail = handler.mock.calls.at(-1)[0].detail;
        expect(detail.valid).toBe(true);
        expect(JSON.parse(detail.settings)).toEqual({ cadenceDays: 14 });
        expect(element.shadowRoot.querySelector('[data-error="cadenceDays"]')).toBeNull();
    });

    it('adds, edits and removes task steps', async () => {
        const element = mount(ACTION_SPECS.Task, '');
        await flush();
        element.shadowRoot.querySelector('[data-action="add-step"]').click();
        await flush();
        const subject = element.shadowRoot.querySelector('[data-part="subject"]');
        type(subject, 'Intro call');
        type(element.shadowRoot.querySelector('[data-part="dayOffset"]'), '1');
        await flush();
        expect(element.validate()).toMatchObject({ valid: true });
        expect(JSON.parse(element.validate().settings).steps).toEqual([
            { dayOffset: 1, subject: 'Intro call' }
        ]);
        await expect(element).toBeAccessible();
        element.shadowRoot.querySelector('[data-action="remove-step"]').click();
        await flush();
        expect(element.validate().errors.steps).toBe('at least one step');
    });

    it('says when a type has no settings, and disables inputs when read-only', async () => {
        const empty = mount([], '');
        await flush();
        expect(empty.shadowRoot.querySelector('[data-id="no-settings"]')).not.toBeNull();
        await expect(empty).toBeAccessible();
        const readOnly = mount(ACTION_SPECS.Slack_Message, '{"text":"Hi"}', true);
        await flush();
        expect(input(readOnly, 'text').disabled).toBe(true);
    });
});
