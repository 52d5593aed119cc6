/**
 * The Apex stand-ins the preview serves, by `Class.method` (what `@salesforce/apex/Class.method` names). A method
 * without a stand-in answers like a missing class would: an error the component shows.
 */
import { dismissSignal, getStatus, undoField } from './audience-status-controller';
import { requestEnrichment } from './audience-record-request-controller';
import { estimatePlan, getPlanOptions, getPlans, runPlan, savePlans } from './audience-setup-plan-controller';
import { getEnrolActions, getSignalRules, saveSignalRules } from './audience-setup-signal-controller';
import { getActions, saveActions } from './audience-setup-action-controller';
import { createAudience, setAudienceActive } from './audience-setup-audience-controller';
import { deleteRecord } from './audience-setup-delete-controller';
import {
  countMatches,
  getAccess,
  getAudiences,
  getFieldMaps,
  getFilterFields,
  getHealth,
  getRuns,
  publishCommand,
  saveAudienceFilter,
  saveFieldMaps,
} from './audience-setup-controller';
import type { ApexStandin } from './standin-context';

export const APEX_STANDINS: ReadonlyMap<string, ApexStandin> = new Map([
  ['AudienceStatusController.getStatus', getStatus],
  ['AudienceStatusController.undoField', undoField],
  ['AudienceStatusController.dismissSignal', dismissSignal],
  ['AudienceRecordRequestController.requestEnrichment', requestEnrichment],
  ['AudienceSetupController.getAccess', getAccess],
  ['AudienceSetupController.getHealth', getHealth],
  ['AudienceSetupController.getFieldMaps', getFieldMaps],
  ['AudienceSetupController.getFilterFields', getFilterFields],
  ['AudienceSetupController.getAudiences', getAudiences],
  ['AudienceSetupController.getRuns', getRuns],
  ['AudienceSetupController.saveFieldMaps', saveFieldMaps],
  ['AudienceSetupController.saveAudienceFilter', saveAudienceFilter],
  ['AudienceSetupController.countMatches', countMatches],
  ['AudienceSetupController.publishCommand', publishCommand],
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
  ['AudienceSetupAudienceController.createAudience', createAudience],
  ['AudienceSetupAudienceController.setAudienceActive', setAudienceActive],
  ['AudienceSetupDeleteController.deleteRecord', deleteRecord],
]);

export { ApexStandinError } from './apex-error';
export type { StandinContext } from './standin-context';
