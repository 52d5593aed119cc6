import { LightningElement, api, wire } from 'lwc';
import { refreshApex } from '@salesforce/apex';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import getSignalRules from '@salesforce/apex/AudienceSetupSignalController.getSignalRules';
import getEnrolActions from '@salesforce/apex/AudienceSetupSignalController.getEnrolActions';
import saveSignalRules from '@salesforce/apex/AudienceSetupSignalController.saveSignalRules';
import { reduceErrors } from 'c/ldsUtils';
import { CHANNEL_ID, SIGNAL_SPECS, SIGNAL_TYPES } from './signalSpecs';
import SIGNAL_RULES from '@salesforce/label/c.Audience_Setup_Signal_Rules';
import NO_RULES from '@salesforce/label/c.Audience_Setup_No_Signal_Rules';
import NEW_RULE from '@salesforce/label/c.Audience_Setup_New_Rule';
import EDIT from '@salesforce/label/c.Audience_Setup_Edit';
import SAVE from '@salesforce/label/c.Audience_Setup_Save';
import SAVED from '@salesforce/label/c.Audience_Setup_Saved';
import LOADING from '@salesforce/label/c.Audience_Setup_Loading';
import FIX_SETTINGS from '@salesforce/label/c.Audience_Setup_Fix_Settings';

const OBJECTS = ['Contact', 'Lead', 'Account'];

function options(values) {
    return values.map((value) => ({ label: value.replaceAll('_', ' '), value }));
}

/**
 * The "Signal rules" section: every `Audience_Signal_Rule__c` with its server status, and a form per rule — type,
 * object, a settings form for the type (checked like the server's schema), Slack channel (an id), notify owner and
 * the action Slack's Enrol button applies. Saved through `saveSignalRules`; a refused save shows its reason. Delete asks first, in the row.
 */
export default class AudienceSetupSignals extends LightningElement {
    labels = { SIGNAL_RULES, NO_RULES, NEW_RULE, EDIT, SAVE, LOADING, FIX_SETTINGS };

    @api canEdit = false;
    /** The rule being edited (a draft), or undefined. */
    draft;
    formError;
    saving = false;

    @wire(getSignalRules) rules;
    @wire(getEnrolActions) enrolActions;

    get readOnly() {
        return !this.canEdit;
    }

    get wireError() {
        return this.rules?.error;
    }

    get loaded() {
        return Boolean(this.rules?.data);
    }

    get loading() {
        return !this.rules?.data && !this.rules?.error;
    }

    get ruleRows() {
        return (this.rules?.data ?? []).map((rule) => ({
            ...rule,
            typeLabel: (rule.type ?? '').replaceAll('_', ' '),
            editLabel: `${EDIT}: ${rule.name}`,
            statusClass: rule.status === 'Error' ? 'slds-text-color_error' : ''
        }));
    }

    get hasRules() {
        return this.ruleRows.length > 0;
    }

    get typeOptions() {
        return options(SIGNAL_TYPES);
    }

    get objectOptions() {
        return options(OBJECTS);
    }

    get settingsFields() {
        return SIGNAL_SPECS[this.draft?.type] ?? [];
    }

    get enrolOptions() {
        const object = this.draft?.objectName;
        return [
            { label: '—', value: '' },
            ...(this.enrolActions?.data ?? [])
                .filter((a) => !object || a.objectName === object)
                .map((a) => ({ label: a.label, value: a.id }))
        ];
    }

    get channelError() {
        const channel = (this.draft?.slackChannel ?? '').trim();
        return channel !== '' && !CHANNEL_ID.test(channel)
            ? 'must be a channel id such as C0123456789'
            : null;
    }

    get saveDisabled() {
        return this.readOnly || this.saving;
    }

    handleNew() {
        this.openDraft({
            id: null,
            name: '',
            type: 'Job_Change',
            objectName: 'Contact',
            active: true,
            settings: '',
            slackChannel: '',
            notifyOwner: false,
            enrolActionId: ''
        });
    }

    handleEdit(event) {
        const rule = (this.rules?.data ?? []).find((r) => r.id === event.target.dataset.id);
        if (rule) this.openDraft({ ...rule });
    }

    openDraft(rule) {
        this.draft = rule;
        this.formError = undefined;
    }

    handleField(event) {
        const field = event.target.dataset.field;
        const value = event.target.type === 'checkbox' ? event.target.checked : event.detail.value;
        // A new type starts from empty settings: the old type's keys would be refused.
        const reset = field === 'type' && value !== this.draft.type ? { settings: '' } : {};
        this.draft = { ...this.draft, ...reset, [field]: value };
    }

    async handleSave() {
        const form = this.template.querySelector('c-audience-setup-settings-form');
        const checked = form ? form.validate() : { valid: true, settings: this.draft.settings };
        if (!checked.valid || this.channelError || !this.draft.name?.trim()) {
            this.formError = FIX_SETTINGS;
            return;
        }
        const row = {
            Name: this.draft.name.trim(),
            Type__c: this.draft.type,
            Object__c: this.draft.objectName,
            Active__c: this.draft.active === true,
            Settings__c: checked.settings,
            Slack_Channel__c: (this.draft.slackChannel ?? '').trim(),
            Notify_Owner__c: this.draft.notifyOwner === true,
            Enrol_Action__c: this.draft.enrolActionId || null
        };
        if (this.draft.id) row.Id = this.draft.id;
        this.saving = true;
        this.formError = undefined;
        try {
            const [result] = await saveSignalRules({ rows: [row] });
            if (result && !result.success) {
                this.formError = result.message;
                return;
            }
            this.dispatchEvent(
                new ShowToastEvent({ title: SAVED, message: row.Name, variant: 'success' })
            );
            this.draft = undefined;
            await refreshApex(this.rules);
        } catch (error) {
            this.formError = reduceErrors(error).join(', ');
        } finally {
            this.saving = false;
        }
    }

    handleClose() {
        this.draft = undefined;
    }

    /** A deleted rule leaves the list (and its form, if open). */
    handleDeleted(event) {
        if (this.draft?.id === event.detail.id) this.draft = undefined;
        return refreshApex(this.rules);
    }
}
