import { createElement } from 'lwc';
import AudienceFilterBuilder from 'c/audienceFilterBuilder';
import { operatorsFor, toFilter, fromFilter, typedValue } from '../filterModel';

const FIELDS = require('./data/filterFields.json');

function mount(props = {}) {
    const element = createElement('c-audience-filter-builder', { is: AudienceFilterBuilder });
    Object.assign(element, { fields: FIELDS }, props);
    document.body.appendChild(element);
    return element;
}

function shownJson(element) {
    return JSON.parse(element.shadowRoot.querySelector('[data-id="filter-json"]').textContent);
}

function choose(element, selector, value) {
    const input = element.shadowRoot.querySelector(selector);
    input.dispatchEvent(new CustomEvent('change', { detail: { value } }));
}

async function flush() {
    await Promise.resolve();
}

describe('filterModel', () => {
    it('offers only operators valid for the field type', () => {
        expect(operatorsFor('boolean')).toEqual(['eq', 'ne']);
        expect(operatorsFor('double')).toContain('gt');
        expect(operatorsFor('double')).not.toContain('contains');
        expect(operatorsFor('picklist')).not.toContain('starts_with');
        expect(operatorsFor('datetime')).toContain('changed_within_days');
        expect(operatorsFor('base64')).toEqual([]);
    });

    it('types values to the field and refuses values of the wrong type', () => {
        expect(typedValue({ op: 'gt', value: '250' }, 'double')).toBe(250);
        expect(typedValue({ op: 'gt', value: 'many' }, 'double')).toBeUndefined();
        expect(typedValue({ op: 'in', value: 'VP, Director' }, 'picklist')).toEqual([
            'VP',
            'Director'
        ]);
        expect(typedValue({ op: 'in', value: '1, x' }, 'double')).toBeUndefined();
        expect(typedValue({ op: 'eq', value: 'true' }, 'boolean')).toBe(true);
        expect(typedValue({ op: 'changed_within_days', value: '0' }, 'date')).toBeUndefined();
        expect(typedValue({ op: 'gte', value: '2026-12-01' }, 'date')).toBe('2026-12-01');
        expect(typedValue({ op: 'gte', value: 'yesterday' }, 'date')).toBeUndefined();
    });

    it('round-trips all / any / not groups of DESIGN.md section 7', () => {
        const filter = {
            all: [
                { field: 'Seniority__c', op: 'in', value: ['VP', 'Director'] },
                {
                    any: [
                        { field: 'Account.AnnualRevenue', op: 'gte', value: 1000000 },
                        { field: 'Title', op: 'is_not_blank' }
                    ]
                },
                { not: { field: 'HasOptedOutOfEmail', op: 'eq', value: true } }
            ]
        };
        expect(toFilter(fromFilter(JSON.stringify(filter)), FIELDS)).toEqual(filter);
    });

    it('leaves out incomplete conditions and empty inner groups but always emits the root', () => {
        const root = fromFilter(
            JSON.stringify({
                all: [
                    { field: 'Title', op: 'eq' },
                    { any: [] },
                    { field: 'Nope__c', op: 'eq', value: 'x' }
                ]
            })
        );
        expect(toFilter(root, FIELDS)).toEqual({ all: [] });
        expect(toFilter(fromFilter(''), FIELDS)).toEqual({ all: [] });
        expect(toFilter(fromFilter('{broken'), FIELDS)).toEqual({ all: [] });
    });
});

describe('c-audience-filter-builder', () => {
    afterEach(() => {
        while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
    });

    it('shows the starting filter as JSON and is accessible', async () => {
        const filter = { all: [{ field: 'Title', op: 'contains', value: 'Engineer' }] };
        const element = mount({ filter: JSON.stringify(filter) });
        await flush();
        expect(shownJson(element)).toEqual(filter);
        expect(element.shadowRoot.querySelectorAll('[data-condition]')).toHaveLength(1);
        await expect(element).toBeAccessible();
    });

    it('builds a typed condition step by step and emits the filter JSON', async () => {
        const element = mount();
        const changes = [];
        element.addEventListener('filterchange', (event) => changes.push(event.detail));
        await flush();
        element.shadowRoot.querySelector('[data-action="add-condition"]').click();
        await flush();
        // The new, empty condition is flagged and left out.
        expect(element.shadowRoot.querySelector('[data-id="incomplete"]')).not.toBeNull();
        expect(changes.at(-1)).toEqual({ filter: '{"all":[]}', complete: false });

        choose(element, 'lightning-combobox[data-input="field"]', 'NumberOfEmployees__c');
        await flush();
        const operators = element.shadowRoot
            .querySelector('lightning-combobox[data-input="op"]')
            .options.map((o) => o.value);
        expect(operators).toContain('gte');
        expect(operators).not.toContain('contains');

        choose(element, 'lightning-combobox[data-input="op"]', 'gte');
        await flush();
        const input = element.shadowRoot.querySelector('lightning-input[data-input="value"]');
        expect(input.type).toBe('number');
        input.dispatchEvent(new CustomEvent('change', { detail: { value: '250' } }));
        await flush();

        expect(changes.at(-1)).toEqual({
            filter: JSON.stringify({
                all: [{ field: 'NumberOfEmployees__c', op: 'gte', value: 250 }]
            }),
            complete: true
        });
        expect(shownJson(element)).toEqual({
            all: [{ field: 'NumberOfEmployees__c', op: 'gte', value: 250 }]
        });
        expect(element.shadowRoot.querySelector('[data-id="incomplete"]')).toBeNull();
        await expect(element).toBeAccessible();
    });

    it('offers picklist values for a picklist field and true/false for a checkbox', async () => {
        const element = mount({
            filter: JSON.stringify({
                all: [{ field: 'Account.Industry', op: 'eq', value: 'Software' }]
            })
        });
        await flush();
        const value = element.shadowRoot.querySelector('lightning-combobox[data-input="value"]');
        expect(value.options.map((o) => o.value)).toEqual(['Software', 'Banking']);

        choose(element, 'lightning-combobox[data-input="field"]', 'HasOptedOutOfEmail');
        await flush();
        // eq is valid for a checkbox too, so it stays; the old value does not carry over.
        expect(element.shadowRoot.querySelector('lightning-combobox[data-input="op"]').value).toBe(
            'eq'
        );
        const bool = element.shadowRoot.querySelector('lightning-combobox[data-input="value"]');
        expect(bool.options.map((o) => o.value)).toEqual(['true', 'false']);
        expect(shownJson(element)).toEqual({ all: [] });
    });

    it('adds a nested group, switches it to none-of and removes a condition', async () => {
        const element = mount({
            filter: JSON.stringify({ all: [{ field: 'Title', op: 'is_blank' }] })
        });
        await flush();
        element.shadowRoot.querySelector('[data-action="add-group"]').click();
        await flush();
        const groupKinds = element.shadowRoot.querySelectorAll('lightning-combobox[data-id^="g"]');
        expect(groupKinds).toHaveLength(2);
        groupKinds[1].dispatchEvent(new CustomEvent('change', { detail: { value: 'not' } }));
        await flush();
        element.shadowRoot.querySelectorAll('[data-action="add-condition"]')[1].click();
        await flush();
        const fields = element.shadowRoot.querySelectorAll(
            'lightning-combobox[data-input="field"]'
        );
        fields[1].dispatchEvent(new CustomEvent('change', { detail: { value: 'Title' } }));
        await flush();
        element.shadowRoot
            .querySelectorAll('lightning-combobox[data-input="op"]')[1]
            .dispatchEvent(new CustomEvent('change', { detail: { value: 'is_not_blank' } }));
        await flush();
        expect(shownJson(element)).toEqual({
            all: [
                { field: 'Title', op: 'is_blank' },
                { not: { field: 'Title', op: 'is_not_blank' } }
            ]
        });

        element.shadowRoot.querySelector('[data-condition] [data-action="remove"]').click();
        await flush();
        expect(shownJson(element)).toEqual({
            all: [{ not: { field: 'Title', op: 'is_not_blank' } }]
        });
    });

    it('is read-only when told so', async () => {
        const element = mount({
            readOnly: true,
            filter: JSON.stringify({ any: [{ field: 'Title', op: 'is_blank' }] })
        });
        await flush();
        expect(element.shadowRoot.querySelector('[data-action="add-condition"]')).toBeNull();
        expect(
            element.shadowRoot.querySelector('lightning-combobox[data-input="field"]').disabled
        ).toBe(true);
        await expect(element).toBeAccessible();
    });
});
