import { LightningElement, api } from 'lwc';
import {
    OPERATOR_LABELS,
    flatten,
    fromFilter,
    isComplete,
    isListOperator,
    kindOf,
    needsValue,
    newCondition,
    newGroup,
    operatorsFor,
    toFilter,
    updateNode
} from './filterModel';
import MATCH_ALL from '@salesforce/label/c.Audience_Filter_Match_All';
import MATCH_ANY from '@salesforce/label/c.Audience_Filter_Match_Any';
import MATCH_NONE from '@salesforce/label/c.Audience_Filter_Match_None';
import GROUP_TYPE from '@salesforce/label/c.Audience_Filter_Group_Type';
import FIELD from '@salesforce/label/c.Audience_Filter_Field';
import OPERATOR from '@salesforce/label/c.Audience_Filter_Operator';
import VALUE from '@salesforce/label/c.Audience_Filter_Value';
import ADD_CONDITION from '@salesforce/label/c.Audience_Filter_Add_Condition';
import ADD_GROUP from '@salesforce/label/c.Audience_Filter_Add_Group';
import REMOVE from '@salesforce/label/c.Audience_Filter_Remove';
import FILTER_JSON from '@salesforce/label/c.Audience_Filter_Json';
import INCOMPLETE from '@salesforce/label/c.Audience_Filter_Incomplete';

const INPUT_TYPE_BY_KIND = {
    number: 'number',
    date: 'date',
    text: 'text',
    picklist: 'text',
    boolean: 'text'
};

/**
 * Visual builder for an audience filter: all / any / none-of groups, field pickers from the object's filterable
 * fields, operators valid for the field's type and values typed to it. Emits `filterchange` with the filter JSON
 * (DESIGN.md section 7) on every edit and shows it; incomplete conditions are flagged and left out.
 */
export default class AudienceFilterBuilder extends LightningElement {
    labels = {
        GROUP_TYPE,
        FIELD,
        OPERATOR,
        VALUE,
        ADD_CONDITION,
        ADD_GROUP,
        REMOVE,
        FILTER_JSON,
        INCOMPLETE
    };

    /** Filterable fields: { name, label, type, picklistValues }. */
    @api fields = [];
    @api readOnly = false;

    root = newGroup('all');

    get editable() {
        return !this.readOnly;
    }

    /** The starting filter JSON (a string); later edits live in the builder until the parent saves. */
    @api
    get filter() {
        return JSON.stringify(toFilter(this.root, this.fields));
    }
    set filter(value) {
        this.root = fromFilter(value);
    }

    get fieldsByName() {
        return Object.fromEntries((this.fields || []).map((f) => [f.name, f]));
    }

    get fieldOptions() {
        return (this.fields || [])
            .filter((f) => kindOf(f.type) !== null)
            .map((f) => ({ label: f.label, value: f.name }))
            .sort((a, b) => a.label.localeCompare(b.label));
    }

    get groupOptions() {
        return [
            { label: MATCH_ALL, value: 'all' },
            { label: MATCH_ANY, value: 'any' },
            { label: MATCH_NONE, value: 'not' }
        ];
    }

    get rows() {
        const byName = this.fieldsByName;
        return flatten(this.root).map(({ node, depth }) => {
            const style = `padding-left: ${depth * 1.5}rem`;
            if (node.type === 'group') {
                return {
                    key: node.id,
                    id: node.id,
                    isGroup: true,
                    kind: node.kind,
                    style,
                    removable: depth > 0
                };
            }
            const field = byName[node.field];
            const kind = field ? kindOf(field.type) : null;
            const operators = field ? operatorsFor(field.type) : [];
            const showValue = Boolean(node.op) && needsValue(node.op);
            const list = isListOperator(node.op);
            const picklist = kind === 'picklist' && !list;
            const isBoolean = kind === 'boolean';
            const complete = isComplete(node, byName);
            return {
                key: node.id,
                id: node.id,
                isGroup: false,
                style,
                field: node.field,
                op: node.op,
                value: node.value,
                operatorOptions: operators.map((op) => ({ label: OPERATOR_LABELS[op], value: op })),
                operatorDisabled: this.readOnly || !field,
                showValue,
                showCombo: showValue && (picklist || isBoolean),
                showInput: showValue && !picklist && !isBoolean,
                valueOptions: isBoolean
                    ? [
                          { label: 'true', value: 'true' },
                          { label: 'false', value: 'false' }
                      ]
                    : (field?.picklistValues || []).map((v) => ({ label: v, value: v })),
                inputType:
                    node.op === 'changed_within_days' || list
                        ? list
                            ? 'text'
                            : 'number'
                        : INPUT_TYPE_BY_KIND[kind] || 'text',
                complete,
                rowClass: complete
                    ? 'slds-grid slds-gutters_x-small slds-m-bottom_x-small'
                    : 'slds-grid slds-gutters_x-small slds-m-bottom_x-small slds-has-error'
            };
        });
    }

    get incomplete() {
        return this.rows.some((row) => !row.isGroup && !row.complete);
    }

    get filterJson() {
        return JSON.stringify(toFilter(this.root, this.fields), null, 2);
    }

    change(nodeId, update) {
        this.root = updateNode(this.root, nodeId, update);
        this.dispatchEvent(
            new CustomEvent('filterchange', {
                detail: {
                    filter: JSON.stringify(toFilter(this.root, this.fields)),
                    complete: !this.incomplete
                }
            })
        );
    }

    handleGroupKind(event) {
        const kind = event.detail.value;
        this.change(event.target.dataset.id, (node) => ({ ...node, kind }));
    }

    handleAddCondition(event) {
        this.change(event.target.dataset.id, (node) => ({
            ...node,
            children: [...node.children, newCondition()]
        }));
    }

    handleAddGroup(event) {
        this.change(event.target.dataset.id, (node) => ({
            ...node,
            children: [...node.children, newGroup('any')]
        }));
    }

    handleRemove(event) {
        this.change(event.target.dataset.id, () => null);
    }

    handleField(event) {
        const name = event.detail.value;
        const field = this.fieldsByName[name];
        // Keep the operator only when it is still valid for the new field's type; the old value never carries over.
        this.change(event.target.dataset.id, (node) => ({
            ...node,
            field: name,
            op: operatorsFor(field?.type).includes(node.op) ? node.op : '',
            value: ''
        }));
    }

    handleOperator(event) {
        const op = event.detail.value;
        this.change(event.target.dataset.id, (node) => ({
            ...node,
            op,
            value: needsValue(op) ? node.value : ''
        }));
    }

    handleValue(event) {
        const value = event.detail.value;
        this.change(event.target.dataset.id, (node) => ({ ...node, value }));
    }
}
