/**
 * The Apex stand-ins the preview serves, by `Class.method` (what `@salesforce/apex/Class.method` names). A method
 * without a stand-in answers like a missing class would: an error the component shows.
 */
import { dismissSignal, getStatus, undoField } from './audience-status-controller';
import { requestEnrichment } from './audience-record-request-controller';
import { estimatePlan, getPlanOptions, getPlans, runPlan, savePlans } from './audience-setup-plan-controller';
import { getEnrolActions, getSignalRules, saveSignalRules } from './audience-setup-signal-controller';
import { getActions, saveActions } from './audience-setup-action-controller';
import type { ApexStandin } from './standin-context';

export const APEX_STANDINS: ReadonlyMap<string, ApexStandin> = new Map([
  ['AudienceStatusController.getStatus', getStatus],
  ['AudienceStatusController.undoField', undoField],
  ['AudienceStatusController.dismissSignal', dismissSignal],
  ['AudienceRecordRequestController.requestEnrichment', requestEnrichment],
  ['AudienceSetupPlanController.getPlans', getPlans],
  ['AudienceSetupPlanController.getPlanOptions', getPlanOptions],
  ['AudienceSetupPlanController.savePlans', savePlans],
  ['AudienceSetupPlanController.estimatePlan', estimatePlan],
  ['AudienceSetupPlanController.runPlan', runPlan],
  ['AudienceSetupSignalController.getSignalRules', getSignalRules],
  ['AudienceSetupSignalController.getEnrolActions', getEnrolActions],
  ['AudienceSetupSignalController.saveSignalRules', saveSignalRules],
  ['AudienceSetupActionController.getActions', getActions],
  ['AudienceSetupActionController.saveActions', saveActions],
]);

export { ApexStandinError } from './apex-error';
export type { StandinContext } from './standin-context';
