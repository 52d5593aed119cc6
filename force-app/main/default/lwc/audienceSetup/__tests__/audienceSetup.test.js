import { createElement } from 'lwc';
import AudienceSetup, { STATUS_CHANNEL } from 'c/audienceSetup';
import getAccess from '@salesforce/apex/AudienceSetupController.getAccess';
import getHealth from '@salesforce/apex/AudienceSetupController.getHealth';
import getFieldMaps from '@salesforce/apex/AudienceSetupController.getFieldMaps';
import getFilterFields from '@salesforce/apex/AudienceSetupController.getFilterFields';
import getAudiences from '@salesforce/apex/AudienceSetupController.getAudiences';
import getRuns from '@salesforce/apex/AudienceSetupController.getRuns';
import saveFieldMaps from '@salesforce/apex/AudienceSetupController.saveFieldMaps';
import saveAudienceFilter from '@salesforce/apex/AudienceSetupController.saveAudienceFilter';
import countMatches from '@salesforce/apex/AudienceSetupController.countMatches';
import publishCommand from '@salesforce/apex/AudienceSetupController.publishCommand';
import createAudience from '@salesforce/apex/AudienceSetupAudienceController.createAudience';
import setAudienceActive from '@salesforce/apex/AudienceSetupAudienceController.setAudienceActive';
import { refreshApex } from '@salesforce/apex';
import {
    fireMockEvent,
    fireMockError,
    setMockSubscribeError,
    activeSubscriptions,
    resetMock
} from 'lightning/empApi';

const ACCESS_ADMIN = require('./data/accessAdmin.json');
const ACCESS_READ_ONLY = require('./data/accessReadOnly.json');
const HEALTH = require('./data/health.json');
const HEALTH_NONE = require('./data/healthNone.json');
const FIELD_MAPS = require('./data/fieldMaps.json');
const AUDIENCES = require('./data/audiences.json');
const RUNS = require('./data/runs.json');
const FILTER_FIELDS = require('./data/filterFields.json');

jest.mock(
    '@salesforce/apex/AudienceSetupController.getAccess',
    () => ({ default: require('@salesforce/sfdx-lwc-jest').createApexTestWireAdapter(jest.fn()) }),
    { virtual: true }
);
jest.mock(
    '@salesforce/apex/AudienceSetupController.getHealth',
    () => ({ default: require('@salesforce/sfdx-lwc-jest').createApexTestWireAdapter(jest.fn()) }),
    { virtual: true }
);
jest.mock(
    '@salesforce/apex/AudienceSetupController.getFieldMaps',
    () => ({ default: require('@salesforce/sfdx-lwc-jest').createApexTestWireAdapter(jest.fn()) }),
    { virtual: true }
);
jest.mock(
    '@salesforce/apex/AudienceSetupController.getFilterFields',
    () => ({ default: require('@salesforce/sfdx-lwc-jest').createApexTestWireAdapter(jest.fn()) }),
    { virtual: true }
);
jest.mock(
    '@salesforce/apex/AudienceSetupController.getAudiences',
    () => ({ default: require('@salesforce/sfdx-lwc-jest').createApexTestWireAdapter(jest.fn()) }),
    { virtual: true }
);
jest.mock(
    '@salesforce/apex/AudienceSetupController.getRuns',
    () => ({ default: require('@salesforce/sfdx-lwc-jest').createApexTestWireAdapter(jest.fn()) }),
    { virtual: true }
);
jest.mock(
    '@salesforce/apex/AudienceSetupController.saveFieldMaps',
    () => ({ default: jest.fn() }),
    { virtual: true }
);
jest.mock(
    '@salesforce/apex/AudienceSetupController.saveAudienceFilter',
    () => ({ default: jest.fn() }),
    {
        virtual: true
    }
);
jest.mock('@salesforce/apex/AudienceSetupController.countMatches', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock(
    '@salesforce/apex/AudienceSetupController.publishCommand',
    () => ({ default: jest.fn() }),
    {
        virtual: true
    }
);
jest.mock(
    '@salesforce/apex/AudienceSetupAudienceController.createAudience',
    () => ({ default: jest.fn() }),
    { virtual: true }
);
jest.mock(
    '@salesforce/apex/AudienceSetupAudienceController.setAudienceActive',
    () => ({ default: jest.fn() }),
    { virtual: true }
);
jest.mock('@salesforce/apex', () => ({ refreshApex: jest.fn(() => Promise.resolve()) }), {
    virtual: true
});

const WIRE_ERROR = {
    body: { message: 'You do not have access to this part of the audience setup.' },
    status: 403
};

/** Lets the wires, the awaited Apex calls and the re-render settle. */
async function flush() {
    for (let i = 0; i < 4; i++) {
        // eslint-disable-next-line no-await-in-loop
        await Promise.resolve();
    }
}

function mount(access = ACCESS_ADMIN) {
    const element = createElement('c-audience-setup', { is: AudienceSetup });
    document.body.appendChild(element);
    getAccess.emit(access);
    return element;
}

async function open(element, section) {
    element.shadowRoot
        .querySelector('lightning-vertical-navigation')
        .dispatchEvent(new CustomEvent('select', { detail: { name: section } }));
    await flush();
}

function $(element, selector) {
    return element.shadowRoot.querySelector(selector);
}

describe('c-audience-setup', () => {
    afterEach(() => {
        while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
        resetMock();
        jest.clearAllMocks();
    });

    describe('Health', () => {
        it('shows the checklist with the fix of each failed item', async () => {
            const element = mount();
            getHealth.emit({ ...HEALTH, reportedAt: new Date().toISOString() });
            await flush();
            const items = element.shadowRoot.querySelectorAll('[data-item]');
            expect(items).toHaveLength(2);
            expect($(element, '[data-fix="loop_running"]')).toBeNull();
            expect($(element, '[data-fix="change_channel_members"]').textContent).toContain(
                'Deploy the platformEventChannelMembers'
            );
            expect($(element, '[data-id="stale"]')).toBeNull();
            expect($(element, '[data-id="read-only"]')).toBeNull();
            await expect(element).toBeAccessible();
        });

        it('says when the server never reported', async () => {
            const element = mount();
            getHealth.emit(HEALTH_NONE);
            await flush();
            expect($(element, '[data-id="no-heartbeat"]')).not.toBeNull();
            await expect(element).toBeAccessible();
        });

        it('flags a heartbeat older than five minutes', async () => {
            const element = mount();
            getHealth.emit({ ...HEALTH, reportedAt: '2020-01-01T00:00:00.000Z' });
            await flush();
            expect($(element, '[data-id="stale"]')).not.toBeNull();
        });

        it('shows a wire error in the error panel', async () => {
            const element = mount();
            getHealth.error(WIRE_ERROR.body, WIRE_ERROR.status);
            await flush();
            expect($(element, 'c-error-panel.health-error')).not.toBeNull();
            await expect(element).toBeAccessible();
        });
    });

    describe('read-only view', () => {
        it('shows the message and nothing editable to a non-admin', async () => {
            const element = mount(ACCESS_READ_ONLY);
            getHealth.emit(HEALTH_NONE);
            await flush();
            expect($(element, '[data-id="read-only"]').textContent).toContain('Audience Admin');

            await open(element, 'fieldMaps');
            getFieldMaps.emit(FIELD_MAPS);
            await flush();
            expect($(element, 'lightning-datatable').columns.some((c) => c.editable)).toBe(false);

            await open(element, 'runs');
            getRuns.emit(RUNS);
            await flush();
            expect($(element, '[data-action="dry-run"]').disabled).toBe(true);
            expect($(element, '[data-action="cancel"]')).toBeNull();
            expect($(element, '[data-action="resume"]')).toBeNull();
            await expect(element).toBeAccessible();
        });

        it('shows the access error when even the access check fails', async () => {
            const element = createElement('c-audience-setup', { is: AudienceSetup });
            document.body.appendChild(element);
            getAccess.error(WIRE_ERROR.body, WIRE_ERROR.status);
            await flush();
            expect($(element, 'c-error-panel.access-error')).not.toBeNull();
        });
    });

    describe('Field mappings', () => {
        it('lists the mappings of the chosen object with editable attribute, rule, import and mode', async () => {
            const element = mount();
            await open(element, 'fieldMaps');
            getFieldMaps.emit(FIELD_MAPS);
            await flush();
            const table = $(element, 'lightning-datatable');
            expect(table.data).toHaveLength(3);
            expect(table.keyField).toBe('key');
            expect(table.columns.filter((c) => c.editable).map((c) => c.fieldName)).toEqual([
                'attribute',
                'writeRule',
                'importField',
                'mode'
            ]);
            expect(getFieldMaps.getLastConfig()).toEqual({ objectName: 'Contact' });

            $(element, '[data-id="object"]').dispatchEvent(
                new CustomEvent('change', { detail: { value: 'Lead' } })
            );
            await flush();
            expect(getFieldMaps.getLastConfig()).toEqual({ objectName: 'Lead' });
            getFieldMaps.emit([]);
            await flush();
            expect($(element, '[data-id="no-mappings"]')).not.toBeNull();
            await expect(element).toBeAccessible();
        });

        it('saves in bulk, keeps the saved rows and shows the reason on the refused one', async () => {
            saveFieldMaps.mockResolvedValue([
                { index: 0, id: FIELD_MAPS[0].id, success: true },
                {
                    index: 1,
                    id: FIELD_MAPS[1].id,
                    success: false,
                    message: 'bad value for restricted picklist field: Sometimes'
                }
            ]);
            const element = mount();
            const toasts = [];
            element.addEventListener('lightning__showtoast', (e) => toasts.push(e.detail));
            await open(element, 'fieldMaps');
            getFieldMaps.emit(FIELD_MAPS);
            await flush();
            const drafts = [
                { key: FIELD_MAPS[0].key, writeRule: 'Always', importField: true },
                { key: FIELD_MAPS[1].key, writeRule: 'Sometimes' }
            ];
            $(element, 'lightning-datatable').dispatchEvent(
                new CustomEvent('save', { detail: { draftValues: drafts } })
            );
            await flush();

            expect(saveFieldMaps).toHaveBeenCalledWith({
                rows: [
                    { Id: FIELD_MAPS[0].id, Write_Rule__c: 'Always', Import__c: true },
                    { Id: FIELD_MAPS[1].id, Write_Rule__c: 'Sometimes' }
                ]
            });
            const table = $(element, 'lightning-datatable');
            expect(Object.keys(table.errors.rows)).toEqual([FIELD_MAPS[1].id]);
            expect(table.errors.rows[FIELD_MAPS[1].id].messages[0]).toContain('Sometimes');
            expect(table.errors.rows[FIELD_MAPS[1].id].fieldNames).toEqual(['writeRule']);
            expect(table.draftValues).toEqual([drafts[1]]);
            expect(toasts.at(-1)).toMatchObject({ variant: 'warning' });
            expect(refreshApex).toHaveBeenCalled();
        });

        it('maps a field that had no mapping by sending its object and field', async () => {
            saveFieldMaps.mockResolvedValue([
                { index: 0, id: 'a03000000000009AAA', success: true }
            ]);
            const element = mount();
            await open(element, 'fieldMaps');
            getFieldMaps.emit(FIELD_MAPS);
            await flush();
            $(element, 'lightning-datatable').dispatchEvent(
                new CustomEvent('save', {
                    detail: {
                        draftValues: [
                            {
                                key: 'new:Department',
                                attribute: 'person.department',
                                writeRule: 'Fill_Blank'
                            }
                        ]
                    }
                })
            );
            await flush();
            expect(saveFieldMaps).toHaveBeenCalledWith({
                rows: [
                    {
                        Object__c: 'Contact',
                        Field__c: 'Department',
                        Attribute__c: 'person.department',
                        Write_Rule__c: 'Fill_Blank'
                    }
                ]
            });
            expect($(element, 'lightning-datatable').draftValues).toEqual([]);
        });

        it('clears errors and drafts when every row saves', async () => {
            saveFieldMaps.mockResolvedValue([{ index: 0, id: FIELD_MAPS[0].id, success: true }]);
            const element = mount();
            await open(element, 'fieldMaps');
            getFieldMaps.emit(FIELD_MAPS);
            await flush();
            $(element, 'lightning-datatable').dispatchEvent(
                new CustomEvent('save', {
                    detail: { draftValues: [{ key: FIELD_MAPS[0].key, attribute: 'person.level' }] }
                })
            );
            await flush();
            expect(saveFieldMaps).toHaveBeenCalledWith({
                rows: [{ Id: FIELD_MAPS[0].id, Attribute__c: 'person.level' }]
            });
            expect($(element, 'lightning-datatable').errors).toBeUndefined();
            expect($(element, 'lightning-datatable').draftValues).toEqual([]);
        });

        it('shows a refused save (not an admin) as a table error', async () => {
            saveFieldMaps.mockRejectedValue({
                body: {
                    message:
                        'Only users with the Audience Admin permission set can change the audience setup.'
                }
            });
            const element = mount();
            await open(element, 'fieldMaps');
            getFieldMaps.emit(FIELD_MAPS);
            await flush();
            $(element, 'lightning-datatable').dispatchEvent(
                new CustomEvent('save', {
                    detail: { draftValues: [{ key: FIELD_MAPS[0].key, mode: 'Preview' }] }
                })
            );
            await flush();
            expect($(element, 'lightning-datatable').errors.table.title).toContain(
                'Audience Admin'
            );
        });
    });

    describe('Audiences', () => {
        async function openBuilder() {
            const element = mount();
            await open(element, 'audiences');
            getAudiences.emit(AUDIENCES);
            await flush();
            $(element, `[data-action="edit-filter"][data-id="${AUDIENCES[0].id}"]`).click();
            await flush();
            getFilterFields.emit(FILTER_FIELDS);
            await flush();
            return element;
        }

        it('lists audiences with member counts', async () => {
            const element = mount();
            await open(element, 'audiences');
            getAudiences.emit(AUDIENCES);
            await flush();
            expect(element.shadowRoot.querySelectorAll('[data-audience]')).toHaveLength(2);
            expect(
                $(element, `[data-count="${AUDIENCES[0].id}"] lightning-formatted-number`).value
            ).toBe(42);
            await expect(element).toBeAccessible();
        });

        it('says when there are no audiences', async () => {
            const element = mount();
            await open(element, 'audiences');
            getAudiences.emit([]);
            await flush();
            expect($(element, '[data-id="no-audiences"]')).not.toBeNull();
        });

        it('puts the actions editor beside the selected audience, with its object and the access', async () => {
            const element = await openBuilder();
            const editor = $(element, '[data-id="builder"] c-audience-setup-actions');
            expect(editor.audienceId).toBe(AUDIENCES[0].id);
            expect(editor.objectName).toBe('Contact');
            expect(editor.canEdit).toBe(true);
            await expect(element).toBeAccessible();
        });

        it('opens the filter builder on the audience filter with its object fields', async () => {
            const element = await openBuilder();
            expect(getFilterFields.getLastConfig()).toEqual({ objectName: 'Contact' });
            const builder = $(element, 'c-audience-filter-builder');
            expect(builder.fields).toEqual(FILTER_FIELDS);
            expect(JSON.parse(builder.filter)).toEqual(JSON.parse(AUDIENCES[0].filter));
            expect($(element, '[data-action="save-filter"]').disabled).toBe(true);
            await expect(element).toBeAccessible();
        });

        it('counts matches live and saves the edited filter', async () => {
            countMatches.mockResolvedValue(7);
            saveAudienceFilter.mockResolvedValue("Title LIKE '%Director%'");
            const element = await openBuilder();
            const edited = JSON.stringify({
                all: [{ field: 'Title', op: 'contains', value: 'Director' }]
            });
            $(element, 'c-audience-filter-builder').dispatchEvent(
                new CustomEvent('filterchange', { detail: { filter: edited, complete: true } })
            );
            await flush();
            $(element, '[data-action="count"]').click();
            await flush();
            expect(countMatches).toHaveBeenCalledWith({
                objectName: 'Contact',
                filterJson: edited
            });
            expect($(element, '[data-id="match-count"] lightning-formatted-number').value).toBe(7);

            $(element, '[data-action="save-filter"]').click();
            await flush();
            expect(saveAudienceFilter).toHaveBeenCalledWith({
                audienceId: AUDIENCES[0].id,
                filterJson: edited
            });
            expect($(element, '[data-id="compiled-where"]').textContent).toContain('Director');
        });

        it('shows the server reason when the filter is refused', async () => {
            saveAudienceFilter.mockRejectedValue({
                body: { message: 'The filter is not valid: unknown field Nope__c' }
            });
            const element = await openBuilder();
            $(element, 'c-audience-filter-builder').dispatchEvent(
                new CustomEvent('filterchange', {
                    detail: { filter: '{"all":[]}', complete: true }
                })
            );
            await flush();
            $(element, '[data-action="save-filter"]').click();
            await flush();
            expect($(element, '[data-id="action-error"]').textContent).toContain('Nope__c');
        });
    });

    describe('New audience, active, delete', () => {
        /** Two or three axe runs each: on a loaded machine they outlast jest's 5 s default. */
        const AXE_TIMEOUT_MS = 30000;
        const NEW_ID = 'a01000000000009AAA';
        const NEW_AUDIENCE = {
            id: NEW_ID,
            name: 'New leads',
            objectName: 'Lead',
            active: false,
            memberCount: 0,
            filter: '{"all":[]}',
            status: null
        };

        function type(target, value) {
            target.value = value;
            target.dispatchEvent(new CustomEvent('change', { detail: { value } }));
        }

        async function openForm() {
            const element = mount();
            await open(element, 'audiences');
            getAudiences.emit(AUDIENCES);
            await flush();
            $(element, '[data-action="new-audience"]').click();
            await flush();
            return element;
        }

        /** The list with the new (inactive) audience, its builder open. */
        async function openNewAudience() {
            const element = mount();
            await open(element, 'audiences');
            getAudiences.emit([...AUDIENCES, NEW_AUDIENCE]);
            await flush();
            $(element, `[data-action="edit-filter"][data-id="${NEW_ID}"]`).click();
            await flush();
            getFilterFields.emit(FILTER_FIELDS);
            await flush();
            return element;
        }

        it(
            'creates an audience by name and object, then opens the builder on it (inactive, empty filter)',
            async () => {
                createAudience.mockResolvedValue(NEW_ID);
                const element = await openForm();
                expect($(element, '[data-id="audience-form"]')).not.toBeNull();
                await expect(element).toBeAccessible();
                type($(element, '[data-id="audience-form"] [data-field="name"]'), '  New leads ');
                type($(element, '[data-id="audience-form"] [data-field="objectName"]'), 'Lead');
                await flush();
                $(element, '[data-action="create-audience"]').click();
                await flush();
                expect(createAudience).toHaveBeenCalledWith({
                    name: 'New leads',
                    objectName: 'Lead'
                });
                expect(refreshApex).toHaveBeenCalled();
                expect($(element, '[data-id="audience-form"]')).toBeNull();
                getAudiences.emit([...AUDIENCES, NEW_AUDIENCE]);
                await flush();
                expect(getFilterFields.getLastConfig()).toEqual({ objectName: 'Lead' });
                getFilterFields.emit(FILTER_FIELDS);
                await flush();
                expect($(element, `[data-audience="${NEW_ID}"]`).className).toContain(
                    'slds-is-selected'
                );
                expect($(element, `[data-active="${NEW_ID}"]`).textContent.trim()).toBe(
                    'c.Audience_Setup_Inactive'
                );
                expect($(element, '[data-id="builder"] h3').textContent.trim()).toBe('New leads');
                expect(JSON.parse($(element, 'c-audience-filter-builder').filter)).toEqual({
                    all: []
                });
                expect($(element, '[data-id="audience-active"]').checked).toBe(false);
                expect($(element, '[data-id="builder"] c-audience-setup-actions').audienceId).toBe(
                    NEW_ID
                );
                await expect(element).toBeAccessible();
            },
            AXE_TIMEOUT_MS
        );

        it(
            'refuses a blank name before calling Apex, and shows the server refusal of a taken one',
            async () => {
                const element = await openForm();
                $(element, '[data-action="create-audience"]').click();
                await flush();
                expect(createAudience).not.toHaveBeenCalled();
                expect($(element, '[data-id="audience-form-error"]').textContent).toContain(
                    'c.Audience_Setup_Audience_Needs_Name'
                );
                await expect(element).toBeAccessible();

                createAudience.mockRejectedValue({
                    body: { message: 'An audience named VPs already exists; choose another name.' }
                });
                type($(element, '[data-id="audience-form"] [data-field="name"]'), 'VPs');
                $(element, '[data-action="create-audience"]').click();
                await flush();
                expect(createAudience).toHaveBeenCalledWith({ name: 'VPs', objectName: 'Contact' });
                expect($(element, '[data-id="audience-form-error"]').textContent).toContain(
                    'already exists'
                );
                expect($(element, '[data-id="audience-form"]')).not.toBeNull();

                $(element, '[data-action="cancel-audience"]').click();
                await flush();
                expect($(element, '[data-id="audience-form"]')).toBeNull();
            },
            AXE_TIMEOUT_MS
        );

        it(
            'switches the selected audience on, and shows a refusal',
            async () => {
                setAudienceActive.mockResolvedValueOnce(null);
                const element = await openNewAudience();
                const toggle = $(element, '[data-id="audience-active"]');
                toggle.checked = true;
                toggle.dispatchEvent(new CustomEvent('change'));
                await flush();
                expect(setAudienceActive).toHaveBeenCalledWith({
                    audienceId: NEW_ID,
                    active: true
                });
                expect(refreshApex).toHaveBeenCalled();
                expect($(element, '[data-id="action-error"]')).toBeNull();

                setAudienceActive.mockRejectedValueOnce({
                    body: { message: 'The save failed: insufficient access' }
                });
                toggle.checked = false;
                toggle.dispatchEvent(new CustomEvent('change'));
                await flush();
                expect($(element, '[data-id="action-error"]').textContent).toContain(
                    'insufficient access'
                );
                await expect(element).toBeAccessible();
            },
            AXE_TIMEOUT_MS
        );

        it(
            'closes the builder of a deleted audience and re-reads the list',
            async () => {
                const element = await openNewAudience();
                expect($(element, '[data-id="builder"]')).not.toBeNull();
                const remover = $(element, `[data-audience="${NEW_ID}"] c-audience-setup-delete`);
                expect(remover.recordName).toBe('New leads');
                expect(remover.disabled).toBe(false);
                remover.dispatchEvent(new CustomEvent('deleted', { detail: { id: NEW_ID } }));
                await flush();
                expect(refreshApex).toHaveBeenCalled();
                expect($(element, '[data-id="builder"]')).toBeNull();
            },
            AXE_TIMEOUT_MS
        );

        it(
            'offers neither New audience, Delete nor the Active switch to a non-admin',
            async () => {
                const element = mount(ACCESS_READ_ONLY);
                await open(element, 'audiences');
                getAudiences.emit(AUDIENCES);
                await flush();
                expect($(element, '[data-action="new-audience"]').disabled).toBe(true);
                const removers = element.shadowRoot.querySelectorAll('c-audience-setup-delete');
                expect([...removers].every((r) => r.disabled === true)).toBe(true);
                $(element, `[data-action="edit-filter"][data-id="${AUDIENCES[0].id}"]`).click();
                await flush();
                getFilterFields.emit(FILTER_FIELDS);
                await flush();
                expect($(element, '[data-id="audience-active"]').disabled).toBe(true);
                await expect(element).toBeAccessible();
            },
            AXE_TIMEOUT_MS
        );
    });

    describe('Runs', () => {
        it('shows progress, offers Cancel for open runs and Resume for paused enrichment runs', async () => {
            publishCommand.mockResolvedValue('uuid-1');
            const element = mount();
            await open(element, 'runs');
            getRuns.emit(RUNS);
            await flush();
            expect($(element, `[data-progress="${RUNS[0].id}"]`).value).toBe(25);
            expect($(element, `[data-progress="${RUNS[2].id}"]`).value).toBe(100);
            expect($(element, `[data-skips="${RUNS[2].id}"]`).textContent).toContain(
                'rule 2 · not_ours 1'
            );
            expect($(element, `[data-credits="${RUNS[0].id}"]`).textContent).toContain(
                '5 — pdl 3 · hunter 2'
            );
            expect($(element, `[data-credits="${RUNS[1].id}"]`)).toBeNull();
            expect(element.shadowRoot.querySelectorAll('[data-action="cancel"]')).toHaveLength(2);
            expect(element.shadowRoot.querySelectorAll('[data-action="resume"]')).toHaveLength(1);

            $(element, `[data-action="cancel"][data-id="${RUNS[0].id}"]`).click();
            $(element, `[data-action="resume"][data-id="${RUNS[1].id}"]`).click();
            $(element, '[data-action="dry-run"]').click();
            $(element, '[data-action="run-export"]').click();
            await flush();
            expect(publishCommand.mock.calls.map((c) => c[0])).toEqual([
                { command: 'CANCEL_RUN', targetId: RUNS[0].id },
                { command: 'RUN_ENRICHMENT', targetId: RUNS[1].id },
                { command: 'DRY_RUN_EXPORT', targetId: null },
                { command: 'RUN_EXPORT', targetId: null }
            ]);
            await expect(element).toBeAccessible();
        });

        it('toasts a refused command', async () => {
            publishCommand.mockRejectedValue({
                body: { message: 'This run has already finished.' }
            });
            const element = mount();
            const toasts = [];
            element.addEventListener('lightning__showtoast', (e) => toasts.push(e.detail));
            await open(element, 'runs');
            getRuns.emit(RUNS);
            await flush();
            $(element, `[data-action="cancel"][data-id="${RUNS[0].id}"]`).click();
            await flush();
            expect(toasts.at(-1)).toMatchObject({
                variant: 'error',
                message: 'This run has already finished.'
            });
        });

        it('is live through empApi only while Runs is open', async () => {
            const element = mount();
            await flush();
            expect(activeSubscriptions()).toEqual([]);
            await open(element, 'runs');
            getRuns.emit(RUNS);
            await flush();
            expect(activeSubscriptions()).toEqual([STATUS_CHANNEL]);

            fireMockEvent(STATUS_CHANNEL, {
                Run_Id__c: RUNS[0].id,
                Stage__c: 'enriching',
                Progress__c: 60
            });
            await flush();
            expect(refreshApex).toHaveBeenCalledTimes(1);
            // An event for a single record (no run) does not reload the history.
            fireMockEvent(STATUS_CHANNEL, { Record_Id__c: '003000000000001AAA', Stage__c: 'done' });
            await flush();
            expect(refreshApex).toHaveBeenCalledTimes(1);

            await open(element, 'health');
            expect(activeSubscriptions()).toEqual([]);
            await open(element, 'runs');
            expect(activeSubscriptions()).toEqual([STATUS_CHANNEL]);
            document.body.removeChild(element);
            expect(activeSubscriptions()).toEqual([]);
        });

        it('says so when live updates fail', async () => {
            setMockSubscribeError(new Error('handshake failed'));
            const element = mount();
            await open(element, 'runs');
            getRuns.emit([]);
            await flush();
            expect($(element, '[data-id="live-failed"]')).not.toBeNull();
            expect($(element, '[data-id="no-runs"]')).not.toBeNull();
            await expect(element).toBeAccessible();
        });

        it('says so when the stream drops after subscribing', async () => {
            const element = mount();
            await open(element, 'runs');
            getRuns.emit(RUNS);
            await flush();
            expect($(element, '[data-id="live-failed"]')).toBeNull();
            fireMockError({ error: 'stream dropped' });
            await flush();
            expect($(element, '[data-id="live-failed"]')).not.toBeNull();
        });
    });

    describe('Enrichment plans and Signal rules', () => {
        it('opens each section with the admin access; non-admins get them read-only', async () => {
            const element = mount();
            await open(element, 'plans');
            expect($(element, 'c-audience-setup-plans').canEdit).toBe(true);
            expect($(element, 'c-audience-setup-signals')).toBeNull();
            await expect(element).toBeAccessible();
            await open(element, 'signals');
            expect($(element, 'c-audience-setup-signals').canEdit).toBe(true);
            expect($(element, 'c-audience-setup-plans')).toBeNull();
            await expect(element).toBeAccessible();

            const readOnly = mount(ACCESS_READ_ONLY);
            await open(readOnly, 'plans');
            expect($(readOnly, 'c-audience-setup-plans').canEdit).toBe(false);
            expect($(readOnly, '[data-id="read-only"]')).not.toBeNull();
        });
    });
});
