import { LightningElement, api } from 'lwc';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import publishCommand from '@salesforce/apex/AudienceCommandController.publishCommand';
import { reduceErrors } from 'c/ldsUtils';
import CARD_TITLE from '@salesforce/label/c.Audience_Enrich_Card_Title';
import HELP from '@salesforce/label/c.Audience_Enrich_Help';
import ENRICH_NOW from '@salesforce/label/c.Audience_Enrich_Now';
import WORKING from '@salesforce/label/c.Audience_Enrich_Working';
import REQUESTED_TITLE from '@salesforce/label/c.Audience_Enrich_Requested_Title';
import REQUESTED_MESSAGE from '@salesforce/label/c.Audience_Enrich_Requested_Message';
import FAILED_TITLE from '@salesforce/label/c.Audience_Enrich_Failed_Title';

/** The command the server runs for one record (see AudienceCommandController.COMMANDS). */
const ENRICH_RECORD = 'ENRICH_RECORD';

/**
 * "Enrich now" for a Contact, Lead or Account: asks the audience-loop server to enrich this record right away
 * by publishing an ENRICH_RECORD command. Works as a card on the record page and as a headless quick action
 * (`invoke`). Progress and results arrive on the record itself; this component only reports the request.
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
        return this.requestEnrichment();
    }

    handleEnrichClick() {
        return this.requestEnrichment();
    }

    async requestEnrichment() {
        if (this.isWorking) {
            return;
        }
        this.isWorking = true;
        this.error = undefined;
        try {
            await publishCommand({
                command: ENRICH_RECORD,
                recordId: this.recordId,
                targetId: null
            });
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
