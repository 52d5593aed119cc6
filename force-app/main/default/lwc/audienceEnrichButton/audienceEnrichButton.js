import { LightningElement, api } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import requestEnrichment from '@salesforce/apex/AudienceRecordRequestController.requestEnrichment';
import { reduceErrors } from 'c/ldsUtils';
import CARD_TITLE from '@salesforce/label/c.Audience_Enrich_Card_Title';
import HELP from '@salesforce/label/c.Audience_Enrich_Help';
import ENRICH_NOW from '@salesforce/label/c.Audience_Enrich_Now';
import WORKING from '@salesforce/label/c.Audience_Enrich_Working';
import REQUESTED_TITLE from '@salesforce/label/c.Audience_Enrich_Requested_Title';
import REQUESTED_MESSAGE from '@salesforce/label/c.Audience_Enrich_Requested_Message';
import FAILED_TITLE from '@salesforce/label/c.Audience_Enrich_Failed_Title';

/**
 * "Enrich now" for a Contact, Lead or Account: asks the audience-loop server to enrich this record right away.
 * The Apex controller checks that the user can see the record and publishes an Audience_Record_Request__e
 * (ENRICH_RECORD); a refusal (no access to the record, no Audience User permission set) is shown as it says.
 * Works as a card on the record page and as a headless quick action (`invoke`). Progress and results arrive on
 * the record itself; this component only reports the request.
 */
export default class AudienceEnrichButton extends LightningElement {
    @api recordId;

    label = {
        cardTitle: CARD_TITLE,
        help: HELP,
        failedTitle: FAILED_TITLE
    };

    /** The error of the last request, shown through c-error-panel. */
    error;
    /** True while a request is on its way; blocks double clicks. */
    isWorking = false;

    get buttonLabel() {
        return this.isWorking ? WORKING : ENRICH_NOW;
    }

    /** Entry point for the headless quick action. */
    @api
    invoke() {
        return this.sendRequest();
    }

    handleEnrichClick() {
        return this.sendRequest();
    }

    async sendRequest() {
        if (this.isWorking) {
            return;
        }
        this.isWorking = true;
        this.error = undefined;
        try {
            await requestEnrichment({ recordId: this.recordId });
            this.dispatchEvent(
                new ShowToastEvent({
                    title: REQUESTED_TITLE,
                    message: REQUESTED_MESSAGE,
                    variant: 'success'
                })
            );
        } catch (error) {
            this.error = error;
            this.dispatchEvent(
                new ShowToastEvent({
                    title: FAILED_TITLE,
                    message: reduceErrors(error).join(' '),
                    variant: 'error'
                })
            );
        } finally {
            this.isWorking = false;
        }
    }
}
