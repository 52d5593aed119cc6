/** Shared record helpers: id resolution, record rendering, single-record writes. */
import { RecordErrors, SfError, notFound, recordError, type RecordError } from '../errors';
import { formatRestDateTime } from '../org/clock';
import { normalizeId } from '../org/ids';
import type { Org } from '../org/org';
import type { Row, Transaction } from '../org/store';
import type { ObjectSpec } from '../schema/field-builders';
import { addressValue, blobUrl, restValue } from '../soql/query-engine';
import { prepareWrite } from './record-input';

export function objectOr404(org: Org, type: string): ObjectSpec {
  const obj = org.catalog.getObject(type);
  if (!obj) throw notFound();
  return obj;
}

/** A path segment that must be an id of `obj`. */
export function idOf(obj: ObjectSpec, seg: string): string {
  const id = normalizeId(seg);
  if (id && id.startsWith(obj.keyPrefix)) return id;
  if (id) throw new SfError(400, 'MALFORMED_ID', `${obj.label} ID: id value of incorrect type: ${seg}`, ['Id']);
  throw new SfError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${seg}`);
}

/** The live row, or 404 NOT_FOUND / ENTITY_IS_DELETED. */
export function liveRow(org: Org, obj: ObjectSpec, id: string): Row {
  const row = org.store.table(obj).get(id);
  if (!row) throw notFound();
  if (row.IsDeleted === true) throw new SfError(404, 'ENTITY_IS_DELETED', 'entity is deleted');
  return row;
}

/** Per-record variant of `liveRow` for collections: returns an error instead of throwing. */
export function liveRowOrError(org: Org, obj: ObjectSpec, id: string): Row | RecordError {
  const row = org.store.table(obj).get(id);
  if (!row) return recordError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', []);
  if (row.IsDeleted === true) return recordError('ENTITY_IS_DELETED', 'entity is deleted', []);
  return row;
}

export function renderRecord(
  org: Org,
  obj: ObjectSpec,
  row: Row,
  version: string,
  userId: string | undefined,
  only?: string[],
): Record<string, unknown> {
  const out: Record<string, unknown> = {
    attributes: { type: obj.name, url: `/services/data/v${version}/sobjects/${obj.name}/${row.Id}` },
  };
  const fields = only
    ? only.map((n) => {
        const f = obj.getField(n.trim());
        if (!f || !org.fls.get(userId, obj.name, f.name).readable) {
          throw new SfError(
            400,
            'INVALID_FIELD',
            `No such column '${n.trim()}' on entity '${obj.name}'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name. Please reference your WSDL or the describe call for the appropriate names.`,
          );
        }
        return f;
      })
    : obj.fields.filter((f) => org.fls.get(userId, obj.name, f.name).readable);
  for (const f of fields) {
    if (f.type === 'base64') out[f.name] = blobUrl(obj.name, row, f.name, version);
    else out[f.name] = restValue(f, f.type === 'address' ? addressValue(row, f.name) : row[f.name]);
  }
  return out;
}

export function lockError(ids: string[]): RecordError {
  return recordError(
    'UNABLE_TO_LOCK_ROW',
    `unable to obtain exclusive access to this record or ${ids.length} records: ${ids.join(',')}`,
    [],
  );
}

/** Validates and inserts one record; throws RecordErrors. */
export function createOne(org: Org, tx: Transaction, obj: ObjectSpec, body: Record<string, unknown>): string {
  const p = prepareWrite(org, obj, body, 'create', tx.userId);
  if (p.errors.length) throw new RecordErrors(p.errors);
  return tx.insert(obj, p.values);
}

/** Validates and updates one live record; throws RecordErrors. */
export function updateOne(
  org: Org,
  tx: Transaction,
  obj: ObjectSpec,
  id: string,
  row: Row,
  body: Record<string, unknown>,
): void {
  const p = prepareWrite(org, obj, body, 'update', tx.userId, row);
  if (p.errors.length) throw new RecordErrors(p.errors);
  tx.update(obj, id, p.values);
}

export function checkUnmodifiedSince(header: string | undefined, row: Row): void {
  if (!header) return;
  const ms = Date.parse(header);
  if (Number.isNaN(ms)) throw new SfError(400, 'INVALID_HEADER_TYPE', `If-Unmodified-Since: invalid date ${header}`);
  const modified = Math.floor((row.LastModifiedDate as number) / 1000) * 1000;
  if (modified > ms) {
    throw new SfError(
      412,
      'PRECONDITION_FAILED',
      `The requested resource has been modified since ${formatRestDateTime(ms)}`,
    );
  }
}

/** Finds live rows whose external-id field equals `value` (text compared case-insensitively). */
export function findByExternalId(org: Org, obj: ObjectSpec, field: string, value: unknown): string[] {
  const out: string[] = [];
  const want = typeof value === 'string' ? value.toLowerCase() : value;
  for (const row of org.store.table(obj).values()) {
    if (row.IsDeleted === true) continue;
    const v = row[field];
    if ((typeof v === 'string' ? v.toLowerCase() : v) === want) out.push(row.Id as string);
  }
  return out;
}

/** Index of live rows by external-id value, for batch upserts. */
export function externalIdIndex(org: Org, obj: ObjectSpec, field: string): Map<unknown, string[]> {
  const idx = new Map<unknown, string[]>();
  for (const row of org.store.table(obj).values()) {
    if (row.IsDeleted === true) continue;
    const v = row[field];
    if (v === undefined || v === null) continue;
    const k = typeof v === 'string' ? v.toLowerCase() : v;
    const list = idx.get(k);
    if (list) list.push(row.Id as string);
    else idx.set(k, [row.Id as string]);
  }
  return idx;
}
