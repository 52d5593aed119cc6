import { createElement } from 'lwc';
import AudienceStatus from 'c/audienceStatus';
import getStatus from '@salesforce/apex/AudienceStatusController.getStatus';
import undoField from '@salesforce/apex/AudienceStatusController.undoField';
import dismissSignal from '@salesforce/apex/AudienceStatusController.dismissSignal';
import requestEnrichment from '@salesforce/apex/AudienceRecordRequestController.requestEnrichment';
import { refreshApex } from '@salesforce/apex';
import { notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';
import {
    subscribe,
    unsubscribe,
    onError,
    fireMockEvent,
    fireMockError,
    setMockSubscribeError,
    activeSubscriptions,
    resetMock
} from 'lightning/empApi';

const mockStatus = require('./data/getStatus.json');
const mockNoRecords = require('./data/getStatusNoRecords.json');

jest.mock(
    '@salesforce/apex/AudienceStatusController.getStatus',
    () => {
        const { createApexTestWireAdapter } = require('@salesforce/sfdx-lwc-jest');
        return { default: createApexTestWireAdapter(jest.fn()) };
    },
    { virtual: true }
);
jest.mock('@salesforce/apex/AudienceStatusController.undoField', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock(
    '@salesforce/apex/AudienceStatusController.dismissSignal',
    () => ({ default: jest.fn() }),
    {
        virtual: true
    }
);
jest.mock(
    '@salesforce/apex/AudienceRecordRequestController.requestEnrichment',
    () => ({ default: jest.fn() }),
    {
        virtual: true
    }
);
jest.mock('@salesforce/apex', () => ({ refreshApex: jest.fn(() => Promise.resolve()) }), {
    virtual: true
});

const RECORD_ID = '003000000000001AAA';
const CHANNEL = '/event/Audience_Status__e';
const EVENT_UUID = '6f7d1a52-2f0a-4a7e-9d59-3c1f3e7c2b10';
const TWO_MINUTES = 2 * 60 * 1000;
const WIRE_ERROR = {
    status: 500,
    body: { message: 'You do not have access to the Apex class' },
    headers: {}
};

async function flushPromises() {
    for (let i = 0; i < 5; i++) {
        // eslint-disable-next-line no-await-in-loop
        await Promise.resolve();
    }
}

function createComponent() {
    const element = createElement('c-audience-status', { is: AudienceStatus });
    element.recordId = RECORD_ID;
    element.objectApiName = 'Contact';
    document.body.appendChild(element);
    return element;
}

async function createWithStatus(status = mockStatus) {
    const element = createComponent();
    getStatus.emit(status);
    await flushPromises();
    return element;
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);
const $$ = (element, selector) => [...element.shadowRoot.querySelectorAll(selector)];
const fieldRow = (element, api) => $(element, `li.field[data-field="${api}"]`);
const statusEvent = (payload) => ({
    Record_Id__c: RECORD_ID,
    Run_Id__c: null,
    Stage__c: 'enrich-record',
    Progress__c: null,
    Message__c: '',
    ...payload
});

describe('c-audience-status', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
        jest.useRealTimers();
        resetMock();
    });

    describe('loading and errors', () => {
        it('shows a spinner until the status arrives and asks for this record', async () => {
            const element = createComponent();
            await flushPromises();
            expect($(element, 'lightning-spinner')).not.toBeNull();
            expect(getStatus.getLastConfig()).toEqual({ recordId: RECORD_ID });
            await expect(element).toBeAccessible();
        });

        it('shows the wire error in the error panel and keeps Enrich now', async () => {
            const element = createComponent();
            getStatus.error(WIRE_ERROR.body, WIRE_ERROR.status);
            await flushPromises();
            const panel = $(element, 'c-error-panel.load-error');
            expect(panel).not.toBeNull();
            expect(panel.friendlyMessage).toBe('c.Audience_Status_Load_Failed');
            expect($(element, 'lightning-spinner')).toBeNull();
            expect($(element, 'lightning-button.enrich-button')).not.toBeNull();
            await expect(element).toBeAccessible();
        });
    });

    describe('empty record', () => {
        it('says there are no audiences, signals or fields', async () => {
            const element = await createWithStatus(mockNoRecords);
            expect($(element, '.no-audiences').textContent).toBe('c.Audience_Status_No_Audiences');
            expect($(element, '.no-signals').textContent).toBe('c.Audience_Status_No_Signals');
            expect($(element, '.no-fields').textContent).toBe('c.Audience_Status_No_Fields');
            await expect(element).toBeAccessible();
        });
    });

    describe('audiences', () => {
        it('lists active memberships and recent exits, each linking to its audience', async () => {
            const element = await createWithStatus();
            const active = $$(element, 'li.membership a');
            expect(active.map((a) => a.textContent)).toEqual(['EMEA decision makers']);
            expect(active[0].getAttribute('href')).toBe(
                '/lightning/r/Audience__c/a00000000000001AAA/view'
            );
            const exits = $$(element, 'li.exit a');
            expect(exits.map((a) => a.textContent)).toEqual(['Trial users']);
            expect($(element, 'li.membership lightning-formatted-date-time').value).toBe(
                '2026-11-30T09:15:00.000Z'
            );
            await expect(element).toBeAccessible();
        });
    });

    describe('signals', () => {
        it('shows type, summary, status and confidence, with evidence collapsed', async () => {
            const element = await createWithStatus();
            const rows = $$(element, 'li.signal');
            expect(rows).toHaveLength(2);
            expect(rows[0].querySelector('.signal-type').textContent).toBe('Job_Change');
            expect(rows[0].querySelector('.signal-summary').textContent).toBe(
                'Ada Lovelace moved to Analytical Engines Ltd'
            );
            expect(rows[0].querySelector('.signal-status').textContent).toBe('New');
            expect(rows[0].querySelector('lightning-formatted-number').value).toBe(0.9);
            expect(rows[0].querySelector('.evidence')).toBeNull();
            expect(rows[0].querySelector('.evidence-toggle').ariaExpanded).toBe('false');
        });

        it('expands and collapses the evidence, pretty-printed', async () => {
            const element = await createWithStatus();
            const toggle = () =>
                $(element, 'li.signal[data-id="a0A000000000001AAA"] .evidence-toggle');
            toggle().click();
            await flushPromises();
            const evidence = $(element, 'li.signal[data-id="a0A000000000001AAA"] .evidence-text');
            expect(JSON.parse(evidence.textContent)).toEqual({
                previousCompany: 'Difference Engines',
                newCompany: 'Analytical Engines Ltd'
            });
            expect(evidence.textContent).toContain('\n');
            expect(toggle().ariaExpanded).toBe('true');
            expect(toggle().label).toBe('c.Audience_Status_Hide_Evidence');
            await expect(element).toBeAccessible();

            toggle().click();
            await flushPromises();
            expect($(element, 'li.signal[data-id="a0A000000000001AAA"] .evidence')).toBeNull();
        });

        it('says so when a signal has no evidence', async () => {
            const element = await createWithStatus();
            $(element, 'li.signal[data-id="a0A000000000002AAA"] .evidence-toggle').click();
            await flushPromises();
            const box = $(element, 'li.signal[data-id="a0A000000000002AAA"] .evidence');
            expect(box.textContent).toBe('c.Audience_Status_No_Evidence');
        });

        it('offers Dismiss only on signals not dismissed yet, and dismisses then refreshes', async () => {
            dismissSignal.mockResolvedValue(undefined);
            const element = await createWithStatus();
            expect($(element, 'li.signal[data-id="a0A000000000002AAA"] .dismiss')).toBeNull();
            const toastHandler = jest.fn();
            element.addEventListener('lightning__showtoast', toastHandler);

            $(element, 'li.signal[data-id="a0A000000000001AAA"] .dismiss').click();
            await flushPromises();

            expect(dismissSignal).toHaveBeenCalledWith({ signalId: 'a0A000000000001AAA' });
            expect(refreshApex).toHaveBeenCalledTimes(1);
            expect(toastHandler.mock.calls[0][0].detail.title).toBe(
                'c.Audience_Status_Dismissed_Title'
            );
        });

        it('shows a refused dismiss in the error panel', async () => {
            const refusal = {
                status: 500,
                body: { message: 'c.Audience_Status_Error_Signal_Missing' },
                headers: {}
            };
            dismissSignal.mockRejectedValue(refusal);
            const element = await createWithStatus();

            $(element, 'li.signal[data-id="a0A000000000001AAA"] .dismiss').click();
            await flushPromises();

            const panel = $(element, 'c-error-panel.action-error');
            expect(panel.errors).toEqual(refusal);
            expect(panel.friendlyMessage).toBe('c.Audience_Status_Dismiss_Failed');
            expect(refreshApex).not.toHaveBeenCalled();
            await expect(element).toBeAccessible();
        });
    });

    describe('why this value?', () => {
        it('shows value, provider, confidence, rule, times and cost of each field', async () => {
            const element = await createWithStatus();
            const row = fieldRow(element, 'Seniority__c');
            expect(row.querySelector('.field-label').textContent).toBe('Seniority');
            expect(row.querySelector('.field-written').textContent).toBe('Director');
            expect(row.querySelector('.field-previous').textContent).toBe('Manager');
            expect(row.querySelector('.field-provider').textContent).toBe('pdl');
            expect(row.querySelector('.field-rule').textContent).toBe('Tracked');
            expect(row.querySelector('.field-cost lightning-formatted-number').value).toBe(1);
            const times = [...row.querySelectorAll('lightning-formatted-date-time')].map(
                (t) => t.value
            );
            expect(times).toEqual(['2026-12-01T05:59:00.000Z', '2026-12-01T06:00:01.000Z']);
            expect(row.querySelector('.changed-since')).toBeNull();
            await expect(element).toBeAccessible();
        });

        it('says "changed by a person since" with the value now, in words, and offers no undo', async () => {
            const element = await createWithStatus();
            const row = fieldRow(element, 'Phone_Type__c');
            expect(row.querySelector('.changed-since').textContent.trim()).toBe(
                'c.Audience_Status_Changed_Since'
            );
            expect(row.querySelector('.field-current').textContent).toBe('landline');
            expect(row.querySelector('.undo')).toBeNull();
        });

        it('explains that Always fields are not undone, and offers no undo there', async () => {
            const element = await createWithStatus();
            const row = fieldRow(element, 'Email_Status__c');
            expect(row.querySelector('.always-note').textContent.trim()).toBe(
                'c.Audience_Status_Always_Note'
            );
            expect(row.querySelector('.undo')).toBeNull();
        });

        it('shows an undone field as undone, without Undo', async () => {
            const element = await createWithStatus();
            const row = fieldRow(element, 'Title');
            expect(row.querySelector('.undone').textContent).toContain('c.Audience_Status_Undone');
            expect(row.querySelector('.undone lightning-formatted-date-time').value).toBe(
                '2026-11-03T12:00:00.000Z'
            );
            expect(row.querySelector('.undo')).toBeNull();
        });

        it('undoes an undoable field, then reloads the record and the card', async () => {
            undoField.mockResolvedValue({ fieldApiName: 'Seniority__c', restoredValue: 'Manager' });
            const element = await createWithStatus();
            const toastHandler = jest.fn();
            element.addEventListener('lightning__showtoast', toastHandler);
            const button = fieldRow(element, 'Seniority__c').querySelector('lightning-button.undo');
            expect(button.label).toBe('c.Audience_Status_Undo: Seniority');

            button.click();
            await flushPromises();

            expect(undoField).toHaveBeenCalledWith({
                recordId: RECORD_ID,
                fieldApiName: 'Seniority__c'
            });
            expect(notifyRecordUpdateAvailable).toHaveBeenCalledWith([{ recordId: RECORD_ID }]);
            expect(refreshApex).toHaveBeenCalledTimes(1);
            expect(toastHandler.mock.calls[0][0].detail).toEqual({
                title: 'c.Audience_Status_Undo_Done',
                message: 'c.Audience_Status_Undo_Done_Message',
                variant: 'success'
            });
        });

        it('disables Undo while the undo is on its way', async () => {
            let resolve;
            undoField.mockReturnValue(
                new Promise((r) => {
                    resolve = r;
                })
            );
            const element = await createWithStatus();
            const button = () =>
                fieldRow(element, 'Seniority__c').querySelector('lightning-button.undo');
            button().click();
            await flushPromises();
            expect(button().disabled).toBe(true);
            button().click();
            resolve({ fieldApiName: 'Seniority__c', restoredValue: 'Manager' });
            await flushPromises();
            expect(undoField).toHaveBeenCalledTimes(1);
            expect(button().disabled).toBe(false);
        });

        it('shows a refused undo (changed since) in the error panel and a toast', async () => {
            const refusal = {
                status: 500,
                body: { message: 'Seniority was changed by a person since audience-loop wrote it' },
                headers: {}
            };
            undoField.mockRejectedValue(refusal);
            const element = await createWithStatus();
            const toastHandler = jest.fn();
            element.addEventListener('lightning__showtoast', toastHandler);

            fieldRow(element, 'Seniority__c').querySelector('lightning-button.undo').click();
            await flushPromises();

            expect($(element, 'c-error-panel.action-error').errors).toEqual(refusal);
            expect(toastHandler.mock.calls[0][0].detail).toEqual({
                title: 'c.Audience_Status_Undo_Failed',
                message: refusal.body.message,
                variant: 'error'
            });
            expect(notifyRecordUpdateAvailable).not.toHaveBeenCalled();
        });
    });

    describe('enrich now with live progress', () => {
        it('does not subscribe to status events before the click', async () => {
            const element = await createWithStatus();
            await flushPromises();
            expect(subscribe).not.toHaveBeenCalled();
            expect(activeSubscriptions()).toEqual([]);
            expect($(element, '.progress-message')).toBeNull();
        });

        it('subscribes after the click, before the request is published, then requests this record', async () => {
            requestEnrichment.mockResolvedValue(EVENT_UUID);
            const element = await createWithStatus();

            $(element, 'lightning-button.enrich-button').click();
            await flushPromises();

            expect(subscribe).toHaveBeenCalledTimes(1);
            expect(subscribe.mock.calls[0][0]).toBe(CHANNEL);
            expect(subscribe.mock.calls[0][1]).toBe(-1);
            expect(subscribe.mock.invocationCallOrder[0]).toBeLessThan(
                requestEnrichment.mock.invocationCallOrder[0]
            );
            expect(requestEnrichment).toHaveBeenCalledWith({ recordId: RECORD_ID });
            expect(activeSubscriptions()).toEqual([CHANNEL]);
            expect($(element, '.progress-message').textContent).toBe(
                'c.Audience_Status_Progress_Waiting'
            );
            expect($(element, 'lightning-button.enrich-button').disabled).toBe(true);
            await expect(element).toBeAccessible();
        });

        it('shows the progress of this record, ignores other records, and stops on the final status', async () => {
            requestEnrichment.mockResolvedValue(EVENT_UUID);
            const element = await createWithStatus();
            $(element, 'lightning-button.enrich-button').click();
            await flushPromises();

            fireMockEvent(
                CHANNEL,
                statusEvent({ Record_Id__c: '003000000000999AAA', Message__c: 'someone else' })
            );
            await flushPromises();
            expect($(element, '.progress-message').textContent).toBe(
                'c.Audience_Status_Progress_Waiting'
            );

            // The 15-character form of the same id counts as this record.
            fireMockEvent(
                CHANNEL,
                statusEvent({
                    Record_Id__c: RECORD_ID.slice(0, 15),
                    Progress__c: 100,
                    Message__c: 'PDL: 3 values (1 calls)'
                })
            );
            await flushPromises();
            expect($(element, '.progress-message').textContent).toBe('PDL: 3 values (1 calls)');
            expect($(element, 'lightning-progress-bar').value).toBe(100);
            expect(unsubscribe).not.toHaveBeenCalled();
            await expect(element).toBeAccessible();

            fireMockEvent(
                CHANNEL,
                statusEvent({ Stage__c: 'done', Progress__c: 100, Message__c: '2 fields written' })
            );
            await flushPromises();

            expect(unsubscribe).toHaveBeenCalledTimes(1);
            expect(activeSubscriptions()).toEqual([]);
            expect($(element, '.progress-message').textContent).toBe('2 fields written');
            expect(notifyRecordUpdateAvailable).toHaveBeenCalledWith([{ recordId: RECORD_ID }]);
            expect(refreshApex).toHaveBeenCalledTimes(1);
            expect($(element, 'lightning-button.enrich-button').disabled).toBe(false);
        });

        it('stops on a failed final status too', async () => {
            requestEnrichment.mockResolvedValue(EVENT_UUID);
            const element = await createWithStatus();
            $(element, 'lightning-button.enrich-button').click();
            await flushPromises();

            fireMockEvent(
                CHANNEL,
                statusEvent({ Stage__c: 'failed', Message__c: 'failed: provider down' })
            );
            await flushPromises();

            expect(activeSubscriptions()).toEqual([]);
            expect($(element, '.progress-message').textContent).toBe('failed: provider down');
        });

        it('unsubscribes after two minutes without a final status', async () => {
            jest.useFakeTimers();
            requestEnrichment.mockResolvedValue(EVENT_UUID);
            const element = await createWithStatus();
            $(element, 'lightning-button.enrich-button').click();
            await flushPromises();
            expect(activeSubscriptions()).toEqual([CHANNEL]);

            jest.advanceTimersByTime(TWO_MINUTES - 1);
            await flushPromises();
            expect(unsubscribe).not.toHaveBeenCalled();

            jest.advanceTimersByTime(1);
            await flushPromises();
            expect(unsubscribe).toHaveBeenCalledTimes(1);
            expect(activeSubscriptions()).toEqual([]);
            expect($(element, '.progress-message').textContent).toBe(
                'c.Audience_Status_Progress_Timeout'
            );
            expect(refreshApex).toHaveBeenCalledTimes(1);

            // Late events change nothing once the card stopped listening.
            fireMockEvent(CHANNEL, statusEvent({ Stage__c: 'done', Message__c: 'late' }));
            await flushPromises();
            expect($(element, '.progress-message').textContent).toBe(
                'c.Audience_Status_Progress_Timeout'
            );
        });

        it('unsubscribes when the request is refused, and shows why', async () => {
            const refusal = {
                status: 500,
                body: { message: 'Ask an admin for Audience User.' },
                headers: {}
            };
            requestEnrichment.mockRejectedValue(refusal);
            const element = await createWithStatus();
            const toastHandler = jest.fn();
            element.addEventListener('lightning__showtoast', toastHandler);

            $(element, 'lightning-button.enrich-button').click();
            await flushPromises();

            expect(activeSubscriptions()).toEqual([]);
            expect($(element, 'c-error-panel.action-error').errors).toEqual(refusal);
            expect(toastHandler.mock.calls[0][0].detail.title).toBe(
                'c.Audience_Enrich_Failed_Title'
            );
            expect($(element, 'lightning-button.enrich-button').disabled).toBe(false);
            expect($(element, '.progress-message')).toBeNull();
            await expect(element).toBeAccessible();
        });

        it('does not request enrichment when it cannot subscribe', async () => {
            setMockSubscribeError(new Error('handshake failed'));
            const element = await createWithStatus();

            $(element, 'lightning-button.enrich-button').click();
            await flushPromises();

            expect(requestEnrichment).not.toHaveBeenCalled();
            expect($(element, 'c-error-panel.action-error')).not.toBeNull();
        });

        it('ends the live view when the stream fails', async () => {
            requestEnrichment.mockResolvedValue(EVENT_UUID);
            const element = await createWithStatus();
            $(element, 'lightning-button.enrich-button').click();
            await flushPromises();

            fireMockError({ error: '403::Unknown client' });
            await flushPromises();

            expect(activeSubscriptions()).toEqual([]);
            expect($(element, '.progress-message').textContent).toBe(
                'c.Audience_Status_Progress_Live_Failed'
            );
            expect($(element, 'lightning-button.enrich-button').disabled).toBe(false);
        });

        it('ignores a second click while an enrichment is running', async () => {
            requestEnrichment.mockResolvedValue(EVENT_UUID);
            const element = await createWithStatus();
            $(element, 'lightning-button.enrich-button').click();
            await flushPromises();
            $(element, 'lightning-button.enrich-button').click();
            await flushPromises();
            expect(subscribe).toHaveBeenCalledTimes(1);
            expect(requestEnrichment).toHaveBeenCalledTimes(1);
        });

        it('can enrich again after a final status, listening afresh each time', async () => {
            requestEnrichment.mockResolvedValue(EVENT_UUID);
            const element = await createWithStatus();
            for (const round of [1, 2]) {
                $(element, 'lightning-button.enrich-button').click();
                // eslint-disable-next-line no-await-in-loop
                await flushPromises();
                expect(activeSubscriptions()).toEqual([CHANNEL]);
                fireMockEvent(
                    CHANNEL,
                    statusEvent({ Stage__c: 'done', Message__c: `round ${round}` })
                );
                // eslint-disable-next-line no-await-in-loop
                await flushPromises();
                expect(activeSubscriptions()).toEqual([]);
            }
            expect(subscribe).toHaveBeenCalledTimes(2);
            expect(requestEnrichment).toHaveBeenCalledTimes(2);
            expect(onError).toHaveBeenCalledTimes(1);
            expect($(element, '.progress-message').textContent).toBe('round 2');
        });

        it('unsubscribes when the card is removed from the page', async () => {
            requestEnrichment.mockResolvedValue(EVENT_UUID);
            const element = await createWithStatus();
            $(element, 'lightning-button.enrich-button').click();
            await flushPromises();

            document.body.removeChild(element);
            expect(activeSubscriptions()).toEqual([]);
        });
    });
});
