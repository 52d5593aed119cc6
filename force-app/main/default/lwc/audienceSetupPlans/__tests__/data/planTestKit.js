/** What both plan test files share: the Apex mocks' data, mounting and DOM helpers. */
import { createElement } from 'lwc';
import AudienceSetupPlans from 'c/audienceSetupPlans';
import getPlans from '@salesforce/apex/AudienceSetupPlanController.getPlans';
import getPlanOptions from '@salesforce/apex/AudienceSetupPlanController.getPlanOptions';
import getAudiences from '@salesforce/apex/AudienceSetupController.getAudiences';

export const PLANS = require('./plans.json');
export const OPTIONS = require('./planOptions.json');
export const AUDIENCES = require('../../../audienceSetup/__tests__/data/audiences.json');

export async function flush() {
    for (let i = 0; i < 4; i++) {
        // eslint-disable-next-line no-await-in-loop
        await Promise.resolve();
    }
}

export function mount(canEdit = true, plans = PLANS) {
    const element = createElement('c-audience-setup-plans', { is: AudienceSetupPlans });
    element.canEdit = canEdit;
    document.body.appendChild(element);
    getPlans.emit(plans);
    getPlanOptions.emit(OPTIONS);
    getAudiences.emit(AUDIENCES);
    return element;
}

export const $ = (element, selector) => element.shadowRoot.querySelector(selector);

export function type(target, value) {
    target.value = value;
    target.dispatchEvent(new CustomEvent('change', { detail: { value } }));
}

export function providers(element) {
    return [...element.shadowRoot.querySelectorAll('[data-provider]')].map(
        (li) => li.dataset.provider
    );
}
