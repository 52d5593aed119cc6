import { createElement } from 'lwc';
import ErrorPanel from 'c/errorPanel';

async function flushPromises() {
    await Promise.resolve();
}

function createPanel(properties) {
    const element = createElement('c-error-panel', { is: ErrorPanel });
    Object.assign(element, properties);
    document.body.appendChild(element);
    return element;
}

describe('c-error-panel', () => {
    afterEach(() => {
        while (document.body.firstChild) {
            document.body.removeChild(document.body.firstChild);
        }
        jest.clearAllMocks();
    });

    it('shows the default headline with the label key', () => {
        const element = createPanel({ errors: { body: { message: 'boom' } } });
        const headline = element.shadowRoot.querySelector('p');
        expect(headline.textContent).toBe('c.Audience_Error_Panel_Friendly');
    });

    it('reveals the reduced messages when details are asked for', async () => {
        const element = createPanel({
            errors: [{ body: { message: 'first' } }, new Error('second')]
        });
        expect(element.shadowRoot.querySelectorAll('li')).toHaveLength(0);

        element.shadowRoot.querySelector('lightning-button').click();
        await flushPromises();

        const items = Array.from(element.shadowRoot.querySelectorAll('li')).map(
            (li) => li.textContent
        );
        expect(items).toEqual(['first', 'second']);
        expect(
            element.shadowRoot.querySelector('lightning-button').getAttribute('aria-expanded')
        ).toBe('true');
    });

    it('offers no details toggle when there is nothing to show', () => {
        const element = createPanel({ errors: undefined, friendlyMessage: 'Custom headline' });
        expect(element.shadowRoot.querySelector('p').textContent).toBe('Custom headline');
        expect(element.shadowRoot.querySelector('lightning-button')).toBeNull();
    });

    it('is accessible with details open', async () => {
        const element = createPanel({ errors: { body: { message: 'boom' } } });
        element.shadowRoot.querySelector('lightning-button').click();
        await flushPromises();
        await expect(element).toBeAccessible();
    });
});
