/**
 * Stand-in for the Apex class AudienceSetupController (the setup tab's Health, Field mappings, Audiences and Runs):
 * the same reads as the signed-in user, bulk field-map saves with a result per row, the live count and the filter
 * save compiled with the server's filter compiler (which the Apex AudienceFilterCompiler mirrors through the shared
 * vectors), and admin commands. Saves and commands are for admins only.
 */
import { z } from 'zod';
import {
  compileFilterToWhere,
  createFieldTypeLookup,
  parseFilter,
  validateFilterFields,
  type FilterFieldCatalog,
} from '../../../server/src/pipeline/segments/filter';
import { selectQuery } from '../../../server/src/salesforce/selectors/select-query';
import { ApexStandinError, labelled } from './apex-error';
import { checkedId } from './record-id';
import { isAdmin, requireAdmin } from './setup-admin';
import { editable, saveRows, type SObjectRow } from './setup-row-save';
import type { ApexStandin, StandinContext } from './standin-context';

const MAPPED_OBJECTS = ['Contact', 'Lead', 'Account'] as const;
const COMMANDS = [
  'RUN_ENRICHMENT',
  'RUN_IMPORT',
  'EVALUATE_AUDIENCE',
  'DRY_RUN_EXPORT',
  'RUN_EXPORT',
  'ESTIMATE_RUN',
  'CANCEL_RUN',
  'RELOAD_CONFIG',
];
const NEEDS_TARGET = new Set(['RUN_ENRICHMENT', 'EVALUATE_AUDIENCE', 'ESTIMATE_RUN', 'CANCEL_RUN', 'RELOAD_CONFIG']);
const MAP_EDITABLE = ['Attribute__c', 'Write_Rule__c', 'Import__c', 'Mode__c'] as const;

function mappedObject(value: unknown, context: StandinContext): (typeof MAPPED_OBJECTS)[number] {
  const name = String(value ?? '');
  if (!(MAPPED_OBJECTS as readonly string[]).includes(name)) {
    throw new ApexStandinError(
      labelled(context.labels, 'Audience_Setup_Unsupported_Object', 'Unsupported object: {0}', name),
    );
  }
  return name as (typeof MAPPED_OBJECTS)[number];
}

export const getAccess: ApexStandin = async (_input, context) => {
  const canEdit = await isAdmin(context);
  return {
    canEdit,
    message: canEdit ? null : labelled(context.labels, 'Audience_Setup_Read_Only', 'You can view this setup.'),
  };
};

export const getHealth: ApexStandin = async (_input, context) => {
  const [beat] = await context.org.query(
    'SELECT Reported_At__c, Loop_Running__c, Stream_State__c, Api_Budget_Used__c, Slack_Connected__c, Failed_Checks__c, Checks__c FROM Audience_Health__c ORDER BY Reported_At__c DESC NULLS LAST LIMIT 1',
  );
  if (!beat) return { reported: false };
  return {
    reported: true,
    reportedAt: beat.Reported_At__c,
    loopRunning: beat.Loop_Running__c,
    streamState: beat.Stream_State__c,
    apiBudgetUsed: beat.Api_Budget_Used__c,
    slackConnected: beat.Slack_Connected__c,
    failedChecks: beat.Failed_Checks__c,
    checks: beat.Checks__c,
  };
};

export const getFieldMaps: ApexStandin = async (input, context) => {
  const object = mappedObject(z.object({ objectName: z.unknown() }).parse(input ?? {}).objectName, context);
  const describe = await context.org.describe(object);
  const byName = new Map(describe.fields.map((f) => [f.name.toLowerCase(), f]));
  const rows = await context.org.query(
    `SELECT Id, Object__c, Field__c, Attribute__c, Write_Rule__c, Import__c, Active__c, Mode__c, Status__c, Status_Message__c FROM Audience_Field_Map__c WHERE Object__c = '${object}' ORDER BY Field__c LIMIT 500`,
  );
  const views = rows.map((r) => {
    const field = byName.get(String(r.Field__c ?? '').toLowerCase());
    return {
      key: r.Id,
      id: r.Id,
      objectName: r.Object__c,
      field: r.Field__c,
      fieldLabel: field?.label ?? r.Field__c,
      fieldType: field?.type ?? null,
      attribute: r.Attribute__c ?? null,
      writeRule: r.Write_Rule__c ?? null,
      importField: r.Import__c === true,
      active: r.Active__c === true,
      mode: r.Mode__c ?? null,
      status: r.Status__c ?? null,
      statusMessage: r.Status_Message__c ?? null,
    };
  });
  const mapped = new Set(views.map((v) => String(v.field).toLowerCase()));
  const unmapped = [...describe.fields]
    .filter((f) => f.updateable && !mapped.has(f.name.toLowerCase()))
    .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()))
    .map((f) => ({
      key: `new:${f.name}`,
      objectName: object,
      field: f.name,
      fieldLabel: f.label,
      fieldType: f.type,
      importField: false,
    }));
  return [...views, ...unmapped];
};

async function filterFields(context: StandinContext, object: string, prefix: string, labelPrefix: string) {
  const describe = await context.org.describe(object);
  return describe.fields
    .filter((f) => f.filterable !== false)
    .map((f) => ({
      name: `${prefix}${f.name}`,
      label: `${labelPrefix}${f.label}`,
      type: f.type,
      picklistValues: (f.picklistValues ?? []).filter((p) => p.active !== false).map((p) => p.value),
    }));
}

async function fieldsOf(context: StandinContext, object: string) {
  const own = await filterFields(context, object, '', '');
  return object === 'Contact' ? [...own, ...(await filterFields(context, 'Account', 'Account.', 'Account: '))] : own;
}

export const getFilterFields: ApexStandin = async (input, context) => {
  const object = mappedObject(z.object({ objectName: z.unknown() }).parse(input ?? {}).objectName, context);
  return fieldsOf(context, object);
};

export const getAudiences: ApexStandin = async (_input, context) => {
  const rows = await context.org.query(
    'SELECT Id, Name, Object__c, Active__c, Member_Count__c, Filter__c, Status__c, Status_Message__c, Last_Evaluated_At__c FROM Audience__c ORDER BY Name LIMIT 200',
  );
  return rows.map((r) => ({
    id: r.Id,
    name: r.Name,
    objectName: r.Object__c,
    active: r.Active__c === true,
    memberCount: r.Member_Count__c ?? 0,
    filter: r.Filter__c ?? null,
    status: r.Status__c ?? null,
    statusMessage: r.Status_Message__c ?? null,
    lastEvaluatedAt: r.Last_Evaluated_At__c ?? null,
  }));
};

export const getRuns: ApexStandin = async (_input, context) => {
  const rows = await context.org.query(
    'SELECT Id, Name, Type__c, Status__c, Status_Message__c, Total__c, Processed__c, Succeeded__c, Failed__c, Skipped__c, Credits_Used__c, Credits_By_Provider__c, Skips_By_Reason__c, Error_Summary__c, Started_At__c, Finished_At__c, Audience_Enrichment__c FROM Audience_Run__c ORDER BY CreatedDate DESC LIMIT 50',
  );
  return rows.map((r) => ({
    id: r.Id,
    // An org numbers runs (auto-number Name); a record without one is shown by its id.
    name: r.Name ?? r.Id,
    type: r.Type__c,
    status: r.Status__c,
    statusMessage: r.Status_Message__c ?? null,
    total: r.Total__c ?? null,
    processed: r.Processed__c ?? null,
    succeeded: r.Succeeded__c ?? null,
    failed: r.Failed__c ?? null,
    skipped: r.Skipped__c ?? null,
    creditsUsed: r.Credits_Used__c ?? null,
    creditsByProvider: r.Credits_By_Provider__c ?? null,
    skipsByReason: r.Skips_By_Reason__c ?? null,
    errorSummary: r.Error_Summary__c ?? null,
    startedAt: r.Started_At__c ?? null,
    finishedAt: r.Finished_At__c ?? null,
    enrichmentId: r.Audience_Enrichment__c ?? null,
  }));
};

export const saveFieldMaps: ApexStandin = async (input, context) => {
  await requireAdmin(context);
  const rows = (z.object({ rows: z.array(z.record(z.string(), z.unknown())).nullish() }).parse(input ?? {}).rows ??
    []) as SObjectRow[];
  const edits = rows.map((row) => {
    if (!row.Id && (!String(row.Object__c ?? '').trim() || !String(row.Field__c ?? '').trim())) {
      throw new ApexStandinError(
        labelled(context.labels, 'Audience_Setup_Row_Without_Id', 'A row has no id: {0}', 'null'),
      );
    }
    const edit = editable(row, MAP_EDITABLE, false);
    if (!row.Id) {
      const field = String(row.Field__c);
      Object.assign(edit, { Name: field.slice(0, 80), Object__c: row.Object__c, Field__c: field, Active__c: true });
    }
    return edit;
  });
  return saveRows(
    context,
    'Audience_Field_Map__c',
    edits,
    edits.map(() => null),
  );
};

/** The filter compiled to a WHERE with the server's compiler, or the user error the Apex gives. */
async function compile(context: StandinContext, object: string, json: unknown): Promise<string> {
  try {
    const fields = await fieldsOf(context, object);
    const catalog: FilterFieldCatalog = {
      fields: fields.filter((f) => !f.name.includes('.')),
      parentFields: () =>
        fields.filter((f) => f.name.startsWith('Account.')).map((f) => ({ ...f, name: f.name.slice(8) })),
    };
    const filter = validateFilterFields(parseFilter(String(json ?? '')), catalog);
    const where = compileFilterToWhere(filter, { fieldType: createFieldTypeLookup(catalog) });
    if (!where) return '';
    const query = selectQuery({ object, fields: ['Id'], where });
    return query.slice(query.indexOf(' WHERE ') + ' WHERE '.length);
  } catch (error) {
    if (error instanceof ApexStandinError) throw error;
    throw new ApexStandinError(
      labelled(context.labels, 'Audience_Setup_Invalid_Filter', 'Invalid filter: {0}', (error as Error).message),
    );
  }
}

export const saveAudienceFilter: ApexStandin = async (input, context) => {
  await requireAdmin(context);
  const params = z.object({ audienceId: z.unknown(), filterJson: z.unknown() }).parse(input ?? {});
  const audienceId = checkedId(params.audienceId, context, 'audienceId');
  const [audience] = await context.org.query(`SELECT Id, Object__c FROM Audience__c WHERE Id = '${audienceId}'`);
  if (!audience) {
    throw new ApexStandinError(labelled(context.labels, 'Audience_Setup_No_Access', 'No access: {0}', audienceId));
  }
  const where = await compile(context, String(audience.Object__c), params.filterJson);
  await context.org.update('Audience__c', audienceId, { Filter__c: String(params.filterJson) });
  return where;
};

export const countMatches: ApexStandin = async (input, context) => {
  const params = z.object({ objectName: z.unknown(), filterJson: z.unknown() }).parse(input ?? {});
  const object = mappedObject(params.objectName, context);
  const where = await compile(context, object, params.filterJson);
  return context.org.count(`SELECT COUNT() FROM ${object}${where ? ` WHERE ${where}` : ''}`);
};

export const publishCommand: ApexStandin = async (input, context) => {
  await requireAdmin(context);
  const params = z.object({ command: z.unknown(), targetId: z.unknown().optional() }).parse(input ?? {});
  const command = String(params.command ?? '');
  if (!COMMANDS.includes(command)) {
    throw new ApexStandinError(
      labelled(context.labels, 'Audience_Error_Unknown_Command', 'Unknown command: {0}', command),
    );
  }
  const blank = params.targetId === null || params.targetId === undefined || String(params.targetId).trim() === '';
  if (blank && NEEDS_TARGET.has(command)) {
    throw new ApexStandinError(
      labelled(context.labels, 'Audience_Error_Target_Required', '{0} needs a target', command),
    );
  }
  const fields: Record<string, unknown> = { Command__c: command };
  if (!blank) fields.Target_Id__c = checkedId(params.targetId, context, command);
  return context.org.publish('Audience_Command__e', fields);
};
