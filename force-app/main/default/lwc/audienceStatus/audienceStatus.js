import { LightningElement, api, wire } from 'lwc';
import { refreshApex } from '@salesforce/apex';
import { subscribe, unsubscribe, onError } from 'lightning/empApi';
import { notifyRecordUpdateAvailable } from 'lightning/uiRecordApi';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import getStatus from '@salesforce/apex/AudienceStatusController.getStatus';
import undoField from '@salesforce/apex/AudienceStatusController.undoField';
import dismissSignal from '@salesforce/apex/AudienceStatusController.dismissSignal';
import requestEnrichment from '@salesforce/apex/AudienceRecordRequestController.requestEnrichment';
import { reduceErrors } from 'c/ldsUtils';
import CARD_TITLE from '@salesforce/label/c.Audience_Status_Card_Title';
import LOADING from '@salesforce/label/c.Audience_Status_Loading';
import LOAD_FAILED from '@salesforce/label/c.Audience_Status_Load_Failed';
import AUDIENCES from '@salesforce/label/c.Audience_Status_Audiences';
import NO_AUDIENCES from '@salesforce/label/c.Audience_Status_No_Audiences';
import RECENT_EXITS from '@salesforce/label/c.Audience_Status_Recent_Exits';
import ENTERED from '@salesforce/label/c.Audience_Status_Entered';
import EXITED from '@salesforce/label/c.Audience_Status_Exited';
import SIGNALS from '@salesforce/label/c.Audience_Status_Signals';
import NO_SIGNALS from '@salesforce/label/c.Audience_Status_No_Signals';
import CONFIDENCE from '@salesforce/label/c.Audience_Status_Confidence';
import FIRED from '@salesforce/label/c.Audience_Status_Fired';
import STATUS from '@salesforce/label/c.Audience_Status_Signal_Status';
import SHOW_EVIDENCE from '@salesforce/label/c.Audience_Status_Show_Evidence';
import HIDE_EVIDENCE from '@salesforce/label/c.Audience_Status_Hide_Evidence';
import NO_EVIDENCE from '@salesforce/label/c.Audience_Status_No_Evidence';
import DISMISS from '@salesforce/label/c.Audience_Status_Dismiss';
import DISMISSED_TITLE from '@salesforce/label/c.Audience_Status_Dismissed_Title';
import DISMISS_FAILED from '@salesforce/label/c.Audience_Status_Dismiss_Failed';
import WHY from '@salesforce/label/c.Audience_Status_Why';
import NO_FIELDS from '@salesforce/label/c.Audience_Status_No_Fields';
import VALUE from '@salesforce/label/c.Audience_Status_Value';
import CURRENT_VALUE from '@salesforce/label/c.Audience_Status_Current_Value';
import PREVIOUS_VALUE from '@salesforce/label/c.Audience_Status_Previous_Value';
import PROVIDER from '@salesforce/label/c.Audience_Status_Provider';
import RULE from '@salesforce/label/c.Audience_Status_Rule';
import FETCHED from '@salesforce/label/c.Audience_Status_Fetched';
import WRITTEN from '@salesforce/label/c.Audience_Status_Written';
import COST from '@salesforce/label/c.Audience_Status_Cost';
import BLANK from '@salesforce/label/c.Audience_Status_Blank';
import CHANGED_SINCE from '@salesforce/label/c.Audience_Status_Changed_Since';
import ALWAYS_NOTE from '@salesforce/label/c.Audience_Status_Always_Note';
import UNDONE from '@salesforce/label/c.Audience_Status_Undone';
import UNDO from '@salesforce/label/c.Audience_Status_Undo';
import UNDO_DONE from '@salesforce/label/c.Audience_Status_Undo_Done';
import UNDO_DONE_MESSAGE from '@salesforce/label/c.Audience_Status_Undo_Done_Message';
import UNDO_FAILED from '@salesforce/label/c.Audience_Status_Undo_Failed';
import ENRICH_HEADING from '@salesforce/label/c.Audience_Status_Enrich_Heading';
import ENRICH_HELP from '@salesforce/label/c.Audience_Enrich_Help';
import ENRICH_NOW from '@salesforce/label/c.Audience_Enrich_Now';
import WORKING from '@salesforce/label/c.Audience_Enrich_Working';
import ENRICH_FAILED from '@salesforce/label/c.Audience_Enrich_Failed_Title';
import PROGRESS_WAITING from '@salesforce/label/c.Audience_Status_Progress_Waiting';
import PROGRESS_DONE from '@salesforce/label/c.Audience_Status_Progress_Done';
import PROGRESS_TIMEOUT from '@salesforce/label/c.Audience_Status_Progress_Timeout';
import PROGRESS_LIVE_FAILED from '@salesforce/label/c.Audience_Status_Progress_Live_Failed';

/** The status channel the audience-loop server publishes on (Audience_Status__e). */
export const STATUS_CHANNEL = '/event/Audience_Status__e';
/** How long the card listens after a click before it gives up on a final status. */
export const LISTEN_TIMEOUT_MS = 2 * 60 * 1000;
/** Stage__c values that end a single-record enrichment. */
export const FINAL_STAGES = new Set(['done', 'failed']);
/** -1: only events published after the subscription; the request is sent after subscribing, so none is missed. */
const NEW_EVENTS_ONLY = -1;

/** 15- and 18-character ids of the same record compare equal on their first 15 characters. */
function sameRecord(a, b) {
    return typeof a === 'string' && typeof b === 'string' && a.slice(0, 15) === b.slice(0, 15);
}

function shown(value) {
    return value === undefined || value === null || value === '' ? BLANK : String(value);
}

/** Evidence is usually JSON from a detector; pretty-printed when it is, shown as it is otherwise. */
function readableEvidence(evidence) {
    if (!evidence) return '';
    try {
        return JSON.stringify(JSON.parse(evidence), null, 2);
    } catch {
        return evidence;
    }
}

function format(template, ...values) {
    return values.reduce((text, value, index) => text.replace(`{${index}}`, value), template);
}

/**
 * "Audience status" card on Contact, Lead and Account pages: the record's audiences, its recent signals, why each
 * field we wrote holds its value (with Undo where the write rule allows it), and Enrich now with live progress.
 *
 * Live progress is a CometD subscription, and every subscribed tab is a client that receives every status event
 * of the org: the card subscribes only after Enrich now is clicked, and unsubscribes on the final status of this
 * record or after two minutes, whichever comes first.
 */
export default class AudienceStatus extends LightningElement {
    @api recordId;
    @api objectApiName;

    label = {
        cardTitle: CARD_TITLE,
        loading: LOADING,
        loadFailed: LOAD_FAILED,
        audiences: AUDIENCES,
        noAudiences: NO_AUDIENCES,
        recentExits: RECENT_EXITS,
        signals: SIGNALS,
        noSignals: NO_SIGNALS,
        why: WHY,
        noFields: NO_FIELDS,
        value: VALUE,
        currentValue: CURRENT_VALUE,
        previousValue: PREVIOUS_VALUE,
        provider: PROVIDER,
        confidence: CONFIDENCE,
        rule: RULE,
        fetched: FETCHED,
        written: WRITTEN,
        cost: COST,
        entered: ENTERED,
        exited: EXITED,
        fired: FIRED,
        status: STATUS,
        noEvidence: NO_EVIDENCE,
        enrichHeading: ENRICH_HEADING,
        enrichHelp: ENRICH_HELP,
        enrichFailed: ENRICH_FAILED
    };

    /** The wired getStatus result, kept for refreshApex. */
    wiredStatus;
    status;
    loadError;
    /** Error of the last action (undo, dismiss, enrich), shown under the card's sections. */
    actionError;
    actionErrorTitle;
    /** Signal ids whose evidence is expanded. */
    expanded = new Set();
    /** Field or signal ids with a request on its way (their buttons are disabled). */
    busy = new Set();

    isEnriching = false;
    progressMessage;
    progressValue;
    subscription;
    listenTimer;
    /** Id of the record the running enrichment is for (the card's record at click time). */
    listeningFor;
    errorHandlerSet = false;

    @wire(getStatus, { recordId: '$recordId' })
    wiredGetStatus(result) {
        this.wiredStatus = result;
        const { data, error } = result;
        if (data) {
            this.status = data;
            this.loadError = undefined;
        } else if (error) {
            this.loadError = error;
            this.status = undefined;
        }
    }

    disconnectedCallback() {
        this.stopListening();
    }

    get isLoading() {
        return !this.status && !this.loadError;
    }

    get memberships() {
        return (this.status?.memberships ?? []).map((m) => ({
            ...m,
            key: m.memberId,
            url: `/lightning/r/Audience__c/${m.audienceId}/view`
        }));
    }

    get hasMemberships() {
        return this.memberships.length > 0;
    }

    get exits() {
        return (this.status?.exits ?? []).map((m) => ({
            ...m,
            key: m.memberId,
            url: `/lightning/r/Audience__c/${m.audienceId}/view`
        }));
    }

    get hasExits() {
        return this.exits.length > 0;
    }

    get signals() {
        return (this.status?.signals ?? []).map((s) => {
            const open = this.expanded.has(s.signalId);
            return {
                ...s,
                key: s.signalId,
                evidenceId: `evidence-${s.signalId}`,
                expanded: open,
                ariaExpanded: open ? 'true' : 'false',
                toggleLabel: open ? HIDE_EVIDENCE : SHOW_EVIDENCE,
                evidenceText: readableEvidence(s.evidence),
                dismissable: s.status !== 'Dismissed',
                dismissLabel: `${DISMISS}: ${s.summary ?? s.type}`,
                dismissing: this.busy.has(s.signalId)
            };
        });
    }

    get hasSignals() {
        return this.signals.length > 0;
    }

    get fields() {
        return (this.status?.fields ?? []).map((f) => ({
            ...f,
            key: f.fieldApiName,
            shownWritten: shown(f.writtenValue),
            shownCurrent: shown(f.currentValue),
            shownPrevious: shown(f.previousValue),
            hasPrevious: f.previousValue !== undefined && f.previousValue !== null,
            isAlways: f.rule === 'Always',
            isUndone: !!f.undoneAt,
            undoneText: f.undoneAt ? UNDONE : '',
            changedSinceText: CHANGED_SINCE,
            alwaysNote: ALWAYS_NOTE,
            undoLabel: `${UNDO}: ${f.fieldLabel}`,
            undoing: this.busy.has(f.fieldApiName)
        }));
    }

    get hasFields() {
        return this.fields.length > 0;
    }

    get enrichButtonLabel() {
        return this.isEnriching ? WORKING : ENRICH_NOW;
    }

    get hasProgress() {
        return this.progressMessage !== undefined;
    }

    get hasProgressValue() {
        return typeof this.progressValue === 'number';
    }

    handleToggleEvidence(event) {
        const id = event.currentTarget.dataset.id;
        const next = new Set(this.expanded);
        if (next.has(id)) next.delete(id);
        else next.add(id);
        this.expanded = next;
    }

    async handleDismiss(event) {
        const signalId = event.currentTarget.dataset.id;
        await this.runAction(signalId, DISMISS_FAILED, async () => {
            await dismissSignal({ signalId });
            this.toast(DISMISSED_TITLE, undefined, 'success');
        });
    }

    async handleUndo(event) {
        const fieldApiName = event.currentTarget.dataset.field;
        await this.runAction(fieldApiName, UNDO_FAILED, async () => {
            const result = await undoField({ recordId: this.recordId, fieldApiName });
            const label = this.status?.fields?.find(
                (f) => f.fieldApiName === fieldApiName
            )?.fieldLabel;
            this.toast(
                UNDO_DONE,
                format(UNDO_DONE_MESSAGE, label ?? fieldApiName, shown(result?.restoredValue)),
                'success'
            );
            await notifyRecordUpdateAvailable([{ recordId: this.recordId }]);
        });
    }

    /** One funnel for the card's buttons: busy flag, error panel + toast on failure, a fresh status after. */
    async runAction(key, failedTitle, action) {
        if (this.busy.has(key)) return;
        this.busy = new Set(this.busy).add(key);
        this.actionError = undefined;
        try {
            await action();
            await refreshApex(this.wiredStatus);
        } catch (error) {
            this.showActionError(failedTitle, error);
        } finally {
            const next = new Set(this.busy);
            next.delete(key);
            this.busy = next;
        }
    }

    async handleEnrichClick() {
        if (this.isEnriching) return;
        this.isEnriching = true;
        this.actionError = undefined;
        this.progressMessage = PROGRESS_WAITING;
        this.progressValue = undefined;
        this.listeningFor = this.recordId;
        try {
            // Subscribed before the request is published: the server's first status cannot come before we listen.
            await this.startListening();
            await requestEnrichment({ recordId: this.recordId });
        } catch (error) {
            this.stopListening();
            this.isEnriching = false;
            this.progressMessage = undefined;
            this.showActionError(ENRICH_FAILED, error);
        }
    }

    async startListening() {
        if (!this.errorHandlerSet) {
            // empApi keeps every handler it is given: one per card is enough.
            this.errorHandlerSet = true;
            this.registerErrorHandler();
        }
        this.subscription = await subscribe(STATUS_CHANNEL, NEW_EVENTS_ONLY, (message) =>
            this.handleStatusEvent(message)
        );
        // eslint-disable-next-line @lwc/lwc/no-async-operation
        this.listenTimer = setTimeout(() => this.finish(PROGRESS_TIMEOUT, true), LISTEN_TIMEOUT_MS);
    }

    registerErrorHandler() {
        onError((error) => {
            // A broken stream ends the live view; the record itself still gets the values.
            if (this.subscription) {
                this.finish(PROGRESS_LIVE_FAILED, false);
                this.showActionError(PROGRESS_LIVE_FAILED, error);
            }
        });
    }

    handleStatusEvent(message) {
        const payload = message?.data?.payload;
        if (!payload || !this.subscription || !sameRecord(payload.Record_Id__c, this.listeningFor))
            return;
        if (payload.Message__c) this.progressMessage = payload.Message__c;
        if (typeof payload.Progress__c === 'number') this.progressValue = payload.Progress__c;
        if (FINAL_STAGES.has(payload.Stage__c)) {
            this.finish(payload.Message__c || PROGRESS_DONE, true);
        }
    }

    /** Ends the live view: unsubscribes, stops the timer, and reloads the record and the card. */
    finish(message, refresh) {
        this.stopListening();
        this.isEnriching = false;
        this.progressMessage = message;
        if (refresh) {
            // Failures here only mean a stale view until the next load; the enrichment itself is done.
            Promise.all([
                notifyRecordUpdateAvailable([{ recordId: this.listeningFor }]),
                refreshApex(this.wiredStatus)
            ]).catch(() => {});
        }
    }

    stopListening() {
        if (this.listenTimer) {
            clearTimeout(this.listenTimer);
            this.listenTimer = undefined;
        }
        if (this.subscription) {
            const subscription = this.subscription;
            this.subscription = undefined;
            unsubscribe(subscription, () => {});
        }
    }

    showActionError(title, error) {
        this.actionError = error;
        this.actionErrorTitle = title;
        this.toast(title, reduceErrors(error).join(' '), 'error');
    }

    toast(title, message, variant) {
        this.dispatchEvent(new ShowToastEvent({ title, message, variant }));
    }
}
