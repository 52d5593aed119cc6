/**
 * The estimate arrives later: the server answers ESTIMATE_RUN by writing the plan, and the section re-reads the
 * plans until the value changes (fake timers drive the re-reads; accessibility is asserted in the other file).
 */
import getPlans from '@salesforce/apex/AudienceSetupPlanController.getPlans';
import estimatePlan from '@salesforce/apex/AudienceSetupPlanController.estimatePlan';
import { refreshApex } from '@salesforce/apex';
import { ESTIMATE_POLL_MS, ESTIMATE_POLL_TRIES } from 'c/audienceSetupPlans';
import { $, PLANS, flush, mount } from './data/planTestKit';

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

describe('c-audience-setup-plans estimate', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => {
        while (document.body.firstChild) document.body.removeChild(document.body.firstChild);
        jest.clearAllMocks();
        jest.useRealTimers();
    });

    async function openAndEstimate() {
        estimatePlan.mockResolvedValue('uuid');
        const element = mount();
        await flush();
        $(element, `[data-action="edit-plan"][data-id="${PLANS[0].id}"]`).click();
        await flush();
        $(element, '[data-action="estimate"]').click();
        await flush();
        return element;
    }

    it('shows the new estimate once the server wrote it, and stops re-reading', async () => {
        const element = await openAndEstimate();
        jest.advanceTimersByTime(ESTIMATE_POLL_MS);
        await flush();
        expect(refreshApex).toHaveBeenCalledTimes(1);
        getPlans.emit([{ ...PLANS[0], estimatedCredits: 310 }, PLANS[1]]);
        jest.advanceTimersByTime(ESTIMATE_POLL_MS);
        await flush();
        expect($(element, '[data-id="estimate"]').textContent).toContain('310 credits');
        expect($(element, '[data-action="estimate"]').disabled).toBe(false);
        const calls = refreshApex.mock.calls.length;
        jest.advanceTimersByTime(ESTIMATE_POLL_MS * 5);
        await flush();
        expect(refreshApex.mock.calls.length).toBe(calls);
    });

    it('gives up after the last try and shows the value it has', async () => {
        const element = await openAndEstimate();
        for (let i = 0; i < ESTIMATE_POLL_TRIES; i++) {
            jest.advanceTimersByTime(ESTIMATE_POLL_MS);
            // eslint-disable-next-line no-await-in-loop
            await flush();
        }
        expect(refreshApex).toHaveBeenCalledTimes(ESTIMATE_POLL_TRIES);
        expect($(element, '[data-id="estimate"]').textContent).toContain('120 credits');
        jest.advanceTimersByTime(ESTIMATE_POLL_MS * 3);
        await flush();
        expect(refreshApex).toHaveBeenCalledTimes(ESTIMATE_POLL_TRIES);
    });
});
