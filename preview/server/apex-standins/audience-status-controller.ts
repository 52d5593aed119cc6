/**
 * Stand-in for the Apex class AudienceStatusController (force-app/main/default/classes): the same queries and the
 * same update, made over the org's REST API as the signed-in user. It is not platform behaviour: it exists so the
 * preview page can call `@salesforce/apex/AudienceStatusController.*` against the emulator, which runs no Apex.
 */
import { z } from 'zod';
import { OrgRestError, type QueryRow } from '../org-rest';
import { ApexStandinError, labelled } from './apex-error';
import { asText, readProvenance, UNDOABLE_RULES, type ProvenanceEntry } from './provenance-entries';
import { checkedId, lookupFieldFor } from './record-id';
import type { ApexStandin, StandinContext } from './standin-context';

const PROVENANCE_FIELD = 'Audience_Provenance__c';
const MEMBER_FIELDS = 'Id, Audience__c, Audience__r.Name, Entered_At__c, Exited_At__c';
const SIGNAL_FIELDS = 'Id, Type__c, Summary__c, Confidence__c, Fired_At__c, Status__c, Evidence__c';

const recordParams = z.object({ recordId: z.unknown() });
const undoParams = z.object({ recordId: z.unknown(), fieldApiName: z.unknown() });
const dismissParams = z.object({ signalId: z.unknown() });

async function supportedObject(recordId: string, context: StandinContext): Promise<string> {
  const object = await context.org.objectOf(recordId);
  if (!object || !lookupFieldFor(object)) {
    throw new ApexStandinError(
      labelled(context.labels, 'Audience_Error_Unsupported_Record', `Unsupported record: ${recordId}`, recordId),
    );
  }
  return object;
}

const text = (row: QueryRow, field: string): string | null => asText(row[field]);

function membership(row: QueryRow) {
  const audience = row.Audience__r as { Name?: unknown } | null | undefined;
  return {
    memberId: text(row, 'Id'),
    audienceId: text(row, 'Audience__c'),
    audienceName: asText(audience?.Name),
    enteredAt: text(row, 'Entered_At__c'),
    exitedAt: text(row, 'Exited_At__c'),
  };
}

function signal(row: QueryRow) {
  return {
    signalId: text(row, 'Id'),
    type: text(row, 'Type__c'),
    summary: text(row, 'Summary__c'),
    // Confidence__c is a Percent field (0–100); the view carries a fraction, like the provenance's.
    confidence: typeof row.Confidence__c === 'number' ? row.Confidence__c / 100 : null,
    firedAt: text(row, 'Fired_At__c'),
    status: text(row, 'Status__c'),
    evidence: text(row, 'Evidence__c'),
  };
}

/** Equal as the Apex's sameValue: both blank, the same number, the same instant, or the same text. */
function sameValue(current: unknown, written: unknown): boolean {
  const a = asText(current);
  const b = asText(written);
  if (a === null || a.trim() === '' || b === null || b.trim() === '') {
    return (a ?? '').trim() === '' && (b ?? '').trim() === '';
  }
  if (typeof current === 'number') return !Number.isNaN(Number(b)) && Number(b) === current;
  if (typeof current === 'boolean') return a.toLowerCase() === b.toLowerCase();
  if (/^\d{4}-\d\d-\d\dT/.test(a) && /^\d{4}-\d\d-\d\dT/.test(b)) return Date.parse(a) === Date.parse(b);
  return a === b;
}

/** The record's provenance entries with the current value of each field we wrote (fields the user can read). */
async function provenanceWithValues(recordId: string, object: string, context: StandinContext) {
  const describe = await context.org.describe(object);
  const known = new Map(describe.fields.map((f) => [f.name, f]));
  const [base] = await context.org.query(`SELECT Id, ${PROVENANCE_FIELD} FROM ${object} WHERE Id = '${recordId}'`);
  if (!base) {
    throw new ApexStandinError(
      labelled(context.labels, 'Audience_Error_No_Record_Access', `No access to record ${recordId}`, recordId),
    );
  }
  const entries = readProvenance(base[PROVENANCE_FIELD]);
  const readable = Object.keys(entries).filter((f) => known.has(f));
  const current =
    readable.length > 0
      ? ((await context.org.query(`SELECT Id, ${readable.join(', ')} FROM ${object} WHERE Id = '${recordId}'`))[0] ??
        {})
      : {};
  return { entries, raw: base[PROVENANCE_FIELD], readable, current, known };
}

function fieldView(field: string, label: string, entry: ProvenanceEntry, currentValue: unknown, editable: boolean) {
  const undone = Boolean(entry.undoneBy);
  const changedSince = !undone && !sameValue(currentValue, entry.value);
  return {
    fieldApiName: field,
    fieldLabel: label,
    currentValue: asText(currentValue),
    writtenValue: asText(entry.value),
    previousValue: asText(entry.previous),
    provider: entry.provider ?? null,
    confidence: entry.confidence ?? null,
    rule: entry.rule ?? null,
    fetchedAt: entry.fetchedAt ?? null,
    writtenAt: entry.writtenAt ?? null,
    cost: entry.cost ?? null,
    changedSince,
    undoable: UNDOABLE_RULES.has(entry.rule ?? '') && !changedSince && !undone && editable,
    undoneBy: entry.undoneBy ?? null,
    undoneAt: entry.undoneAt ?? null,
  };
}

export const getStatus: ApexStandin = async (params, context) => {
  const recordId = checkedId(recordParams.parse(params ?? {}).recordId, context, 'recordId');
  const object = await supportedObject(recordId, context);
  const lookup = lookupFieldFor(object) as string;
  const { entries, readable, current, known } = await provenanceWithValues(recordId, object, context);
  const [active, exits, signals] = await Promise.all([
    context.org.query(
      `SELECT ${MEMBER_FIELDS} FROM Audience_Member__c WHERE ${lookup} = '${recordId}' AND Is_Active__c = true ` +
        `ORDER BY Entered_At__c DESC`,
    ),
    context.org.query(
      `SELECT ${MEMBER_FIELDS} FROM Audience_Member__c WHERE ${lookup} = '${recordId}' AND Is_Active__c = false ` +
        `ORDER BY Exited_At__c DESC LIMIT 5`,
    ),
    context.org.query(
      `SELECT ${SIGNAL_FIELDS} FROM Audience_Signal__c WHERE ${lookup} = '${recordId}' ORDER BY Fired_At__c DESC LIMIT 10`,
    ),
  ]);
  const fields = readable
    .map((f) => {
      // Undo writes the field and the provenance as the rep: offered only when the rep may edit both.
      const editable = known.get(f)?.updateable !== false && known.get(PROVENANCE_FIELD)?.updateable !== false;
      return fieldView(f, known.get(f)?.label ?? f, entries[f] as ProvenanceEntry, current[f], editable);
    })
    .sort((a, b) => a.fieldLabel.localeCompare(b.fieldLabel));
  return {
    recordId,
    objectApiName: object,
    memberships: active.map(membership),
    exits: exits.map(membership),
    signals: signals.map(signal),
    fields,
  };
};

export const undoField: ApexStandin = async (params, context) => {
  const input = undoParams.parse(params ?? {});
  const recordId = checkedId(input.recordId, context, 'recordId');
  const fieldApiName = typeof input.fieldApiName === 'string' ? input.fieldApiName.trim() : '';
  const object = await supportedObject(recordId, context);
  const refuse = (label: string, fallback: string, ...details: string[]) =>
    new ApexStandinError(labelled(context.labels, label, fallback, ...details));
  const { entries, raw, readable, current, known } = await provenanceWithValues(recordId, object, context);
  const fieldLabel = known.get(fieldApiName)?.label ?? fieldApiName;
  const entry = entries[fieldApiName];
  if (!entry || !readable.includes(fieldApiName)) {
    throw refuse('Audience_Status_Error_Undo_Not_Ours', '{0} was not written by Audiences.', fieldLabel);
  }
  if (entry.rule === 'Always') {
    throw refuse('Audience_Status_Error_Undo_Always', '{0} is rewritten at every evaluation.', fieldLabel);
  }
  if (!UNDOABLE_RULES.has(entry.rule ?? '')) {
    throw refuse('Audience_Status_Error_Undo_Rule', '{0}: rule {1} cannot be undone.', fieldLabel, entry.rule ?? '');
  }
  if (entry.undoneBy) {
    throw refuse('Audience_Status_Error_Undo_Already', '{0} was already undone.', fieldLabel);
  }
  if (!sameValue(current[fieldApiName], entry.value)) {
    throw refuse('Audience_Status_Error_Undo_Changed', '{0} was changed by a person since.', fieldLabel);
  }
  const restoredValue = entry.previous === undefined || entry.previous === '' ? null : entry.previous;
  const all = JSON.parse(String(raw)) as Record<string, unknown>;
  all[fieldApiName] = { ...entry, undoneBy: context.userId, undoneAt: new Date().toISOString() };
  // One update, as the user: the restored value and the provenance that says who undid it.
  try {
    await context.org.update(object, recordId, {
      [fieldApiName]: restoredValue,
      [PROVENANCE_FIELD]: JSON.stringify(all),
    });
  } catch (error) {
    if (!(error instanceof OrgRestError)) throw error;
    throw refuse('Audience_Status_Error_Undo_Failed', '{0} could not be undone: {1}', fieldLabel, error.message);
  }
  return { fieldApiName, restoredValue: asText(restoredValue) };
};

export const dismissSignal: ApexStandin = async (params, context) => {
  const signalId = checkedId(dismissParams.parse(params ?? {}).signalId, context, 'signalId');
  const [visible] = await context.org.query(`SELECT Id, Status__c FROM Audience_Signal__c WHERE Id = '${signalId}'`);
  if (!visible) {
    throw new ApexStandinError(labelled(context.labels, 'Audience_Status_Error_Signal_Missing', 'No such signal.'));
  }
  if (visible.Status__c === 'Dismissed') return null;
  // The Apex dismisses as the system (a rep may not edit signals otherwise); the stand-in can only act as the user.
  await context.org.update('Audience_Signal__c', signalId, { Status__c: 'Dismissed' });
  return null;
};
