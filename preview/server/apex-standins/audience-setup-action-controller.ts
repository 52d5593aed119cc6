/**
 * Stand-in for the Apex class AudienceSetupActionController (the actions editor beside an audience): reads an
 * audience's actions and saves actions in bulk after the server's checks — the type acts on the audience's object,
 * a target where the type needs one, the type's settings schema. Saves are for admins only.
 */
import { z } from 'zod';
import { labelled } from './apex-error';
import { checkedId } from './record-id';
import { requireAdmin } from './setup-admin';
import { editable, saveRows, storedById, storedOf, type SObjectRow } from './setup-row-save';
import { actionSettingsProblem } from './settings-check';
import type { ApexStandin, StandinContext } from './standin-context';

/** The objects each type acts on (each target's `objects` on the server). */
export const OBJECTS_BY_TYPE: Record<string, readonly string[]> = {
  Campaign: ['Contact', 'Lead'],
  Task: ['Contact', 'Lead'],
  Outreach_Sequence: ['Contact', 'Lead'],
  Salesloft_Cadence: ['Contact', 'Lead'],
  Ad_Audience: ['Contact', 'Lead'],
  Slack_Message: ['Contact', 'Lead', 'Account'],
  Webhook: ['Contact', 'Lead', 'Account'],
};
const TARGET_REQUIRED = new Set([
  'Campaign',
  'Outreach_Sequence',
  'Salesloft_Cadence',
  'Ad_Audience',
  'Slack_Message',
  'Webhook',
]);
const ACTION_FIELDS = [
  'Name',
  'Audience__c',
  'Type__c',
  'Target__c',
  'Settings__c',
  'On_Exit__c',
  'Active__c',
] as const;
/** Audience__c is master-detail: set on insert only. */
const EDITABLE = ACTION_FIELDS.filter((f) => f !== 'Audience__c');
const rowsParams = z.object({ rows: z.array(z.record(z.string(), z.unknown())).nullish() });

export const getActions: ApexStandin = async (input, context) => {
  const audienceId = checkedId(
    z.object({ audienceId: z.unknown() }).parse(input ?? {}).audienceId,
    context,
    'audienceId',
  );
  const rows = await context.org.query(
    `SELECT Id, ${ACTION_FIELDS.join(', ')}, Status__c, Status_Message__c FROM Audience_Action__c WHERE Audience__c = '${audienceId}' ORDER BY Name LIMIT 200`,
  );
  return rows.map((r) => ({
    id: r.Id,
    name: r.Name,
    audienceId: r.Audience__c,
    type: r.Type__c,
    target: r.Target__c ?? null,
    settings: r.Settings__c ?? null,
    onExit: r.On_Exit__c ?? null,
    active: r.Active__c === true,
    status: r.Status__c ?? null,
    statusMessage: r.Status_Message__c ?? null,
  }));
};

export function actionProblem(action: SObjectRow, audienceObject: string | undefined, labels: Map<string, string>) {
  const type = String(action.Type__c ?? '');
  if (!String(action.Name ?? '').trim() || !type || !audienceObject) {
    return labelled(labels, 'Audience_Setup_Action_Needs_Name', 'A new action needs a name, a type and its audience.');
  }
  const objects = OBJECTS_BY_TYPE[type];
  if (objects && !objects.includes(audienceObject)) return `${type} actions cannot act on ${audienceObject} audiences`;
  if (TARGET_REQUIRED.has(type) && !String(action.Target__c ?? '').trim()) {
    return `Target__c: ${type} actions need a target`;
  }
  return actionSettingsProblem(type, action.Settings__c);
}

async function audienceObjects(context: StandinContext, ids: string[]): Promise<Map<string, string>> {
  const checked = [...new Set(ids)].filter((id) => /^[a-zA-Z0-9]{15,18}$/.test(id));
  if (checked.length === 0) return new Map();
  const rows = await context.org.query(
    `SELECT Id, Object__c FROM Audience__c WHERE Id IN (${checked.map((id) => `'${id}'`).join(', ')})`,
  );
  return new Map(rows.map((r) => [String(r.Id).slice(0, 15), String(r.Object__c)]));
}

export const saveActions: ApexStandin = async (input, context) => {
  await requireAdmin(context);
  const rows = (rowsParams.parse(input ?? {}).rows ?? []) as SObjectRow[];
  const stored = await storedById(context, 'Audience_Action__c', ACTION_FIELDS, rows);
  const merged = rows.map((row) => ({ ...(storedOf(stored, row.Id) ?? {}), ...row }));
  const objects = await audienceObjects(
    context,
    merged.map((m) => String(m.Audience__c ?? '')),
  );
  const problems = rows.map((row, i) => {
    if (row.Id && !storedOf(stored, row.Id)) {
      return labelled(context.labels, 'Audience_Setup_No_Access', 'No access: {0}', row.Id);
    }
    const audience = String(merged[i]!.Audience__c ?? '').slice(0, 15);
    return actionProblem(merged[i]!, objects.get(audience), context.labels);
  });
  return saveRows(
    context,
    'Audience_Action__c',
    rows.map((row) => editable(row, row.Id ? EDITABLE : ACTION_FIELDS)),
    problems,
  );
};
