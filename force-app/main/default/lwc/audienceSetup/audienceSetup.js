import { LightningElement, wire } from 'lwc';
import { refreshApex } from '@salesforce/apex';
import { subscribe, unsubscribe, onError } from 'lightning/empApi';
import { ShowToastEvent } from 'lightning/platformShowToastEvent';
import getAccess from '@salesforce/apex/AudienceSetupController.getAccess';
import getHealth from '@salesforce/apex/AudienceSetupController.getHealth';
import getFieldMaps from '@salesforce/apex/AudienceSetupController.getFieldMaps';
import getFilterFields from '@salesforce/apex/AudienceSetupController.getFilterFields';
import getAudiences from '@salesforce/apex/AudienceSetupController.getAudiences';
import getRuns from '@salesforce/apex/AudienceSetupController.getRuns';
import saveFieldMaps from '@salesforce/apex/AudienceSetupController.saveFieldMaps';
import saveAudienceFilter from '@salesforce/apex/AudienceSetupController.saveAudienceFilter';
import countMatches from '@salesforce/apex/AudienceSetupController.countMatches';
import publishCommand from '@salesforce/apex/AudienceSetupController.publishCommand';
import createAudience from '@salesforce/apex/AudienceSetupAudienceController.createAudience';
import setAudienceActive from '@salesforce/apex/AudienceSetupAudienceController.setAudienceActive';
import { reduceErrors } from 'c/ldsUtils';
import TITLE from '@salesforce/label/c.Audience_Setup_Title';
import HEALTH from '@salesforce/label/c.Audience_Setup_Health';
import FIELD_MAPPINGS from '@salesforce/label/c.Audience_Setup_Field_Mappings';
import AUDIENCES from '@salesforce/label/c.Audience_Setup_Audiences';
import RUNS from '@salesforce/label/c.Audience_Setup_Runs';
import LOADING from '@salesforce/label/c.Audience_Setup_Loading';
import NO_HEARTBEAT from '@salesforce/label/c.Audience_Setup_No_Heartbeat';
import STALE_HEARTBEAT from '@salesforce/label/c.Audience_Setup_Stale_Heartbeat';
import REPORTED_AT from '@salesforce/label/c.Audience_Setup_Reported_At';
import FIX from '@salesforce/label/c.Audience_Setup_Fix';
import OBJECT from '@salesforce/label/c.Audience_Setup_Object';
import NO_MAPPINGS from '@salesforce/label/c.Audience_Setup_No_Mappings';
import SAVED from '@salesforce/label/c.Audience_Setup_Saved';
import SAVED_ROWS from '@salesforce/label/c.Audience_Setup_Saved_Rows';
import RULE_HELP from '@salesforce/label/c.Audience_Setup_Rule_Help';
import NO_AUDIENCES from '@salesforce/label/c.Audience_Setup_No_Audiences';
import MEMBERS from '@salesforce/label/c.Audience_Setup_Members';
import EDIT_FILTER from '@salesforce/label/c.Audience_Setup_Edit_Filter';
import SAVE_FILTER from '@salesforce/label/c.Audience_Setup_Save_Filter';
import COUNT from '@salesforce/label/c.Audience_Setup_Count';
import MATCHES from '@salesforce/label/c.Audience_Setup_Matches';
import NO_RUNS from '@salesforce/label/c.Audience_Setup_No_Runs';
import CANCEL from '@salesforce/label/c.Audience_Setup_Cancel';
import RESUME from '@salesforce/label/c.Audience_Setup_Resume';
import DRY_RUN from '@salesforce/label/c.Audience_Setup_Dry_Run';
import RUN_EXPORT from '@salesforce/label/c.Audience_Setup_Run_Export';
import COMMAND_SENT from '@salesforce/label/c.Audience_Setup_Command_Sent';
import COMMAND_FAILED from '@salesforce/label/c.Audience_Setup_Command_Failed';
import LIVE_FAILED from '@salesforce/label/c.Audience_Setup_Live_Failed';
import REFRESH from '@salesforce/label/c.Audience_Setup_Refresh';
import SKIPS from '@salesforce/label/c.Audience_Setup_Skips';
import CREDITS from '@salesforce/label/c.Audience_Setup_Credits';
import PLANS from '@salesforce/label/c.Audience_Setup_Plans';
import SIGNAL_RULES from '@salesforce/label/c.Audience_Setup_Signal_Rules';
import NEW_AUDIENCE from '@salesforce/label/c.Audience_Setup_New_Audience';
import AUDIENCE_NAME from '@salesforce/label/c.Audience_Setup_Audience_Name';
import CREATE from '@salesforce/label/c.Audience_Setup_Create';
import NEW_AUDIENCE_HELP from '@salesforce/label/c.Audience_Setup_New_Audience_Help';
import AUDIENCE_NEEDS_NAME from '@salesforce/label/c.Audience_Setup_Audience_Needs_Name';
import AUDIENCE_CREATED from '@salesforce/label/c.Audience_Setup_Audience_Created';
import ACTIVE from '@salesforce/label/c.Audience_Setup_Active';
import INACTIVE from '@salesforce/label/c.Audience_Setup_Inactive';

/** The status channel the server publishes run progress on (Audience_Status__e). */
export const STATUS_CHANNEL = '/event/Audience_Status__e';
/** A heartbeat older than this means the server is probably not running (it reports once a minute). */
export const STALE_AFTER_MS = 5 * 60 * 1000;
const NEW_EVENTS_ONLY = -1;
const OPEN_STATUSES = new Set(['Queued', 'Running', 'Paused']);

function format(template, ...values) {
    return values.reduce((text, value, i) => text.replace(`{${i}}`, value), template);
}

/** `{"not_ours":1,"rule":2}` → "not_ours 1 · rule 2"; text that is not a JSON object is shown as it is. */
export function readableCounts(json) {
    if (!json) return null;
    try {
        const counts = JSON.parse(json);
        if (counts && typeof counts === 'object' && !Array.isArray(counts)) {
            const parts = Object.entries(counts).map(([key, value]) => `${key} ${value}`);
            return parts.length > 0 ? parts.join(' · ') : null;
        }
    } catch {
        // Not JSON: fall through and show the text.
    }
    return String(json);
}

const FIELD_MAP_COLUMNS = [
    { label: 'Field', fieldName: 'fieldLabel', type: 'text' },
    { label: 'API name', fieldName: 'field', type: 'text' },
    { label: 'Attribute', fieldName: 'attribute', type: 'text', editable: true },
    { label: 'Rule', fieldName: 'writeRule', type: 'text', editable: true },
    { label: 'Import', fieldName: 'importField', type: 'boolean', editable: true },
    { label: 'Mode', fieldName: 'mode', type: 'text', editable: true },
    { label: 'Status', fieldName: 'status', type: 'text' },
    { label: 'Status message', fieldName: 'statusMessage', type: 'text', wrapText: true }
];

/** Datatable column → Audience_Field_Map__c field, for the bulk save. */
const SAVE_FIELD = {
    attribute: 'Attribute__c',
    writeRule: 'Write_Rule__c',
    importField: 'Import__c',
    mode: 'Mode__c'
};

/**
 * The "Audiences Setup" tab: Health (the server's heartbeat as a checklist with fixes), Field mappings (inline
 * edit, saved in bulk with row errors), Audiences (new audience, member counts, filter builder, live count, active,
 * delete) and Runs (progress,
 * Cancel / Resume, dry run and export; live through empApi only while the Runs section is open). Non-admins get a
 * read-only view with a message.
 */
export default class AudienceSetup extends LightningElement {
    labels = {
        TITLE,
        HEALTH,
        FIELD_MAPPINGS,
        AUDIENCES,
        RUNS,
        LOADING,
        NO_HEARTBEAT,
        STALE_HEARTBEAT,
        REPORTED_AT,
        FIX,
        OBJECT,
        NO_MAPPINGS,
        RULE_HELP,
        NO_AUDIENCES,
        MEMBERS,
        EDIT_FILTER,
        SAVE_FILTER,
        COUNT,
        MATCHES,
        NO_RUNS,
        CANCEL,
        RESUME,
        DRY_RUN,
        RUN_EXPORT,
        LIVE_FAILED,
        REFRESH,
        SKIPS,
        CREDITS,
        PLANS,
        SIGNAL_RULES,
        NEW_AUDIENCE,
        AUDIENCE_NAME,
        CREATE,
        NEW_AUDIENCE_HELP,
        ACTIVE
    };

    section = 'health';
    objectName = 'Contact';
    draftValues = [];
    fieldMapErrors;
    selectedAudienceId;
    editedFilter;
    filterIsComplete = true;
    compiledWhere;
    matchCount;
    actionError;
    /** The "New audience" form's values ({ name, objectName }), or undefined when it is closed. */
    newAudience;
    newAudienceError;
    creating = false;
    liveFailed = false;
    subscription;
    errorHandlerRegistered = false;
    now = Date.now();

    @wire(getAccess) access;
    @wire(getHealth) health;
    @wire(getFieldMaps, { objectName: '$objectName' }) fieldMaps;
    @wire(getAudiences) audiences;
    @wire(getRuns) runs;
    @wire(getFilterFields, { objectName: '$selectedAudienceObject' }) filterFields;

    disconnectedCallback() {
        this.stopLive();
    }

    // ----- access -----

    get canEdit() {
        return this.access?.data?.canEdit === true;
    }

    get readOnly() {
        return !this.canEdit;
    }

    get readOnlyMessage() {
        return this.access?.data && !this.canEdit ? this.access.data.message : null;
    }

    get accessError() {
        return this.access?.error;
    }

    // ----- navigation -----

    get isHealth() {
        return this.section === 'health';
    }
    get isFieldMaps() {
        return this.section === 'fieldMaps';
    }
    get isAudiences() {
        return this.section === 'audiences';
    }
    get isPlans() {
        return this.section === 'plans';
    }
    get isSignals() {
        return this.section === 'signals';
    }
    get isRuns() {
        return this.section === 'runs';
    }

    handleSelect(event) {
        this.section = event.detail.name;
        if (this.isRuns) {
            this.startLive();
        } else {
            this.stopLive();
        }
    }

    // ----- health -----

    get healthLoading() {
        return !this.health?.data && !this.health?.error;
    }

    get healthReported() {
        return this.health?.data?.reported === true;
    }

    get healthStale() {
        const at = this.health?.data?.reportedAt;
        return this.healthReported && (!at || this.now - new Date(at).getTime() > STALE_AFTER_MS);
    }

    get healthItems() {
        let checks = [];
        try {
            checks = JSON.parse(this.health?.data?.checks || '[]');
        } catch {
            checks = [];
        }
        return (Array.isArray(checks) ? checks : []).map((check, i) => ({
            key: `${check.item}-${i}`,
            item: check.item,
            detail: check.detail,
            fix: check.ok ? null : check.fix,
            ok: check.ok === true,
            icon: check.ok ? 'utility:success' : 'utility:error',
            variant: check.ok ? 'success' : 'error',
            status: check.ok ? 'OK' : 'Failed'
        }));
    }

    // ----- field mappings -----

    get objectOptions() {
        return ['Contact', 'Lead', 'Account'].map((name) => ({ label: name, value: name }));
    }

    get fieldMapColumns() {
        return this.canEdit
            ? FIELD_MAP_COLUMNS
            : FIELD_MAP_COLUMNS.map((c) => ({ ...c, editable: false }));
    }

    get fieldMapRows() {
        return this.fieldMaps?.data ?? [];
    }

    get hasFieldMaps() {
        return this.fieldMapRows.length > 0;
    }

    get fieldMapsLoading() {
        return !this.fieldMaps?.data && !this.fieldMaps?.error;
    }

    handleObjectChange(event) {
        this.objectName = event.detail.value;
        this.draftValues = [];
        this.fieldMapErrors = undefined;
    }

    async handleFieldMapSave(event) {
        const drafts = event.detail.draftValues;
        const byKey = new Map(this.fieldMapRows.map((r) => [r.key, r]));
        const rows = drafts.map((draft) => {
            const current = byKey.get(draft.key) ?? {};
            // A field without a mapping yet is created: it has no id, so send its object and field.
            const row = current.id
                ? { Id: current.id }
                : { Object__c: current.objectName, Field__c: current.field };
            for (const [column, field] of Object.entries(SAVE_FIELD)) {
                if (column in draft) row[field] = draft[column];
            }
            return row;
        });
        try {
            const results = await saveFieldMaps({ rows });
            const failed = results.filter((r) => !r.success);
            const errors = { rows: {}, table: undefined };
            for (const result of failed) {
                const draft = drafts[result.index];
                errors.rows[draft.key] = {
                    title: result.message,
                    messages: [result.message],
                    fieldNames: Object.keys(draft).filter((k) => k !== 'key')
                };
            }
            if (failed.length > 0) {
                errors.table = {
                    title: format(SAVED_ROWS, results.length - failed.length, failed.length),
                    messages: failed.map((f) => f.message)
                };
            }
            this.fieldMapErrors = failed.length > 0 ? errors : undefined;
            // Saved rows leave the drafts; failed ones stay so the admin can fix them.
            const failedIndexes = new Set(failed.map((f) => f.index));
            this.draftValues = drafts.filter((d, i) => failedIndexes.has(i));
            this.toast(
                SAVED,
                format(SAVED_ROWS, results.length - failed.length, failed.length),
                failed.length ? 'warning' : 'success'
            );
            await refreshApex(this.fieldMaps);
        } catch (error) {
            this.fieldMapErrors = {
                table: { title: reduceErrors(error).join(', '), messages: reduceErrors(error) }
            };
        }
    }

    // ----- audiences -----

    get audienceRows() {
        return (this.audiences?.data ?? []).map((a) => ({
            ...a,
            selected: a.id === this.selectedAudienceId,
            rowClass:
                a.id === this.selectedAudienceId
                    ? 'slds-hint-parent slds-is-selected'
                    : 'slds-hint-parent',
            editLabel: `${EDIT_FILTER}: ${a.name}`,
            activeLabel: a.active ? ACTIVE : INACTIVE
        }));
    }

    get hasAudiences() {
        return this.audienceRows.length > 0;
    }

    get audiencesLoading() {
        return !this.audiences?.data && !this.audiences?.error;
    }

    get selectedAudience() {
        return (this.audiences?.data ?? []).find((a) => a.id === this.selectedAudienceId);
    }

    get selectedAudienceObject() {
        return this.selectedAudience?.objectName;
    }

    get builderFields() {
        return this.filterFields?.data ?? [];
    }

    get builderReady() {
        return Boolean(this.selectedAudience) && Boolean(this.filterFields?.data);
    }

    get hasMatchCount() {
        return this.matchCount !== undefined;
    }

    get saveFilterDisabled() {
        return !this.canEdit || !this.editedFilter;
    }

    handleEditFilter(event) {
        this.selectAudience(event.target.dataset.id);
    }

    /** Opens the filter builder (and the actions beside it) on one audience, from a clean slate. */
    selectAudience(audienceId) {
        this.selectedAudienceId = audienceId;
        this.editedFilter = undefined;
        this.matchCount = undefined;
        this.compiledWhere = undefined;
        this.actionError = undefined;
    }

    // ----- new audience -----

    handleNewAudience() {
        this.newAudience = { name: '', objectName: 'Contact' };
        this.newAudienceError = undefined;
    }

    handleNewAudienceField(event) {
        this.newAudience = {
            ...this.newAudience,
            [event.target.dataset.field]: event.detail.value
        };
    }

    handleCancelNewAudience() {
        this.newAudience = undefined;
    }

    /**
     * Creates the audience (inactive, empty filter: see AudienceSetupAudienceController) and opens the builder on
     * it. A blank name is refused here; a taken name or a refused insert comes back from Apex and stays in the form.
     */
    async handleCreateAudience() {
        const name = (this.newAudience?.name ?? '').trim();
        if (!name) {
            this.newAudienceError = AUDIENCE_NEEDS_NAME;
            return;
        }
        this.creating = true;
        this.newAudienceError = undefined;
        try {
            const audienceId = await createAudience({
                name,
                objectName: this.newAudience.objectName
            });
            this.toast(AUDIENCE_CREATED, name, 'success');
            this.newAudience = undefined;
            await refreshApex(this.audiences);
            this.selectAudience(audienceId);
        } catch (error) {
            this.newAudienceError = reduceErrors(error).join(', ');
        } finally {
            this.creating = false;
        }
    }

    async handleActiveChange(event) {
        this.actionError = undefined;
        try {
            await setAudienceActive({
                audienceId: this.selectedAudienceId,
                active: event.target.checked
            });
            await refreshApex(this.audiences);
        } catch (error) {
            this.actionError = reduceErrors(error).join(', ');
        }
    }

    /** A deleted audience leaves the list; its builder closes. */
    handleAudienceDeleted(event) {
        if (this.selectedAudienceId === event.detail.id) this.selectAudience(undefined);
        return refreshApex(this.audiences);
    }

    handleFilterChange(event) {
        this.editedFilter = event.detail.filter;
        this.filterIsComplete = event.detail.complete;
        this.matchCount = undefined;
    }

    currentFilter() {
        return this.editedFilter ?? this.selectedAudience?.filter ?? '{"all":[]}';
    }

    async handleCount() {
        this.actionError = undefined;
        try {
            this.matchCount = await countMatches({
                objectName: this.selectedAudienceObject,
                filterJson: this.currentFilter()
            });
        } catch (error) {
            this.actionError = reduceErrors(error).join(', ');
        }
    }

    async handleSaveFilter() {
        this.actionError = undefined;
        try {
            this.compiledWhere = await saveAudienceFilter({
                audienceId: this.selectedAudienceId,
                filterJson: this.currentFilter()
            });
            this.toast(SAVED, this.compiledWhere || '{"all":[]}', 'success');
            await refreshApex(this.audiences);
        } catch (error) {
            this.actionError = reduceErrors(error).join(', ');
        }
    }

    // ----- runs -----

    get runRows() {
        return (this.runs?.data ?? []).map((run) => {
            const total = Number(run.total) || 0;
            const processed = Number(run.processed) || 0;
            return {
                ...run,
                progress:
                    total > 0
                        ? Math.min(100, Math.round((processed / total) * 100))
                        : run.status === 'Succeeded'
                          ? 100
                          : 0,
                progressLabel: `${run.name}: ${processed} / ${total}`,
                skips: readableCounts(run.skipsByReason),
                credits: run.creditsUsed
                    ? [String(run.creditsUsed), readableCounts(run.creditsByProvider)]
                          .filter(Boolean)
                          .join(' — ')
                    : null,
                counts: `${run.succeeded ?? 0} ✓ · ${run.failed ?? 0} ✗ · ${run.skipped ?? 0} skipped`,
                canCancel: this.canEdit && OPEN_STATUSES.has(run.status),
                canResume: this.canEdit && run.status === 'Paused' && run.type === 'Enrichment',
                cancelLabel: `${CANCEL}: ${run.name}`,
                resumeLabel: `${RESUME}: ${run.name}`
            };
        });
    }

    get hasRuns() {
        return this.runRows.length > 0;
    }

    get runsLoading() {
        return !this.runs?.data && !this.runs?.error;
    }

    get commandsDisabled() {
        return !this.canEdit;
    }

    handleCancelRun(event) {
        this.sendCommand('CANCEL_RUN', event.target.dataset.id);
    }

    handleResumeRun(event) {
        this.sendCommand('RUN_ENRICHMENT', event.target.dataset.id);
    }

    handleDryRun() {
        this.sendCommand('DRY_RUN_EXPORT', null);
    }

    handleRunExport() {
        this.sendCommand('RUN_EXPORT', null);
    }

    handleRefresh() {
        this.now = Date.now();
        return Promise.all([
            refreshApex(this.health),
            refreshApex(this.runs),
            refreshApex(this.audiences)
        ]);
    }

    async sendCommand(command, targetId) {
        try {
            await publishCommand({ command, targetId });
            this.toast(COMMAND_SENT, command, 'success');
        } catch (error) {
            this.toast(COMMAND_FAILED, reduceErrors(error).join(', '), 'error');
        }
    }

    /** Live progress only while Runs is open: one subscription, dropped when the admin leaves the section. */
    async startLive() {
        if (this.subscription) return;
        if (!this.errorHandlerRegistered) {
            this.errorHandlerRegistered = true;
            onError(() => {
                this.liveFailed = true;
            });
        }
        try {
            this.subscription = await subscribe(STATUS_CHANNEL, NEW_EVENTS_ONLY, (message) =>
                this.handleStatus(message)
            );
            this.liveFailed = false;
            if (!this.isRuns) this.stopLive();
        } catch {
            this.liveFailed = true;
        }
    }

    stopLive() {
        if (this.subscription) {
            unsubscribe(this.subscription);
            this.subscription = undefined;
        }
    }

    handleStatus(message) {
        const runId = message?.data?.payload?.Run_Id__c;
        if (runId) refreshApex(this.runs);
    }

    toast(title, message, variant) {
        this.dispatchEvent(new ShowToastEvent({ title, message, variant }));
    }
}
