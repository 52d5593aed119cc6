import { createElement } from 'lwc';
import AudienceEnrichButton from 'c/audienceEnrichButton';
import requestEnrichment from '@salesforce/apex/AudienceRecordRequestController.requestEnrichment';

jest.mock(
    '@salesforce/apex/AudienceRecordRequestController.requestEnrichment',
    () => ({ default: jest.fn() }),
    { virtual: true }
);

const RECORD_ID = '003000000000001AAA';
const EVENT_UUID = '6f7d1a52-2f0a-4a7e-9d59-3c1f3e7c2b10';
const APEX_ERROR = {
    status: 500,
    body: { message: "You can't request enrichment. Ask an admin for Audience User." },
    headers: {}
};

/** Lets the awaited Apex promise and the re-render settle. */
async function flushPromises() {
    await Promise.resolve();
    await Promise.resolve();
    await Promise.resolve();
}

function createComponent() {
    const element = createElement('c-audience-enrich-button', { is: AudienceEnrichButton });
    element.recordId = RECORD_ID;
    document.body.appendChild(element);
    return element;
}

function enrichButton(element) {
    return element.shadowRoot.querySelector('lightning-button.enrich-button');
}

describe('c-audience-enrich-button', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('requests enrichment of this record when clicked', async () => {
        requestEnrichment.mockResolvedValue(EVENT_UUID);
        const element = createComponent();

        enrichButton(element).click();
        await flushPromises();

        expect(requestEnrichment).toHaveBeenCalledTimes(1);
        expect(requestEnrichment.mock.calls[0][0]).toEqual({ recordId: RECORD_ID });
    });

    it('says so when the user cannot see the record', async () => {
        const noAccess = {
            status: 500,
            body: {
                message: `You don't have access to record ${RECORD_ID}, so it can't be enriched for you.`
            },
            headers: {}
        };
        requestEnrichment.mockRejectedValue(noAccess);
        const element = createComponent();
        const toastHandler = jest.fn();
        element.addEventListener('lightning__showtoast', toastHandler);

        enrichButton(element).click();
        await flushPromises();

        expect(toastHandler.mock.calls[0][0].detail).toEqual({
            title: 'c.Audience_Enrich_Failed_Title',
            message: noAccess.body.message,
            variant: 'error'
        });
        expect(element.shadowRoot.querySelector('c-error-panel').errors).toEqual(noAccess);
    });

    it('shows a success toast once the request is accepted', async () => {
        requestEnrichment.mockResolvedValue(EVENT_UUID);
        const element = createComponent();
        const toastHandler = jest.fn();
        element.addEventListener('lightning__showtoast', toastHandler);

        enrichButton(element).click();
        await flushPromises();

        expect(toastHandler).toHaveBeenCalledTimes(1);
        expect(toastHandler.mock.calls[0][0].detail).toEqual({
            title: 'c.Audience_Enrich_Requested_Title',
            message: 'c.Audience_Enrich_Requested_Message',
            variant: 'success'
        });
        expect(element.shadowRoot.querySelector('c-error-panel')).toBeNull();
    });

    it('disables the button and ignores a second click while the request is on its way', async () => {
        let resolve;
        requestEnrichment.mockReturnValue(
            new Promise((r) => {
                resolve = r;
            })
        );
        const element = createComponent();

        enrichButton(element).click();
        await flushPromises();
        expect(enrichButton(element).disabled).toBe(true);
        expect(enrichButton(element).label).toBe('c.Audience_Enrich_Working');
        enrichButton(element).click();

        resolve(EVENT_UUID);
        await flushPromises();
        expect(requestEnrichment).toHaveBeenCalledTimes(1);
        expect(enrichButton(element).disabled).toBe(false);
        expect(enrichButton(element).label).toBe('c.Audience_Enrich_Now');
    });

    it('shows the Apex error in the error panel and in an error toast', async () => {
        requestEnrichment.mockRejectedValue(APEX_ERROR);
        const element = createComponent();
        const toastHandler = jest.fn();
        element.addEventListener('lightning__showtoast', toastHandler);

        enrichButton(element).click();
        await flushPromises();

        const panel = element.shadowRoot.querySelector('c-error-panel');
        expect(panel).not.toBeNull();
        expect(panel.errors).toEqual(APEX_ERROR);
        expect(panel.friendlyMessage).toBe('c.Audience_Enrich_Failed_Title');
        expect(toastHandler.mock.calls[0][0].detail).toEqual({
            title: 'c.Audience_Enrich_Failed_Title',
            message: APEX_ERROR.body.message,
            variant: 'error'
        });
    });

    it('clears an earlier error when a retry succeeds', async () => {
        requestEnrichment.mockRejectedValueOnce(APEX_ERROR).mockResolvedValueOnce(EVENT_UUID);
        const element = createComponent();

        enrichButton(element).click();
        await flushPromises();
        expect(element.shadowRoot.querySelector('c-error-panel')).not.toBeNull();

        enrichButton(element).click();
        await flushPromises();
        expect(element.shadowRoot.querySelector('c-error-panel')).toBeNull();
    });

    it('runs as a headless quick action through invoke()', async () => {
        requestEnrichment.mockResolvedValue(EVENT_UUID);
        const element = createComponent();
        const toastHandler = jest.fn();
        element.addEventListener('lightning__showtoast', toastHandler);

        await element.invoke();

        expect(requestEnrichment.mock.calls[0][0]).toEqual({ recordId: RECORD_ID });
        expect(toastHandler.mock.calls[0][0].detail.variant).toBe('success');
    });

    it('is accessible in its normal state', async () => {
        const element = createComponent();
        await flushPromises();
        await expect(element).toBeAccessible();
    });

    it('is accessible in its error state', async () => {
        requestEnrichment.mockRejectedValue(APEX_ERROR);
        const element = createComponent();

        enrichButton(element).click();
        await flushPromises();

        expect(element.shadowRoot.querySelector('c-error-panel')).not.toBeNull();
        await expect(element).toBeAccessible();
    });
});
