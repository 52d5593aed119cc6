import { LightningElement, api } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import deleteRecord from '@salesforce/apex/AudienceSetupDeleteController.deleteRecord';
import { reduceErrors } from 'c/ldsUtils';
import DELETE from '@salesforce/label/c.Audience_Setup_Delete';
import CONFIRM_DELETE from '@salesforce/label/c.Audience_Setup_Confirm_Delete';
import DELETED from '@salesforce/label/c.Audience_Setup_Deleted';
import CANCEL from '@salesforce/label/c.Audience_Setup_Cancel';

/**
 * Delete for one row of a setup section (an action, a plan, a signal rule or an audience): the button asks first
 * with an inline confirmation in the row (no modal: the row stays in view), then calls
 * `AudienceSetupDeleteController.deleteRecord`. On success it fires `deleted` ({ id }) so the section re-reads its
 * list; a refusal (not an admin, an audience still in use) is shown in the row.
 */
export default class AudienceSetupDelete extends LightningElement {
    labels = { DELETE, CANCEL };

    @api recordId;
    @api recordName;
    @api disabled = false;
    confirming = false;
    deleting = false;
    error;

    get deleteTitle() {
        return `${DELETE}: ${this.recordName}`;
    }

    get question() {
        return CONFIRM_DELETE.replace('{0}', this.recordName);
    }

    handleAsk() {
        this.confirming = true;
        this.error = undefined;
    }

    handleCancel() {
        this.confirming = false;
    }

    async handleConfirm() {
        this.deleting = true;
        try {
            await deleteRecord({ recordId: this.recordId });
            this.confirming = false;
            this.dispatchEvent(
                new ShowToastEvent({ title: DELETED, message: this.recordName, variant: 'success' })
            );
            this.dispatchEvent(new CustomEvent('deleted', { detail: { id: this.recordId } }));
        } catch (error) {
            this.confirming = false;
            this.error = reduceErrors(error).join(', ');
        } finally {
            this.deleting = false;
        }
    }
}
