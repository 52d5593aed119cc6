import { LightningElement, api } from 'lwc';
import { STEP_PRIORITIES, STEP_TYPES, readSettings, writeSettings } from './settingsModel';
import ADD_STEP from '@salesforce/label/c.Audience_Setup_Add_Step';
import REMOVE_STEP from '@salesforce/label/c.Audience_Setup_Remove_Step';
import NO_SETTINGS from '@salesforce/label/c.Audience_Setup_No_Settings';

const INPUT_TYPE = {
    int: 'number',
    number: 'number',
    positive: 'number',
    text: 'text',
    list: 'text'
};
const STEP_INPUTS = ['dayOffset', 'subject', 'type', 'priority'];

function options(values) {
    return [{ label: '—', value: '' }, ...values.map((v) => ({ label: v, value: v }))];
}

/**
 * A type-specific settings form: one input per key of the spec (numbers, texts, comma lists, picklists,
 * checkboxes, and a Task's steps), read from and written to the `Settings__c` JSON. Emits `settingschange` with
 * `{ settings, valid, errors }` on every edit; each bad key shows its reason under the input.
 */
export default class AudienceSetupSettingsForm extends LightningElement {
    labels = { ADD_STEP, REMOVE_STEP, NO_SETTINGS };

    @api readOnly = false;
    _fields = [];
    _settings = '';
    values = {};
    extra = {};
    errors = {};

    /** The settings spec of the chosen type (see settingsModel.js). */
    @api
    get fields() {
        return this._fields;
    }
    set fields(value) {
        this._fields = value ?? [];
        this.load();
    }

    /** Settings__c as stored. */
    @api
    get settings() {
        return this._settings;
    }
    set settings(value) {
        this._settings = value ?? '';
        this.load();
    }

    load() {
        const { values, extra } = readSettings(this._fields, this._settings);
        this.values = values;
        this.extra = extra;
        this.errors = {};
    }

    /** Checks the current values (also shows each problem) and answers what `settingschange` carries. */
    @api
    validate() {
        const result = writeSettings(this._fields, this.values, this.extra);
        this.errors = result.errors;
        return result;
    }

    get hasFields() {
        return this._fields.length > 0;
    }

    get rows() {
        return this._fields.map((field) => {
            const value = this.values[field.key];
            const error = this.errors[field.key];
            return {
                ...field,
                label: field.required ? `${field.label} *` : field.label,
                value,
                error,
                errorId: `error-${field.key}`,
                isInput: field.kind in INPUT_TYPE || field.kind === 'numberOrText',
                inputType: INPUT_TYPE[field.kind] ?? 'text',
                step: field.kind === 'int' ? '1' : 'any',
                isEnum: field.kind === 'enum',
                enumOptions: field.kind === 'enum' ? options(field.options ?? []) : [],
                isBoolean: field.kind === 'boolean',
                isSteps: field.kind === 'steps',
                steps: field.kind === 'steps' ? this.stepRows(field.key, value ?? []) : []
            };
        });
    }

    stepRows(key, steps) {
        return steps.map((step, i) => ({
            ...step,
            index: i,
            rowKey: `${key}-${i}`,
            legend: `Step ${i + 1}`,
            removeLabel: `${REMOVE_STEP} ${i + 1}`
        }));
    }

    get stepTypeOptions() {
        return options(STEP_TYPES);
    }

    get stepPriorityOptions() {
        return options(STEP_PRIORITIES);
    }

    handleInput(event) {
        const key = event.target.dataset.key;
        const value = event.target.type === 'checkbox' ? event.target.checked : event.detail.value;
        this.values = { ...this.values, [key]: value };
        this.emit();
    }

    handleStepInput(event) {
        const { key, index, part } = event.target.dataset;
        if (!STEP_INPUTS.includes(part)) return;
        const steps = [...(this.values[key] ?? [])];
        steps[Number(index)] = { ...steps[Number(index)], [part]: event.detail.value };
        this.values = { ...this.values, [key]: steps };
        this.emit();
    }

    handleAddStep(event) {
        const key = event.target.dataset.key;
        const steps = [
            ...(this.values[key] ?? []),
            { dayOffset: '', subject: '', type: '', priority: '' }
        ];
        this.values = { ...this.values, [key]: steps };
        this.emit();
    }

    handleRemoveStep(event) {
        const { key, index } = event.target.dataset;
        const steps = (this.values[key] ?? []).filter((s, i) => i !== Number(index));
        this.values = { ...this.values, [key]: steps };
        this.emit();
    }

    emit() {
        const result = this.validate();
        this.dispatchEvent(new CustomEvent('settingschange', { detail: result }));
    }
}
