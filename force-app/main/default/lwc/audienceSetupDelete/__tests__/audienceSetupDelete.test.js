import { createElement } from 'lwc';
import AudienceSetupDelete from 'c/audienceSetupDelete';
import deleteRecord from '@salesforce/apex/AudienceSetupDeleteController.deleteRecord';

jest.mock(
    '@salesforce/apex/AudienceSetupDeleteController.deleteRecord',
    () => ({ default: jest.fn() }),
    { virtual: true }
);

const RECORD_ID = 'a07000000000001AAA';
/** Axe runs on every state: on a loaded machine they outlast jest's 5 s default. */
const AXE_TIMEOUT_MS = 30000;

async function flush() {
    for (let i = 0; i < 4; i++) {
        // eslint-disable-next-line no-await-in-loop
        await Promise.resolve();
    }
}

function mount({ disabled = false } = {}) {
    const element = createElement('c-audience-setup-delete', { is: AudienceSetupDelete });
    element.recordId = RECORD_ID;
    element.recordName = 'Call new VPs';
    element.disabled = disabled;
    document.body.appendChild(element);
    return element;
}

const $ = (element, selector) => element.shadowRoot.querySelector(selector);

describe('c-audience-setup-delete', () => {
    afterEach(() => {
        while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
        jest.clearAllMocks();
    });

    it(
        'asks in the row first, then deletes and tells the section',
        async () => {
            deleteRecord.mockResolvedValue(null);
            const element = mount();
            const deleted = jest.fn();
            const toasts = jest.fn();
            element.addEventListener('deleted', deleted);
            element.addEventListener('lightning__showtoast', toasts);
            expect($(element, '[data-action="delete"]').title).toBe(
                'c.Audience_Setup_Delete: Call new VPs'
            );
            await expect(element).toBeAccessible();

            $(element, '[data-action="delete"]').click();
            await flush();
            expect(deleteRecord).not.toHaveBeenCalled();
            expect($(element, '[data-id="confirm-question"]').textContent).toContain(
                'c.Audience_Setup_Confirm_Delete'
            );
            await expect(element).toBeAccessible();

            $(element, '[data-action="confirm-delete"]').click();
            await flush();
            expect(deleteRecord).toHaveBeenCalledWith({ recordId: RECORD_ID });
            expect(deleted).toHaveBeenCalledTimes(1);
            expect(deleted.mock.calls[0][0].detail).toEqual({ id: RECORD_ID });
            expect(toasts).toHaveBeenCalledTimes(1);
            expect($(element, '[data-id="confirm-question"]')).toBeNull();
        },
        AXE_TIMEOUT_MS
    );

    it('does nothing when the admin cancels', async () => {
        const element = mount();
        $(element, '[data-action="delete"]').click();
        await flush();
        $(element, '[data-action="cancel-delete"]').click();
        await flush();
        expect(deleteRecord).not.toHaveBeenCalled();
        expect($(element, '[data-action="delete"]')).not.toBeNull();
    });

    it(
        'shows a refusal in the row and fires nothing',
        async () => {
            deleteRecord.mockRejectedValue({
                body: { message: 'Deactivate this audience before deleting it.' }
            });
            const element = mount();
            const deleted = jest.fn();
            element.addEventListener('deleted', deleted);
            $(element, '[data-action="delete"]').click();
            await flush();
            $(element, '[data-action="confirm-delete"]').click();
            await flush();
            expect(deleted).not.toHaveBeenCalled();
            const error = $(element, '[data-id="delete-error"]');
            expect(error.textContent).toContain('Deactivate this audience');
            expect(error.getAttribute('role')).toBe('alert');
            await expect(element).toBeAccessible();
        },
        AXE_TIMEOUT_MS
    );

    it('is disabled when the section is read-only', async () => {
        const element = mount({ disabled: true });
        await flush();
        expect($(element, '[data-action="delete"]').disabled).toBe(true);
    });
});
