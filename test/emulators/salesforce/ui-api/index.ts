/**
 * User Interface API (`/services/data/vXX.X/ui-api/…`), the part `lightning/uiRecordApi` and
 * `lightning/uiObjectInfoApi` read: records with `fields`/`optionalFields`, object info and record-ui.
 */
import { z } from 'zod';
import { SfError, notFound } from '../errors';
import { normalizeId } from '../org/ids';
import type { Org } from '../org/org';
import type { Row } from '../org/store';
import type { ObjectSpec } from '../schema/field-builders';
import { bodyObject, type Api } from '../rest/api';
import { updateOne } from '../rest/records';
import { invalidField, qualifiedNames } from './field-paths';
import { objectInfo } from './object-info';
import { pathResolves, recordRepresentation, type RecordRepresentation } from './record-representation';
import { recordUi } from './record-ui';

const recordQuery = z.object({
  fields: z.string().optional(),
  optionalFields: z.string().optional(),
  layoutTypes: z.string().optional(),
  modes: z.string().optional(),
});

const recordUiQuery = z.object({
  layoutTypes: z.enum(['Full', 'Compact', 'full', 'compact']).optional(),
  modes: z.enum(['View', 'Edit', 'Create', 'view', 'edit', 'create']).optional(),
});

const recordPatch = z.object({ fields: z.record(z.string(), z.unknown()) });

export function registerUiApiRoutes(api: Api): void {
  const { org } = api;

  api.add('GET', '/ui-api/records/:id', 'ui-api', (req, [id]) => {
    const query = parse(recordQuery, req.query);
    const { obj, row } = liveRecord(org, id!);
    if (query.fields === undefined && query.optionalFields === undefined && query.layoutTypes === undefined) {
      throw new SfError(400, 'INVALID_ARGUMENT', 'You must specify either fields or layoutTypes.');
    }
    if (query.layoutTypes !== undefined) {
      const ui = recordUi(org, [{ obj, row }], req.auth.userId, 'View') as { records: Record<string, unknown> };
      return { status: 200, body: ui.records[String(row.Id)] };
    }
    return { status: 200, body: recordWithFields(org, req.auth.userId, obj, row, query.fields, query.optionalFields) };
  });

  // updateRecord: `{ fields: { Title: … } }` → the record with the fields sent.
  api.add('PATCH', '/ui-api/records/:id', 'ui-api', (req, [id]) => {
    const body = parse(recordPatch, bodyObject(req));
    const { obj, row } = liveRecord(org, id!);
    api.withTx(req, (tx) => updateOne(org, tx, obj, String(row.Id), row, body.fields));
    const fresh = org.store.table(obj).get(String(row.Id))!;
    const names = Object.keys(body.fields)
      .map((f) => `${obj.name}.${f}`)
      .join(',');
    return { status: 200, body: recordWithFields(org, req.auth.userId, obj, fresh, names, undefined) };
  });

  api.add('GET', '/ui-api/object-info/:object', 'ui-api', (req, [name]) => {
    const obj = org.catalog.getObject(name!);
    if (!obj) throw notFound();
    return { status: 200, body: objectInfo(org, obj, req.auth.userId) };
  });

  api.add('GET', '/ui-api/record-ui/:ids', 'ui-api', (req, [ids]) => {
    const query = parse(recordUiQuery, req.query);
    const mode = capitalised(query.modes ?? 'View');
    const records = ids!.split(',').map((id) => liveRecord(org, id.trim()));
    return { status: 200, body: recordUi(org, records, req.auth.userId, mode) };
  });
}

/**
 * `fields` must all resolve (else 400 INVALID_FIELD, as an unknown or unreadable field); `optionalFields` that
 * do not — unknown, hidden by field-level security, or of another object — are silently left out.
 */
function recordWithFields(
  org: Org,
  userId: string,
  obj: ObjectSpec,
  row: Row,
  fields: string | undefined,
  optionalFields: string | undefined,
): RecordRepresentation {
  const required = qualifiedNames(fields, obj.name);
  const firstForeign = required.foreign[0];
  if (firstForeign !== undefined) throw invalidField(firstForeign, obj);
  const paths: string[][] = [];
  for (const name of required.names) {
    const names = name.split('.');
    if (!pathResolves(org, obj, names, userId)) throw invalidField(name, obj);
    paths.push(names);
  }
  for (const name of qualifiedNames(optionalFields, obj.name).names) {
    const names = name.split('.');
    if (pathResolves(org, obj, names, userId)) paths.push(names);
  }
  return recordRepresentation(org, obj, row, paths, userId);
}

function liveRecord(org: Org, seg: string): { obj: ObjectSpec; row: Row } {
  const id = normalizeId(seg);
  const found = id ? org.store.find(id) : undefined;
  if (!found) throw notFound();
  if (found.row.IsDeleted === true) throw new SfError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
  return found;
}

function parse<T>(schema: z.ZodType<T>, input: unknown): T {
  const result = schema.safeParse(input);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    throw new SfError(400, 'INVALID_ARGUMENT', `${issue.path.join('.') || 'request'}: ${issue.message}`);
  }
  return result.data;
}

function capitalised(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1).toLowerCase();
}
