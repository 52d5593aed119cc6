import { createElement } from 'lwc';
import AudienceSetupSignals from 'c/audienceSetupSignals';
import getSignalRules from '@salesforce/apex/AudienceSetupSignalController.getSignalRules';
import getEnrolActions from '@salesforce/apex/AudienceSetupSignalController.getEnrolActions';
import saveSignalRules from '@salesforce/apex/AudienceSetupSignalController.saveSignalRules';
import { refreshApex } from '@salesforce/apex';
import { deleteInRow } from '../../../../../test/jest-helpers/deleteInRow';

const RULES = require('./data/signalRules.json');
const ENROL_ACTIONS = require('./data/enrolActions.json');

jest.mock(
    '@salesforce/apex/AudienceSetupSignalController.getSignalRules',
    () => ({ default: require('@salesforce/sfdx-lwc-jest').createApexTestWireAdapter(jest.fn()) }),
    { virtual: true }
);
jest.mock(
    '@salesforce/apex/AudienceSetupSignalController.getEnrolActions',
    () => ({ default: require('@salesforce/sfdx-lwc-jest').createApexTestWireAdapter(jest.fn()) }),
    { virtual: true }
);
jest.mock(
    '@salesforce/apex/AudienceSetupSignalController.saveSignalRules',
    () => ({ default: jest.fn() }),
    {
        virtual: true
    }
);
jest.mock('@salesforce/apex', () => ({ refreshApex: jest.fn(() => Promise.resolve()) }), {
    virtual: true
});

async function flush() {
    for (let i = 0; i < 4; i++) {
        // eslint-disable-next-line no-await-in-loop
        await Promise.resolve();
    }
}

function mount(canEdit = true) {
    const element = createElement('c-audience-setup-signals', { is: AudienceSetupSignals });
    element.canEdit = canEdit;
    document.body.appendChild(element);
    getSignalRules.emit(RULES);
    getEnrolActions.emit(ENROL_ACTIONS);
    return element;
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const form = (element) => $(element, 'c-audience-setup-settings-form');
const settingsInput = (element, key) =>
    form(element).shadowRoot.querySelector(`[data-key="${key}"]`);

function type(target, value) {
    target.value = value;
    target.dispatchEvent(new CustomEvent('change', { detail: { value } }));
}

describe('c-audience-setup-signals', () => {
    afterEach(() => {
        while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
        jest.clearAllMocks();
    });

    it('lists the rules with the server status and its reason', async () => {
        const element = mount();
        await flush();
        expect(element.shadowRoot.querySelectorAll('tbody tr')).toHaveLength(2);
        expect($(element, '[data-status="a05000000000002AAA"]').textContent).toContain(
            'is not a field of Contact'
        );
        await expect(element).toBeAccessible();
    });

    it('says when there are no rules, and shows a wire error', async () => {
        const element = createElement('c-audience-setup-signals', { is: AudienceSetupSignals });
        document.body.appendChild(element);
        getSignalRules.emit([]);
        await flush();
        expect($(element, '[data-id="no-rules"]')).not.toBeNull();
        await expect(element).toBeAccessible();
        getSignalRules.error({ message: 'no access' });
        await flush();
        expect($(element, 'c-error-panel')).not.toBeNull();
        await expect(element).toBeAccessible();
    });

    it('edits a rule: the type-specific form, Slack channel and notify owner are saved', async () => {
        saveSignalRules.mockResolvedValue([{ index: 0, id: RULES[1].id, success: true }]);
        const element = mount();
        await flush();
        $(element, `[data-action="edit-rule"][data-id="${RULES[1].id}"]`).click();
        await flush();
        expect(settingsInput(element, 'field').value).toBe('Score__c');
        type(settingsInput(element, 'value'), '90');
        type($(element, '[data-field="slackChannel"]'), 'C0999999999');
        const notify = $(element, '[data-field="notifyOwner"]');
        notify.checked = true;
        notify.dispatchEvent(new CustomEvent('change'));
        await flush();
        await expect(element).toBeAccessible();
        $(element, '[data-action="save-rule"]').click();
        await flush();
        const [row] = saveSignalRules.mock.calls[0][0].rows;
        expect(row).toMatchObject({
            Id: RULES[1].id,
            Type__c: 'Field_Threshold',
            Slack_Channel__c: 'C0999999999',
            Notify_Owner__c: true
        });
        expect(JSON.parse(row.Settings__c)).toEqual({ field: 'Score__c', op: 'gte', value: 90 });
        expect(refreshApex).toHaveBeenCalled();
        expect($(element, '[data-id="rule-form"]')).toBeNull();
    });

    it('does not save invalid settings or a channel name, and says why', async () => {
        const element = mount();
        await flush();
        $(element, '[data-action="new-rule"]').click();
        await flush();
        type($(element, '[data-field="name"]'), 'Webhook rule');
        type($(element, '[data-field="type"]'), 'Webhook');
        await flush();
        type(settingsInput(element, 'slug'), 'Not A Slug');
        type($(element, '[data-field="slackChannel"]'), '#sales');
        await flush();
        $(element, '[data-action="save-rule"]').click();
        await flush();
        expect(saveSignalRules).not.toHaveBeenCalled();
        expect($(element, '[data-id="channel-error"]')).not.toBeNull();
        expect(form(element).shadowRoot.querySelector('[data-error="slug"]').textContent).toContain(
            'lowercase letters'
        );
        expect($(element, '[data-id="form-error"]')).not.toBeNull();
        await expect(element).toBeAccessible();
    });

    it('shows the reason the server gives for a refused row', async () => {
        saveSignalRules.mockResolvedValue([
            { index: 0, success: false, message: 'Settings__c.slug: already used' }
        ]);
        const element = mount();
        await flush();
        $(element, '[data-action="new-rule"]').click();
        await flush();
        type($(element, '[data-field="name"]'), 'Hook');
        type($(element, '[data-field="type"]'), 'Webhook');
        await flush();
        type(settingsInput(element, 'slug'), 'crm-events');
        await flush();
        $(element, '[data-action="save-rule"]').click();
        await flush();
        expect(saveSignalRules.mock.calls[0][0].rows[0]).toMatchObject({
            Name: 'Hook',
            Type__c: 'Webhook'
        });
        expect(saveSignalRules.mock.calls[0][0].rows[0].Id).toBeUndefined();
        expect($(element, '[data-id="form-error"]').textContent).toContain('already used');
    });

    it('offers only enrol actions of the rule object', async () => {
        const element = mount();
        await flush();
        $(element, `[data-action="edit-rule"][data-id="${RULES[0].id}"]`).click();
        await flush();
        const values = $(element, '[data-field="enrolActionId"]').options.map((o) => o.value);
        expect(values).toEqual(['', 'a06000000000001AAA']);
    });

    it('is read-only for non-admins', async () => {
        const element = mount(false);
        await flush();
        expect($(element, '[data-action="new-rule"]').disabled).toBe(true);
        $(element, `[data-action="edit-rule"][data-id="${RULES[0].id}"]`).click();
        await flush();
        expect($(element, '[data-action="save-rule"]').disabled).toBe(true);
        expect(settingsInput(element, 'cadenceDays').disabled).toBe(true);
        await expect(element).toBeAccessible();
    });

    it('a deleted rule leaves the list and closes its form; Delete is off for non-admins', async () => {
        const readOnlyRemovers = await deleteInRow({
            mount: () => mount(),
            mountReadOnly: () => mount(false),
            editSelector: `[data-action="edit-rule"][data-id="${RULES[0].id}"]`,
            rowSelector: `[data-rule="${RULES[0].id}"]`,
            formSelector: '[data-id="rule-form"]',
            recordId: RULES[0].id,
            refreshApex,
            flush
        });
        expect(readOnlyRemovers.length).toBeGreaterThan(0);
        expect(readOnlyRemovers.every((r) => r.disabled === true)).toBe(true);
    });
});
