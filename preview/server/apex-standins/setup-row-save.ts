/**
 * `AudienceSetupRowSave.save` for the stand-ins: rows with a problem are not sent and keep their reason; the others
 * are created or updated one by one as the signed-in user, a refused one reporting the org's message. One
 * `{index, id, success, message}` per row, in order.
 */
import { OrgRestError, SALESFORCE_ID } from '../org-rest';
import type { StandinContext } from './standin-context';

export type RowResult = { index: number; id: string | null; success: boolean; message: string | null };
export type SObjectRow = Record<string, unknown> & { Id?: string };

export async function saveRows(
  context: StandinContext,
  object: string,
  rows: SObjectRow[],
  problems: (string | null)[],
): Promise<RowResult[]> {
  const results: RowResult[] = [];
  for (const [index, row] of rows.entries()) {
    const problem = problems[index] ?? null;
    const { Id: id, ...fields } = row;
    if (problem) {
      results.push({ index, id: id ?? null, success: false, message: problem });
      continue;
    }
    try {
      if (id) {
        if (!SALESFORCE_ID.test(id)) throw new OrgRestError(400, 'MALFORMED_ID', `Invalid id: ${id}`);
        await context.org.update(object, id, fields);
        results.push({ index, id, success: true, message: null });
      } else {
        results.push({ index, id: await context.org.create(object, fields), success: true, message: null });
      }
    } catch (error) {
      if (!(error instanceof OrgRestError)) throw error;
      results.push({ index, id: id ?? null, success: false, message: error.message });
    }
  }
  return results;
}

/** Only the fields a section edits, as the Apex copies them (the server owns the status fields). */
export function editable(row: SObjectRow, fields: readonly string[], trim = true): SObjectRow {
  const out: SObjectRow = row.Id ? { Id: row.Id } : {};
  for (const field of fields) {
    if (!(field in row)) continue;
    const value = row[field];
    out[field] = trim && typeof value === 'string' ? value.trim() : value;
  }
  return out;
}

/** The stored records of the rows that have an id, by id (what the Apex reads WITH USER_MODE). */
export async function storedById(
  context: StandinContext,
  object: string,
  fields: readonly string[],
  rows: SObjectRow[],
): Promise<Map<string, SObjectRow>> {
  const ids = rows.map((r) => r.Id).filter((id): id is string => typeof id === 'string' && SALESFORCE_ID.test(id));
  if (ids.length === 0) return new Map();
  const found = await context.org.query(
    `SELECT Id, ${fields.join(', ')} FROM ${object} WHERE Id IN (${ids.map((id) => `'${id}'`).join(', ')})`,
  );
  return new Map(found.map((r) => [String(r.Id).slice(0, 15), r as SObjectRow]));
}

export function storedOf(stored: Map<string, SObjectRow>, id: string | undefined): SObjectRow | undefined {
  return id ? stored.get(id.slice(0, 15)) : undefined;
}
