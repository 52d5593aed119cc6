import { LightningElement, api, wire } from 'lwc';
import { refreshApex } from '@salesforce/apex';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import getPlans from '@salesforce/apex/AudienceSetupPlanController.getPlans';
import getPlanOptions from '@salesforce/apex/AudienceSetupPlanController.getPlanOptions';
import savePlans from '@salesforce/apex/AudienceSetupPlanController.savePlans';
import estimatePlan from '@salesforce/apex/AudienceSetupPlanController.estimatePlan';
import runPlan from '@salesforce/apex/AudienceSetupPlanController.runPlan';
import getAudiences from '@salesforce/apex/AudienceSetupController.getAudiences';
import { reduceErrors } from 'c/ldsUtils';
import { isTimeZone, readCron } from './cronReading';
import PLANS from '@salesforce/label/c.Audience_Setup_Plans';
import NO_PLANS from '@salesforce/label/c.Audience_Setup_No_Plans';
import NEW_PLAN from '@salesforce/label/c.Audience_Setup_New_Plan';
import EDIT from '@salesforce/label/c.Audience_Setup_Edit';
import SAVE from '@salesforce/label/c.Audience_Setup_Save';
import SAVED from '@salesforce/label/c.Audience_Setup_Saved';
import LOADING from '@salesforce/label/c.Audience_Setup_Loading';
import FIX_SETTINGS from '@salesforce/label/c.Audience_Setup_Fix_Settings';
import ESTIMATE from '@salesforce/label/c.Audience_Setup_Estimate';
import ESTIMATING from '@salesforce/label/c.Audience_Setup_Estimating';
import NOT_ESTIMATED from '@salesforce/label/c.Audience_Setup_Not_Estimated';
import RUN_NOW from '@salesforce/label/c.Audience_Setup_Run_Now';
import COMMAND_SENT from '@salesforce/label/c.Audience_Setup_Command_Sent';

const OBJECTS = ['Contact', 'Lead', 'Account'];
const HTTP_PROVIDER = /^http:[a-z0-9][a-z0-9_-]{0,39}$/;
/** The server answers ESTIMATE_RUN by writing the plan; the section re-reads it this often, this many times. */
export const ESTIMATE_POLL_MS = 2000;
export const ESTIMATE_POLL_TRIES = 15;

/**
 * The "Enrichment plans" section: each `Audience_Enrichment__c` with its schedule, estimate and status, and a form
 * per plan — attributes, provider order (up / down), schedule (cron with a human reading) in a time zone, run on
 * entry, credit ceilings. Estimate asks the server (`ESTIMATE_RUN`) and shows the credits it writes to the plan;
 * Run now sends `RUN_ENRICHMENT` (progress in Runs). Delete asks first, in the row (runs keep their history).
 */
export default class AudienceSetupPlans extends LightningElement {
    labels = { PLANS, NO_PLANS, NEW_PLAN, EDIT, SAVE, LOADING, ESTIMATE, RUN_NOW };

    @api canEdit = false;
    draft;
    formError;
    saving = false;
    newProvider = '';
    /** `{ planId, previous, tries }` while waiting for the server's estimate. */
    estimating;
    pollTimer;

    @wire(getPlans) plans;
    @wire(getPlanOptions) options;
    @wire(getAudiences) audiences;

    disconnectedCallback() {
        this.stopPolling();
    }

    get readOnly() {
        return !this.canEdit;
    }

    get wireError() {
        return this.plans?.error;
    }

    get loaded() {
        return Boolean(this.plans?.data);
    }

    get loading() {
        return !this.plans?.data && !this.plans?.error;
    }

    get planRows() {
        return (this.plans?.data ?? []).map((plan) => ({
            ...plan,
            scheduleReading: plan.schedule
                ? (readCron(plan.schedule).reading ?? plan.schedule)
                : '—',
            editLabel: `${EDIT}: ${plan.name}`,
            statusClass: plan.status === 'Error' ? 'slds-text-color_error' : ''
        }));
    }

    get hasPlans() {
        return this.planRows.length > 0;
    }

    get objectOptions() {
        return OBJECTS.map((value) => ({ label: value, value }));
    }

    get audienceOptions() {
        return [
            { label: '—', value: '' },
            ...(this.audiences?.data ?? [])
                .filter((a) => a.objectName === this.draft?.objectName)
                .map((a) => ({ label: a.name, value: a.id }))
        ];
    }

    get attributeOptions() {
        return (this.options?.data?.attributes ?? []).map((value) => ({ label: value, value }));
    }

    get providerRows() {
        const providers = this.draft?.providers ?? [];
        return providers.map((name, i) => ({
            name,
            index: i,
            position: i + 1,
            upLabel: `Move ${name} up`,
            downLabel: `Move ${name} down`,
            removeLabel: `Remove ${name}`,
            upDisabled: this.readOnly || i === 0,
            downDisabled: this.readOnly || i === providers.length - 1
        }));
    }

    get hasProviders() {
        return this.providerRows.length > 0;
    }

    get providerOptions() {
        const used = new Set(this.draft?.providers ?? []);
        return (this.options?.data?.providers ?? [])
            .filter((p) => !used.has(p))
            .map((value) => ({ label: value, value }));
    }

    get cron() {
        return readCron(this.draft?.schedule);
    }

    get timeZoneError() {
        const zone = (this.draft?.timeZone ?? '').trim();
        return zone !== '' && !isTimeZone(zone)
            ? 'unknown time zone (use an IANA name such as Europe/Paris)'
            : null;
    }

    get currentPlan() {
        return (this.plans?.data ?? []).find((p) => p.id === this.draft?.id);
    }

    get estimateText() {
        if (this.estimating && this.estimating.planId === this.draft?.id) return ESTIMATING;
        const credits = this.currentPlan?.estimatedCredits;
        return credits === null || credits === undefined ? NOT_ESTIMATED : `${credits} credits`;
    }

    get commandsDisabled() {
        return (
            this.readOnly ||
            !this.draft?.id ||
            !this.currentPlan?.active ||
            Boolean(this.estimating)
        );
    }

    get saveDisabled() {
        return this.readOnly || this.saving;
    }

    handleNew() {
        this.openDraft({
            id: null,
            name: '',
            objectName: 'Contact',
            audienceId: '',
            attributes: [],
            providers: ['offline'],
            schedule: '',
            timeZone: 'UTC',
            runOnEntry: false,
            maxCreditsPerRun: '',
            monthlyCreditBudget: '',
            active: true
        });
    }

    handleEdit(event) {
        const plan = (this.plans?.data ?? []).find((p) => p.id === event.target.dataset.id);
        if (plan) {
            this.openDraft({
                ...plan,
                audienceId: plan.audienceId ?? '',
                attributes: [...(plan.attributes ?? [])],
                providers: [...(plan.providers ?? [])]
            });
        }
    }

    openDraft(plan) {
        this.draft = plan;
        this.formError = undefined;
        this.newProvider = '';
    }

    handleField(event) {
        const field = event.target.dataset.field;
        const value = event.target.type === 'checkbox' ? event.target.checked : event.detail.value;
        this.draft = { ...this.draft, [field]: value };
    }

    moveProvider(from, to) {
        const providers = [...this.draft.providers];
        const [moved] = providers.splice(from, 1);
        providers.splice(to, 0, moved);
        this.draft = { ...this.draft, providers };
    }

    handleProviderUp(event) {
        const i = Number(event.target.dataset.index);
        if (i > 0) this.moveProvider(i, i - 1);
    }

    handleProviderDown(event) {
        const i = Number(event.target.dataset.index);
        if (i < this.draft.providers.length - 1) this.moveProvider(i, i + 1);
    }

    handleProviderRemove(event) {
        const i = Number(event.target.dataset.index);
        this.draft = { ...this.draft, providers: this.draft.providers.filter((p, j) => j !== i) };
    }

    handleNewProvider(event) {
        this.newProvider = event.detail.value;
    }

    handleAddProvider() {
        const name = (this.newProvider ?? '').trim();
        const known = this.options?.data?.providers ?? [];
        if (!name || this.draft.providers.includes(name)) return;
        if (!known.includes(name) && !HTTP_PROVIDER.test(name)) {
            this.formError = `unknown provider id ${name} (use offline, hunter, pdl, apollo or http:<name>)`;
            return;
        }
        this.formError = undefined;
        this.draft = { ...this.draft, providers: [...this.draft.providers, name] };
        this.newProvider = '';
    }

    /** The problems the server would report for this plan (parseEnrichmentPlan), checked before the save. */
    problems() {
        const d = this.draft;
        const problems = [];
        if (!d.name?.trim()) problems.push('a name');
        if (d.attributes.length === 0) problems.push('at least one attribute');
        if (d.providers.length === 0) problems.push('at least one provider');
        if (this.cron.error) problems.push(`schedule: ${this.cron.error}`);
        if (d.schedule?.trim() && !d.audienceId)
            problems.push('a scheduled plan needs an audience');
        if (this.timeZoneError) problems.push(this.timeZoneError);
        for (const field of ['maxCreditsPerRun', 'monthlyCreditBudget']) {
            if (
                d[field] !== '' &&
                d[field] !== null &&
                d[field] !== undefined &&
                Number(d[field]) < 0
            ) {
                problems.push(`${field} cannot be negative`);
            }
        }
        return problems;
    }

    toRow() {
        const d = this.draft;
        const number = (value) =>
            value === '' || value === null || value === undefined ? null : Number(value);
        const row = {
            Name: d.name.trim(),
            Audience__c: d.audienceId || null,
            Attributes__c: d.attributes.join(','),
            Providers__c: d.providers.join(','),
            Schedule__c: (d.schedule ?? '').trim(),
            Time_Zone__c: (d.timeZone ?? '').trim() || 'UTC',
            Run_On_Entry__c: d.runOnEntry === true,
            Max_Credits_Per_Run__c: number(d.maxCreditsPerRun),
            Monthly_Credit_Budget__c: number(d.monthlyCreditBudget),
            Active__c: d.active === true
        };
        if (d.id) row.Id = d.id;
        else row.Object__c = d.objectName;
        return row;
    }

    async handleSave() {
        const problems = this.problems();
        if (problems.length > 0) {
            this.formError = `${FIX_SETTINGS} ${problems.join('; ')}`;
            return;
        }
        const row = this.toRow();
        this.saving = true;
        this.formError = undefined;
        try {
            const [result] = await savePlans({ rows: [row] });
            if (result && !result.success) {
                this.formError = result.message;
                return;
            }
            this.toast(SAVED, row.Name, 'success');
            this.draft = { ...this.draft, id: result?.id ?? this.draft.id };
            await refreshApex(this.plans);
        } catch (error) {
            this.formError = reduceErrors(error).join(', ');
        } finally {
            this.saving = false;
        }
    }

    async handleEstimate() {
        const planId = this.draft.id;
        const previous = this.currentPlan?.estimatedCredits;
        try {
            await estimatePlan({ planId });
            this.estimating = { planId, previous, tries: 0 };
            this.schedulePoll();
        } catch (error) {
            this.formError = reduceErrors(error).join(', ');
        }
    }

    schedulePoll() {
        // eslint-disable-next-line @lwc/lwc/no-async-operation
        this.pollTimer = setTimeout(() => this.poll(), ESTIMATE_POLL_MS);
    }

    /** Re-reads the plans until the server's estimate differs from the one shown before, or the tries run out. */
    async poll() {
        if (!this.estimating) return;
        await refreshApex(this.plans);
        const plan = (this.plans?.data ?? []).find((p) => p.id === this.estimating.planId);
        const tries = this.estimating.tries + 1;
        if (
            (plan && plan.estimatedCredits !== this.estimating.previous) ||
            tries >= ESTIMATE_POLL_TRIES
        ) {
            this.estimating = undefined;
            return;
        }
        this.estimating = { ...this.estimating, tries };
        this.schedulePoll();
    }

    stopPolling() {
        clearTimeout(this.pollTimer);
        this.estimating = undefined;
    }

    async handleRunNow() {
        try {
            await runPlan({ planId: this.draft.id });
            this.toast(COMMAND_SENT, 'RUN_ENRICHMENT', 'success');
        } catch (error) {
            this.formError = reduceErrors(error).join(', ');
        }
    }

    handleClose() {
        this.stopPolling();
        this.draft = undefined;
    }

    /** A deleted plan leaves the list (and its form, if open). */
    handleDeleted(event) {
        if (this.draft?.id === event.detail.id) this.handleClose();
        return refreshApex(this.plans);
    }

    toast(title, message, variant) {
        this.dispatchEvent(new ShowToastEvent({ title, message, variant }));
    }
}
