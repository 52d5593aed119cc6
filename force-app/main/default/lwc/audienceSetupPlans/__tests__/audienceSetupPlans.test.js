import getPlans from '@salesforce/apex/AudienceSetupPlanController.getPlans';
import savePlans from '@salesforce/apex/AudienceSetupPlanController.savePlans';
import estimatePlan from '@salesforce/apex/AudienceSetupPlanController.estimatePlan';
import runPlan from '@salesforce/apex/AudienceSetupPlanController.runPlan';
import { refreshApex } from '@salesforce/apex';
import { readCron } from '../cronReading';
import { $, PLANS, flush, mount, providers, type } from './data/planTestKit';
import { deleteInRow } from '../../../../../test/jest-helpers/deleteInRow';

jest.mock(
    '@salesforce/apex/AudienceSetupPlanController.getPlans',
    () => ({ default: require('@salesforce/sfdx-lwc-jest').createApexTestWireAdapter(jest.fn()) }),
    { virtual: true }
);
jest.mock(
    '@salesforce/apex/AudienceSetupPlanController.getPlanOptions',
    () => ({ default: require('@salesforce/sfdx-lwc-jest').createApexTestWireAdapter(jest.fn()) }),
    { virtual: true }
);
jest.mock(
    '@salesforce/apex/AudienceSetupController.getAudiences',
    () => ({ default: require('@salesforce/sfdx-lwc-jest').createApexTestWireAdapter(jest.fn()) }),
    { virtual: true }
);
jest.mock(
    '@salesforce/apex/AudienceSetupPlanController.savePlans',
    () => ({ default: jest.fn() }),
    {
        virtual: true
    }
);
jest.mock(
    '@salesforce/apex/AudienceSetupPlanController.estimatePlan',
    () => ({ default: jest.fn() }),
    {
        virtual: true
    }
);
jest.mock('@salesforce/apex/AudienceSetupPlanController.runPlan', () => ({ default: jest.fn() }), {
    virtual: true
});
jest.mock('@salesforce/apex', () => ({ refreshApex: jest.fn(() => Promise.resolve()) }), {
    virtual: true
});

describe('readCron', () => {
    it.each([
        ['0 2 * * *', 'Every day, at 02:00'],
        ['30 6 * * 1-5', 'On Monday to Friday, at 06:30'],
        ['*/15 * * * *', 'Every day, every 15 minutes'],
        ['0 */6 * * *', 'Every day, every 6 hours at minute 0'],
        ['0 9 1 * *', 'On day 1 of the month, at 09:00'],
        ['0 9 * 1,7 *', 'Every day in January, July, at 09:00']
    ])('reads %s as "%s"', (cron, reading) => {
        expect(readCron(cron)).toEqual({ reading });
    });

    it('refuses what the server refuses: not 5 fields, not cron syntax; blank is no schedule', () => {
        expect(readCron('0 2 * *').error).toContain('5 fields');
        expect(readCron('0 2 * * every!').error).toBe('not cron syntax');
        expect(readCron('  ')).toEqual({});
    });
});

describe('c-audience-setup-plans', () => {
    afterEach(() => {
        while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
        jest.clearAllMocks();
    });

    it('lists plans with a readable schedule, the estimate and the server status', async () => {
        const element = mount();
        await flush();
        expect(element.shadowRoot.querySelectorAll('tbody tr')).toHaveLength(2);
        expect($(element, `[data-schedule="${PLANS[0].id}"]`).textContent).toBe(
            'On Monday to Friday, at 02:00'
        );
        expect($(element, `[data-estimate="${PLANS[0].id}"]`).textContent).toBe('120');
        expect($(element, `[data-status="${PLANS[1].id}"]`).textContent).toContain(
            'not configured'
        );
        await expect(element).toBeAccessible();
    });

    it('says when there are no plans, and shows a wire error', async () => {
        const element = mount(true, []);
        await flush();
        expect($(element, '[data-id="no-plans"]')).not.toBeNull();
        await expect(element).toBeAccessible();
        getPlans.error({ message: 'no access' });
        await flush();
        expect($(element, 'c-error-panel')).not.toBeNull();
    });

    it('reorders providers with up and down and saves the new waterfall and ceilings', async () => {
        savePlans.mockResolvedValue([{ index: 0, id: PLANS[0].id, success: true }]);
        const element = mount();
        await flush();
        $(element, `[data-action="edit-plan"][data-id="${PLANS[0].id}"]`).click();
        await flush();
        expect(providers(element)).toEqual(['hunter', 'pdl', 'offline']);
        expect($(element, '[data-provider="hunter"] [data-action="up"]').disabled).toBe(true);
        $(element, '[data-provider="offline"] [data-action="up"]').click();
        await flush();
        $(element, '[data-provider="hunter"] [data-action="down"]').click();
        await flush();
        expect(providers(element)).toEqual(['offline', 'hunter', 'pdl']);
        type($(element, '[data-field="maxCreditsPerRun"]'), '250');
        await flush();
        expect($(element, '[data-id="cron-reading"]').textContent).toContain('(Europe/Paris)');
        await expect(element).toBeAccessible();
        $(element, '[data-action="save-plan"]').click();
        await flush();
        expect(savePlans.mock.calls[0][0].rows[0]).toEqual({
            Id: PLANS[0].id,
            Name: 'Work emails',
            Audience__c: PLANS[0].audienceId,
            Attributes__c: 'person.work_email',
            Providers__c: 'offline,hunter,pdl',
            Schedule__c: '0 2 * * 1-5',
            Time_Zone__c: 'Europe/Paris',
            Run_On_Entry__c: false,
            Max_Credits_Per_Run__c: 250,
            Monthly_Credit_Budget__c: 2000,
            Active__c: true
        });
        expect(refreshApex).toHaveBeenCalled();
    });

    it('creates a plan: attributes, an http provider, run on entry', async () => {
        savePlans.mockResolvedValue([{ index: 0, id: 'a04000000000009AAA', success: true }]);
        const element = mount();
        await flush();
        $(element, '[data-action="new-plan"]').click();
        await flush();
        type($(element, '[data-field="name"]'), 'Headcount');
        type($(element, '[data-field="attributes"]'), ['company.employee_count']);
        type($(element, '[data-id="new-provider"]'), 'http:clearbit');
        $(element, '[data-action="add-provider"]').click();
        const runOnEntry = $(element, '[data-field="runOnEntry"]');
        runOnEntry.checked = true;
        runOnEntry.dispatchEvent(new CustomEvent('change'));
        await flush();
        expect(providers(element)).toEqual(['offline', 'http:clearbit']);
        $(element, '[data-action="save-plan"]').click();
        await flush();
        expect(savePlans.mock.calls[0][0].rows[0]).toMatchObject({
            Name: 'Headcount',
            Object__c: 'Contact',
            Attributes__c: 'company.employee_count',
            Providers__c: 'offline,http:clearbit',
            Run_On_Entry__c: true,
            Schedule__c: '',
            Time_Zone__c: 'UTC'
        });
    });

    it('does not save what the server would refuse, and says why', async () => {
        const element = mount();
        await flush();
        $(element, `[data-action="edit-plan"][data-id="${PLANS[1].id}"]`).click();
        await flush();
        type($(element, '[data-field="schedule"]'), '0 2 * *');
        type($(element, '[data-field="timeZone"]'), 'Mars/Olympus');
        type($(element, '[data-id="new-provider"]'), 'clearbit');
        $(element, '[data-action="add-provider"]').click();
        await flush();
        expect($(element, '[data-id="form-error"]').textContent).toContain(
            'unknown provider id clearbit'
        );
        expect($(element, '[data-id="cron-error"]')).not.toBeNull();
        expect($(element, '[data-id="zone-error"]')).not.toBeNull();
        await expect(element).toBeAccessible();
        $(element, '[data-action="save-plan"]').click();
        await flush();
        expect(savePlans).not.toHaveBeenCalled();
        const error = $(element, '[data-id="form-error"]').textContent;
        expect(error).toContain('5 fields');
        expect(error).toContain('a scheduled plan needs an audience');
        expect(error).toContain('unknown time zone');
    });

    it('shows the reason the server gives for a refused save', async () => {
        savePlans.mockResolvedValue([
            { index: 0, success: false, message: 'unknown attribute person.shoe_size' }
        ]);
        const element = mount();
        await flush();
        $(element, `[data-action="edit-plan"][data-id="${PLANS[0].id}"]`).click();
        await flush();
        $(element, '[data-action="save-plan"]').click();
        await flush();
        expect($(element, '[data-id="form-error"]').textContent).toContain('person.shoe_size');
    });

    it('asks for an estimate and says it is pending; Run now sends the plan', async () => {
        estimatePlan.mockResolvedValue('uuid-1');
        runPlan.mockResolvedValue('uuid-2');
        const element = mount();
        await flush();
        $(element, `[data-action="edit-plan"][data-id="${PLANS[0].id}"]`).click();
        await flush();
        expect($(element, '[data-id="estimate"]').textContent).toContain('120 credits');
        $(element, '[data-action="run-now"]').click();
        await flush();
        expect(runPlan).toHaveBeenCalledWith({ planId: PLANS[0].id });
        $(element, '[data-action="estimate"]').click();
        await flush();
        expect(estimatePlan).toHaveBeenCalledWith({ planId: PLANS[0].id });
        expect($(element, '[data-id="estimate"]').textContent).toContain(
            'c.Audience_Setup_Estimating'
        );
        expect($(element, '[data-action="estimate"]').disabled).toBe(true);
        await expect(element).toBeAccessible();
    });

    it('cannot estimate or run an inactive plan, and is read-only for non-admins', async () => {
        const element = mount();
        await flush();
        $(element, `[data-action="edit-plan"][data-id="${PLANS[1].id}"]`).click();
        await flush();
        expect($(element, '[data-action="estimate"]').disabled).toBe(true);
        expect($(element, '[data-action="run-now"]').disabled).toBe(true);
        document.body.removeChild(element);
        const readOnly = mount(false);
        await flush();
        expect($(readOnly, '[data-action="new-plan"]').disabled).toBe(true);
        $(readOnly, `[data-action="edit-plan"][data-id="${PLANS[0].id}"]`).click();
        await flush();
        expect($(readOnly, '[data-action="save-plan"]').disabled).toBe(true);
        expect($(readOnly, '[data-action="estimate"]').disabled).toBe(true);
        expect($(readOnly, '[data-provider="pdl"] [data-action="up"]').disabled).toBe(true);
        await expect(readOnly).toBeAccessible();
    });

    it('a deleted plan leaves the list and closes its form; Delete is off for non-admins', async () => {
        const readOnlyRemovers = await deleteInRow({
            mount: () => mount(),
            mountReadOnly: () => mount(false),
            editSelector: `[data-action="edit-plan"][data-id="${PLANS[0].id}"]`,
            rowSelector: `[data-plan="${PLANS[0].id}"]`,
            formSelector: '[data-id="plan-form"]',
            recordId: PLANS[0].id,
            refreshApex,
            flush
        });
        expect(readOnlyRemovers.length).toBeGreaterThan(0);
        expect(readOnlyRemovers.every((r) => r.disabled === true)).toBe(true);
    });
});
