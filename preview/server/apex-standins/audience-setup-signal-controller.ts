/**
 * Stand-in for the Apex class AudienceSetupSignalController (the setup tab's Signal rules): reads rules and the
 * actions an Enrol button may apply, and saves rules in bulk after the type's settings check and the Slack channel
 * check. Saves are for admins only.
 */
import { z } from 'zod';
import { labelled } from './apex-error';
import { requireAdmin } from './setup-admin';
import { editable, saveRows, storedById, storedOf, type SObjectRow } from './setup-row-save';
import { signalSettingsProblem } from './settings-check';
import type { ApexStandin } from './standin-context';

/** The server's check (signal-rule-check.ts): a channel id, not a #name. */
const CHANNEL_ID = /^[CG][A-Z0-9]{8,}$/;
const RULE_FIELDS = [
  'Name',
  'Type__c',
  'Object__c',
  'Active__c',
  'Settings__c',
  'Slack_Channel__c',
  'Notify_Owner__c',
  'Enrol_Action__c',
] as const;
const rowsParams = z.object({ rows: z.array(z.record(z.string(), z.unknown())).nullish() });

export const getSignalRules: ApexStandin = async (_input, context) => {
  const rows = await context.org.query(
    `SELECT Id, ${RULE_FIELDS.join(', ')}, Status__c, Status_Message__c FROM Audience_Signal_Rule__c ORDER BY Name LIMIT 200`,
  );
  return rows.map((r) => ({
    id: r.Id,
    name: r.Name,
    type: r.Type__c,
    objectName: r.Object__c ?? null,
    active: r.Active__c === true,
    settings: r.Settings__c ?? null,
    slackChannel: r.Slack_Channel__c ?? null,
    notifyOwner: r.Notify_Owner__c === true,
    enrolActionId: r.Enrol_Action__c ?? null,
    status: r.Status__c ?? null,
    statusMessage: r.Status_Message__c ?? null,
  }));
};

export const getEnrolActions: ApexStandin = async (_input, context) => {
  const rows = await context.org.query(
    'SELECT Id, Name, Audience__r.Name, Audience__r.Object__c FROM Audience_Action__c ORDER BY Name LIMIT 200',
  );
  return rows.map((r) => {
    const audience = (r.Audience__r ?? {}) as { Name?: string; Object__c?: string };
    return { id: r.Id, label: `${String(r.Name)} (${audience.Name ?? ''})`, objectName: audience.Object__c ?? null };
  });
};

export function ruleProblem(rule: SObjectRow, labels: Map<string, string>): string | null {
  if (!rule.Id && (!String(rule.Name ?? '').trim() || !String(rule.Type__c ?? '').trim())) {
    return labelled(labels, 'Audience_Setup_Rule_Needs_Name', 'A new signal rule needs a name and a type.');
  }
  const problem = signalSettingsProblem(rule.Type__c, rule.Settings__c);
  if (problem) return problem;
  const channel = String(rule.Slack_Channel__c ?? '').trim();
  if (channel !== '' && !CHANNEL_ID.test(channel)) {
    return `Slack_Channel__c must be a channel id such as C0123456789, not "${channel.slice(0, 40)}"`;
  }
  return null;
}

export const saveSignalRules: ApexStandin = async (input, context) => {
  await requireAdmin(context);
  const rows = (rowsParams.parse(input ?? {}).rows ?? []) as SObjectRow[];
  const stored = await storedById(context, 'Audience_Signal_Rule__c', ['Type__c', 'Settings__c'], rows);
  const problems = rows.map((row) => {
    const before = storedOf(stored, row.Id);
    if (row.Id && !before) return labelled(context.labels, 'Audience_Setup_No_Access', 'No access: {0}', row.Id);
    return ruleProblem({ ...(before ?? {}), ...row }, context.labels);
  });
  return saveRows(
    context,
    'Audience_Signal_Rule__c',
    rows.map((row) => editable(row, RULE_FIELDS)),
    problems,
  );
};
