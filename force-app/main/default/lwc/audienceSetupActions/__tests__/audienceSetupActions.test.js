import { createElement } from 'lwc';
import AudienceSetupActions from 'c/audienceSetupActions';
import getActions from '@salesforce/apex/AudienceSetupActionController.getActions';
import saveActions from '@salesforce/apex/AudienceSetupActionController.saveActions';
import { refreshApex } from '@salesforce/apex';
import { deleteInRow } from '../../../../../test/jest-helpers/deleteInRow';

const ACTIONS = require('./data/actions.json');
const AUDIENCE_ID = 'a01000000000001AAA';

jest.mock(
    '@salesforce/apex/AudienceSetupActionController.getActions',
    () => ({ default: require('@salesforce/sfdx-lwc-jest').createApexTestWireAdapter(jest.fn()) }),
    { virtual: true }
);
jest.mock(
    '@salesforce/apex/AudienceSetupActionController.saveActions',
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

function mount({ canEdit = true, objectName = 'Contact', actions = ACTIONS } = {}) {
    const element = createElement('c-audience-setup-actions', { is: AudienceSetupActions });
    element.audienceId = AUDIENCE_ID;
    element.objectName = objectName;
    element.canEdit = canEdit;
    document.body.appendChild(element);
    getActions.emit(actions);
    return element;
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const form = (element) => $(element, 'c-audience-setup-settings-form');
const settingsInput = (element, selector) => form(element).shadowRoot.querySelector(selector);

function type(target, value) {
    target.value = value;
    target.dispatchEvent(new CustomEvent('change', { detail: { value } }));
}

describe('c-audience-setup-actions', () => {
    afterEach(() => {
        while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
        jest.clearAllMocks();
    });

    it('lists the audience actions, asking only for this audience', async () => {
        const element = mount();
        await flush();
        expect(getActions.getLastConfig()).toEqual({ audienceId: AUDIENCE_ID });
        expect(element.shadowRoot.querySelectorAll('tbody tr')).toHaveLength(1);
        await expect(element).toBeAccessible();
    });

    it('says when the audience has no actions, and shows a wire error', async () => {
        const element = mount({ actions: [] });
        await flush();
        expect($(element, '[data-id="no-actions"]')).not.toBeNull();
        await expect(element).toBeAccessible();
        getActions.error({ message: 'no access' });
        await flush();
        expect($(element, 'c-error-panel')).not.toBeNull();
    });

    it('adds a Task action with a step; the new row carries its audience', async () => {
        saveActions.mockResolvedValue([{ index: 0, id: 'a07000000000002AAA', success: true }]);
        const element = mount();
        await flush();
        $(element, '[data-action="new-action"]').click();
        await flush();
        type($(element, '[data-field="name"]'), 'Follow up');
        type($(element, '[data-field="type"]'), 'Task');
        type($(element, '[data-field="onExit"]'), 'Remove');
        await flush();
        settingsInput(element, '[data-action="add-step"]').click();
        await flush();
        type(settingsInput(element, '[data-part="dayOffset"]'), '2');
        type(settingsInput(element, '[data-part="subject"]'), 'Follow up with {FirstName}');
        await flush();
        await expect(element).toBeAccessible();
        $(element, '[data-action="save-action"]').click();
        await flush();
        const [row] = saveActions.mock.calls[0][0].rows;
        expect(row).toMatchObject({
            Name: 'Follow up',
            Audience__c: AUDIENCE_ID,
            Type__c: 'Task',
            On_Exit__c: 'Remove',
            Active__c: true
        });
        expect(JSON.parse(row.Settings__c)).toEqual({
            steps: [{ dayOffset: 2, subject: 'Follow up with {FirstName}' }]
        });
        expect(refreshApex).toHaveBeenCalled();
    });

    it('offers only types that act on the audience object', async () => {
        const element = mount({ objectName: 'Account', actions: [] });
        await flush();
        $(element, '[data-action="new-action"]').click();
        await flush();
        expect($(element, '[data-field="type"]').options.map((o) => o.value)).toEqual([
            'Slack_Message',
            'Webhook'
        ]);
    });

    it('refuses a missing target or bad settings before saving, and shows a server refusal', async () => {
        const element = mount();
        await flush();
        $(element, '[data-action="new-action"]').click();
        await flush();
        type($(element, '[data-field="name"]'), 'Ping');
        type($(element, '[data-field="type"]'), 'Slack_Message');
        await flush();
        $(element, '[data-action="save-action"]').click();
        await flush();
        expect(saveActions).not.toHaveBeenCalled();
        expect($(element, '[data-id="form-error"]')).not.toBeNull();
        expect(settingsInput(element, '[data-error="text"]').textContent).toContain('Required');
        await expect(element).toBeAccessible();

        saveActions.mockResolvedValue([
            { index: 0, success: false, message: 'Target__c: channel_not_found' }
        ]);
        type($(element, '[data-field="target"]'), 'C0123456789');
        type(settingsInput(element, '[data-key="text"]'), '{Name} joined {audience}');
        await flush();
        $(element, '[data-action="save-action"]').click();
        await flush();
        expect(saveActions).toHaveBeenCalledTimes(1);
        expect($(element, '[data-id="form-error"]').textContent).toContain('channel_not_found');
    });

    it('edits an existing action without resending its audience', async () => {
        saveActions.mockResolvedValue([{ index: 0, id: ACTIONS[0].id, success: true }]);
        const element = mount();
        await flush();
        $(element, `[data-action="edit-action"][data-id="${ACTIONS[0].id}"]`).click();
        await flush();
        expect(settingsInput(element, '[data-part="subject"]').value).toBe('Call {FirstName}');
        type($(element, '[data-field="onExit"]'), 'Remove');
        $(element, '[data-action="save-action"]').click();
        await flush();
        const [row] = saveActions.mock.calls[0][0].rows;
        expect(row.Id).toBe(ACTIONS[0].id);
        expect(row.Audience__c).toBeUndefined();
        expect(row.On_Exit__c).toBe('Remove');
    });

    it('is read-only for non-admins', async () => {
        const element = mount({ canEdit: false });
        await flush();
        expect($(element, '[data-action="new-action"]').disabled).toBe(true);
        $(element, `[data-action="edit-action"][data-id="${ACTIONS[0].id}"]`).click();
        await flush();
        expect($(element, '[data-action="save-action"]').disabled).toBe(true);
        await expect(element).toBeAccessible();
    });

    it('a deleted action leaves the list and closes its form; Delete is off for non-admins', async () => {
        const readOnlyRemovers = await deleteInRow({
            mount: () => mount(),
            mountReadOnly: () => mount({ canEdit: false }),
            editSelector: `[data-action="edit-action"][data-id="${ACTIONS[0].id}"]`,
            rowSelector: `[data-action-row="${ACTIONS[0].id}"]`,
            formSelector: '[data-id="action-form"]',
            recordId: ACTIONS[0].id,
            refreshApex,
            flush
        });
        expect(readOnlyRemovers.length).toBeGreaterThan(0);
        expect(readOnlyRemovers.every((r) => r.disabled === true)).toBe(true);
    });
});
