import { createElement } from 'lwc';
import AudienceEnrichButton from 'c/audienceEnrichButton';
import publishCommand from '@salesforce/apex/AudienceCommandController.publishCommand';

jest.mock(
    '@salesforce/apex/AudienceCommandController.publishCommand',
    () => ({ default: jest.fn() }),
    { virtual: true }
);

const RECORD_ID = '003000000000001AAA';
const EVENT_UUID = '6f7d1a52-2f0a-4a7e-9d59-3c1f3e7c2b10';
const APEX_ERROR = {
    status: 500,
    body: { message: "You can't send audience-loop commands. Ask an admin for Audience User." },
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

    it('sends ENRICH_RECORD for this record when clicked', async () => {
        publishCommand.mockResolvedValue(EVENT_UUID);
        const element = createComponent();

        enrichButton(element).click();
        await flushPromises();

        expect(publishCommand).toHaveBeenCalledTimes(1);
        expect(publishCommand.mock.calls[0][0]).toEqual({
            command: 'ENRICH_RECORD',
            recordId: RECORD_ID,
            targetId: null
        });
    });

    it('shows a success toast once the request is accepted', async () => {
        publishCommand.mockResolvedValue(EVENT_UUID);
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
        publishCommand.mockReturnValue(
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
        expect(publishCommand).toHaveBeenCalledTimes(1);
        expect(enrichButton(element).disabled).toBe(false);
        expect(enrichButton(element).label).toBe('c.Audience_Enrich_Now');
    });

    it('shows the Apex error in the error panel and in an error toast', async () => {
        publishCommand.mockRejectedValue(APEX_ERROR);
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
        publishCommand.mockRejectedValueOnce(APEX_ERROR).mockResolvedValueOnce(EVENT_UUID);
        const element = createComponent();

        enrichButton(element).click();
        await flushPromises();
        expect(element.shadowRoot.querySelector('c-error-panel')).not.toBeNull();

        enrichButton(element).click();
        await flushPromises();
        expect(element.shadowRoot.querySelector('c-error-panel')).toBeNull();
    });

    it('runs as a headless quick action through invoke()', async () => {
        publishCommand.mockResolvedValue(EVENT_UUID);
        const element = createComponent();
        const toastHandler = jest.fn();
        element.addEventListener('lightning__showtoast', toastHandler);

        await element.invoke();

        expect(publishCommand.mock.calls[0][0]).toMatchObject({
            command: 'ENRICH_RECORD',
            recordId: RECORD_ID
        });
        expect(toastHandler.mock.calls[0][0].detail.variant).toBe('success');
    });

    it('is accessible in its normal state', async () => {
        const element = createComponent();
        await flushPromises();
        await expect(element).toBeAccessible();
    });

    it('is accessible in its error state', async () => {
        publishCommand.mockRejectedValue(APEX_ERROR);
        const element = createComponent();

        enrichButton(element).click();
        await flushPromises();

        expect(element.shadowRoot.querySelector('c-error-panel')).not.toBeNull();
        await expect(element).toBeAccessible();
    });
});
