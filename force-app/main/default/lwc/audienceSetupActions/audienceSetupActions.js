import { LightningElement, api, wire } from 'lwc';
import { refreshApex } from '@salesforce/apex';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import getActions from '@salesforce/apex/AudienceSetupActionController.getActions';
import saveActions from '@salesforce/apex/AudienceSetupActionController.saveActions';
import { reduceErrors } from 'c/ldsUtils';
import { ACTION_SPECS, ACTION_TYPES, OBJECTS_BY_TYPE, TARGET_HELP } from './actionSpecs';
import ACTIONS from '@salesforce/label/c.Audience_Setup_Actions';
import NO_ACTIONS from '@salesforce/label/c.Audience_Setup_No_Actions';
import NEW_ACTION from '@salesforce/label/c.Audience_Setup_New_Action';
import EDIT from '@salesforce/label/c.Audience_Setup_Edit';
import SAVE from '@salesforce/label/c.Audience_Setup_Save';
import SAVED from '@salesforce/label/c.Audience_Setup_Saved';
import LOADING from '@salesforce/label/c.Audience_Setup_Loading';
import FIX_SETTINGS from '@salesforce/label/c.Audience_Setup_Fix_Settings';

const ON_EXIT = ['Nothing', 'Remove'];

/**
 * The actions of one audience, edited beside it: type (only those that act on the audience's object), target,
 * a settings form for the type (checked like the server's schema) and what happens on exit. Saved through
 * `saveActions`; a refused save shows its reason. Delete asks first, in the row.
 */
export default class AudienceSetupActions extends LightningElement {
    labels = { ACTIONS, NO_ACTIONS, NEW_ACTION, EDIT, SAVE, LOADING, FIX_SETTINGS };

    @api audienceId;
    @api objectName;
    @api canEdit = false;
    draft;
    formError;
    saving = false;

    @wire(getActions, { audienceId: '$audienceId' }) actions;

    get readOnly() {
        return !this.canEdit;
    }

    get wireError() {
        return this.actions?.error;
    }

    get loaded() {
        return Boolean(this.actions?.data);
    }

    get loading() {
        return !this.actions?.data && !this.actions?.error;
    }

    get actionRows() {
        return (this.actions?.data ?? []).map((action) => ({
            ...action,
            typeLabel: (action.type ?? '').replaceAll('_', ' '),
            editLabel: `${EDIT}: ${action.name}`,
            statusClass: action.status === 'Error' ? 'slds-text-color_error' : ''
        }));
    }

    get hasActions() {
        return this.actionRows.length > 0;
    }

    /** Only the types that act on this audience's object (the server refuses the others at config load). */
    get typeOptions() {
        return ACTION_TYPES.filter((type) => OBJECTS_BY_TYPE[type].includes(this.objectName)).map(
            (value) => ({
                label: value.replaceAll('_', ' '),
                value
            })
        );
    }

    get onExitOptions() {
        return ON_EXIT.map((value) => ({ label: value, value }));
    }

    get settingsFields() {
        return ACTION_SPECS[this.draft?.type] ?? [];
    }

    get targetLabel() {
        return TARGET_HELP[this.draft?.type]?.label ?? 'Target';
    }

    get targetRequired() {
        return TARGET_HELP[this.draft?.type]?.required === true;
    }

    get saveDisabled() {
        return this.readOnly || this.saving;
    }

    handleNew() {
        this.openDraft({
            id: null,
            name: '',
            type: this.typeOptions[0]?.value,
            target: '',
            settings: '',
            onExit: 'Nothing',
            active: true
        });
    }

    handleEdit(event) {
        const action = (this.actions?.data ?? []).find((a) => a.id === event.target.dataset.id);
        if (action) this.openDraft({ ...action });
    }

    openDraft(action) {
        this.draft = action;
        this.formError = undefined;
    }

    handleField(event) {
        const field = event.target.dataset.field;
        const value = event.target.type === 'checkbox' ? event.target.checked : event.detail.value;
        const reset = field === 'type' && value !== this.draft.type ? { settings: '' } : {};
        this.draft = { ...this.draft, ...reset, [field]: value };
    }

    async handleSave() {
        const form = this.template.querySelector('c-audience-setup-settings-form');
        const checked = form ? form.validate() : { valid: true, settings: this.draft.settings };
        const target = (this.draft.target ?? '').trim();
        if (!checked.valid || !this.draft.name?.trim() || (this.targetRequired && target === '')) {
            this.formError = FIX_SETTINGS;
            return;
        }
        const row = {
            Name: this.draft.name.trim(),
            Type__c: this.draft.type,
            Target__c: target,
            Settings__c: checked.settings,
            On_Exit__c: this.draft.onExit,
            Active__c: this.draft.active === true
        };
        if (this.draft.id) row.Id = this.draft.id;
        else row.Audience__c = this.audienceId;
        this.saving = true;
        this.formError = undefined;
        try {
            const [result] = await saveActions({ rows: [row] });
            if (result && !result.success) {
                this.formError = result.message;
                return;
            }
            this.dispatchEvent(
                new ShowToastEvent({ title: SAVED, message: row.Name, variant: 'success' })
            );
            this.draft = undefined;
            await refreshApex(this.actions);
        } catch (error) {
            this.formError = reduceErrors(error).join(', ');
        } finally {
            this.saving = false;
        }
    }

    handleClose() {
        this.draft = undefined;
    }

    /** A deleted action leaves the list (and its form, if open). */
    handleDeleted(event) {
        if (this.draft?.id === event.detail.id) this.draft = undefined;
        return refreshApex(this.actions);
    }
}
