import { LightningElement, api } from 'lwc';
import { reduceErrors } from 'c/ldsUtils';
import FRIENDLY_MESSAGE from '@salesforce/label/c.Audience_Error_Panel_Friendly';
import SHOW_DETAILS from '@salesforce/label/c.Audience_Error_Panel_Details';

/**
 * Shows an error in one place and one way: a short headline, and the messages behind it on request.
 * Give it whatever was caught (`errors`); it reduces the shapes through `reduceErrors`.
 */
export default class ErrorPanel extends LightningElement {
    /** One error or a list of errors, in any shape `reduceErrors` understands. */
    @api errors;
    /** The headline; defaults to a generic apology. */
    @api friendlyMessage = FRIENDLY_MESSAGE;

    showDetailsLabel = SHOW_DETAILS;
    detailsVisible = false;

    get messages() {
        return reduceErrors(this.errors).map((text, index) => ({ key: `message-${index}`, text }));
    }

    get hasMessages() {
        return this.messages.length > 0;
    }

    get detailsExpanded() {
        return this.detailsVisible ? 'true' : 'false';
    }

    handleToggleDetails() {
        this.detailsVisible = !this.detailsVisible;
    }
}
