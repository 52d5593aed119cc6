/** sObject Collections: create, update, upsert, delete, retrieve — ≤ 200 records, per-record `statusCode` errors. */
import { RecordErrors, SfError, recordError, type RecordError } from '../errors';
import { normalizeId } from '../org/ids';
import type { Row } from '../org/store';
import type { ObjectSpec } from '../schema/field-builders';
import { bodyObject, type Api, type ApiRequest, type ApiResponse } from './api';
import { prepareWrite } from './record-input';
import { externalIdIndex, liveRowOrError, lockError, objectOr404, renderRecord } from './records';

const MAX = 200;
const ROLLED_BACK = (): RecordError =>
  recordError(
    'ALL_OR_NONE_OPERATION_ROLLED_BACK',
    'Record rolled back because not all records were valid and the request was using AllOrNone header',
  );

interface Result {
  id?: string;
  success: boolean;
  errors: RecordError[];
  created?: boolean;
}

type Planned =
  | { ok: true; id?: string; apply: () => { id: string; created?: boolean } }
  | { ok: false; id?: string; errors: RecordError[] };

const limitError = (): SfError =>
  new SfError(400, 'EXCEEDED_ID_LIMIT', 'record limit reached. cannot submit more than 200 records into this call');

function recordsOf(req: ApiRequest): { allOrNone: boolean; records: Record<string, unknown>[] } {
  const body = bodyObject(req);
  const records = body.records;
  if (!Array.isArray(records))
    throw new SfError(400, 'INVALID_FIELD', 'No records provided. Please provide at least one record.');
  if (records.length > MAX) throw limitError();
  if (records.length === 0)
    throw new SfError(400, 'INVALID_FIELD', 'No records provided. Please provide at least one record.');
  return { allOrNone: body.allOrNone === true, records: records as Record<string, unknown>[] };
}

export function registerCollectionRoutes(api: Api): void {
  const org = api.org;

  /** Validates every record first, then applies the good ones in one transaction (or none with allOrNone). */
  const execute = (req: ApiRequest, allOrNone: boolean, planned: Planned[]): ApiResponse => {
    const anyFailed = planned.some((p) => !p.ok);
    const results: Result[] = [];
    if (anyFailed && allOrNone) {
      for (const p of planned) {
        if (p.ok) results.push({ ...(p.id ? { id: p.id } : {}), success: false, errors: [ROLLED_BACK()] });
        else results.push({ ...(p.id ? { id: p.id } : {}), success: false, errors: p.errors });
      }
      return { status: 200, body: results };
    }
    let failedOnApply = false;
    api.withTx(req, (tx) => {
      const start = tx.savepoint();
      for (const p of planned) {
        if (!p.ok) {
          results.push({ ...(p.id ? { id: p.id } : {}), success: false, errors: p.errors });
          continue;
        }
        // Checks that need the records before it in the same call (unique fields) fail here, per record.
        const sp = tx.savepoint();
        try {
          const r = p.apply();
          results.push(
            r.created === undefined
              ? { id: r.id, success: true, errors: [] }
              : { id: r.id, success: true, errors: [], created: r.created },
          );
        } catch (err) {
          if (!(err instanceof RecordErrors)) throw err;
          tx.rollbackTo(sp);
          failedOnApply = true;
          results.push({ ...(p.id ? { id: p.id } : {}), success: false, errors: err.errors });
        }
      }
      if (failedOnApply && allOrNone) tx.rollbackTo(start);
    });
    if (failedOnApply && allOrNone) {
      return {
        status: 200,
        body: results.map((r, i): Result => {
          if (!r.success) return r;
          const id = planned[i]?.id;
          return { ...(id ? { id } : {}), success: false, errors: [ROLLED_BACK()] };
        }),
      };
    }
    return { status: 200, body: results };
  };

  const typeOf = (rec: Record<string, unknown>): ObjectSpec | RecordError => {
    const t = (rec.attributes as { type?: unknown } | undefined)?.type;
    if (typeof t !== 'string') return recordError('INVALID_TYPE', 'Must send a concrete entity type.', []);
    const obj = org.catalog.getObject(t);
    if (!obj || obj.kind === 'platformEvent' || obj.name === 'Organization') {
      return recordError('INVALID_TYPE', `sObject type '${t}' is not supported.`, []);
    }
    return obj;
  };

  const lockFault = (id: string): RecordError | undefined => (org.faults.lockRow(id) ? lockError([id]) : undefined);

  api.add('POST', '/composite/sobjects', 'collections', (req) => {
    const { allOrNone, records } = recordsOf(req);
    const planned: Planned[] = records.map((rec) => {
      if (!rec || typeof rec !== 'object')
        return { ok: false, errors: [recordError('JSON_PARSER_ERROR', 'record is not an object', [])] };
      const obj = typeOf(rec);
      if ('statusCode' in obj) return { ok: false, errors: [obj] };
      const p = prepareWrite(org, obj, rec, 'create', req.auth.userId);
      if (p.errors.length) return { ok: false, errors: p.errors };
      const lock = lockFault(obj.keyPrefix);
      if (lock) return { ok: false, errors: [lock] };
      return { ok: true, apply: () => ({ id: withTxInsert(obj, p.values) }) };
    });
    let txRef: import('../org/store').Transaction | undefined;
    const withTxInsert = (obj: ObjectSpec, values: Row): string => txRef!.insert(obj, values);
    return runWithTx(req, (tx) => {
      txRef = tx;
      return execute({ ...req, tx }, allOrNone, planned);
    });
  });

  api.add('PATCH', '/composite/sobjects', 'collections', (req) => {
    const { allOrNone, records } = recordsOf(req);
    let txRef: import('../org/store').Transaction | undefined;
    const planned: Planned[] = records.map((rec) => {
      if (!rec || typeof rec !== 'object')
        return { ok: false, errors: [recordError('JSON_PARSER_ERROR', 'record is not an object', [])] };
      const obj = typeOf(rec);
      if ('statusCode' in obj) return { ok: false, errors: [obj] };
      const rawId = Object.entries(rec).find(([k]) => k.toLowerCase() === 'id')?.[1];
      if (rawId === undefined || rawId === null || rawId === '') {
        return { ok: false, errors: [recordError('MISSING_ARGUMENT', 'Id not specified in an update call', [])] };
      }
      const id = normalizeId(rawId);
      if (!id || !id.startsWith(obj.keyPrefix)) {
        return {
          ok: false,
          errors: [
            recordError('MALFORMED_ID', `${obj.label} ID: id value of incorrect type: ${String(rawId)}`, ['Id']),
          ],
        };
      }
      const row = liveRowOrError(org, obj, id);
      if ('statusCode' in row) return { ok: false, id, errors: [row as RecordError] };
      const p = prepareWrite(org, obj, rec, 'update', req.auth.userId, row as Row);
      if (p.errors.length) return { ok: false, id, errors: p.errors };
      const lock = lockFault(id);
      if (lock) return { ok: false, id, errors: [lock] };
      return { ok: true, id, apply: () => (txRef!.update(obj, id, p.values), { id }) };
    });
    return runWithTx(req, (tx) => {
      txRef = tx;
      return execute({ ...req, tx }, allOrNone, planned);
    });
  });

  api.add('DELETE', '/composite/sobjects', 'collections', (req) => {
    const ids = (req.query.ids ?? '').split(',').filter((s) => s !== '');
    if (ids.length === 0) throw new SfError(400, 'MISSING_ARGUMENT', 'ids parameter is required');
    if (ids.length > MAX) throw limitError();
    const allOrNone = req.query.allOrNone === 'true';
    let txRef: import('../org/store').Transaction | undefined;
    const planned: Planned[] = ids.map((raw) => {
      const id = normalizeId(raw);
      const obj = id ? org.catalog.byKeyPrefix(id.slice(0, 3)) : undefined;
      if (!id || !obj) return { ok: false, errors: [recordError('MALFORMED_ID', `malformed id ${raw}`, [])] };
      const row = liveRowOrError(org, obj, id);
      if ('statusCode' in row) return { ok: false, id, errors: [row as RecordError] };
      const lock = lockFault(id);
      if (lock) return { ok: false, id, errors: [lock] };
      return { ok: true, id, apply: () => (txRef!.delete(obj, id), { id }) };
    });
    return runWithTx(req, (tx) => {
      txRef = tx;
      return execute({ ...req, tx }, allOrNone, planned);
    });
  });

  api.add('PATCH', '/composite/sobjects/:type/:field', 'collections', (req, [type, field]) => {
    const obj = objectOr404(org, type!);
    const f = obj.getField(field!);
    if (!f || !(f.externalId || f.name === 'Id')) {
      throw new SfError(404, 'NOT_FOUND', `Provided external ID field does not exist or is not accessible: ${field}`);
    }
    const { allOrNone, records } = recordsOf(req);
    const index = f.name === 'Id' ? undefined : externalIdIndex(org, obj, f.name);
    let txRef: import('../org/store').Transaction | undefined;
    const planned: Planned[] = records.map((rec) => {
      if (!rec || typeof rec !== 'object')
        return { ok: false, errors: [recordError('JSON_PARSER_ERROR', 'record is not an object', [])] };
      const t = typeOf(rec);
      if ('statusCode' in t) return { ok: false, errors: [t] };
      if (t.name !== obj.name)
        return {
          ok: false,
          errors: [recordError('INVALID_TYPE', `Record type ${t.name} does not match ${obj.name}`, [])],
        };
      const entry = Object.entries(rec).find(([k]) => k.toLowerCase() === f.name.toLowerCase());
      const keyValue = entry?.[1];
      if (keyValue === undefined || keyValue === null || keyValue === '') {
        return { ok: false, errors: [recordError('MISSING_ARGUMENT', `${f.name} not specified`, [])] };
      }
      let matches: string[];
      if (f.name === 'Id') {
        const id = normalizeId(keyValue);
        if (!id || !id.startsWith(obj.keyPrefix)) {
          return {
            ok: false,
            errors: [
              recordError('MALFORMED_ID', `${obj.label} ID: id value of incorrect type: ${String(keyValue)}`, ['Id']),
            ],
          };
        }
        matches = org.store.table(obj).get(id)?.IsDeleted === false ? [id] : [];
        if (!matches.length)
          return { ok: false, errors: [recordError('INVALID_CROSS_REFERENCE_KEY', 'invalid cross reference id', [])] };
      } else {
        matches = index!.get(typeof keyValue === 'string' ? keyValue.toLowerCase() : keyValue) ?? [];
      }
      if (matches.length > 1) {
        return {
          ok: false,
          errors: [
            recordError(
              'DUPLICATE_EXTERNAL_ID',
              `${f.label}: more than one record found for external id field: ${matches.join(', ')}`,
              [f.name],
            ),
          ],
        };
      }
      if (matches.length === 1) {
        const id = matches[0]!;
        const row = org.store.table(obj).get(id)!;
        const { [entry![0]]: _k, ...rest } = rec;
        const p = prepareWrite(org, obj, rest, 'update', req.auth.userId, row);
        if (p.errors.length) return { ok: false, id, errors: p.errors };
        const lock = lockFault(id);
        if (lock) return { ok: false, id, errors: [lock] };
        return { ok: true, id, apply: () => (txRef!.update(obj, id, p.values), { id, created: false }) };
      }
      const p = prepareWrite(org, obj, rec, 'create', req.auth.userId);
      if (p.errors.length) return { ok: false, errors: p.errors };
      const lock = lockFault(obj.keyPrefix);
      if (lock) return { ok: false, errors: [lock] };
      return {
        ok: true,
        apply: () => {
          const id = txRef!.insert(obj, p.values);
          index!.set(typeof keyValue === 'string' ? keyValue.toLowerCase() : keyValue, [id]);
          return { id, created: true };
        },
      };
    });
    return runWithTx(req, (tx) => {
      txRef = tx;
      return execute({ ...req, tx }, allOrNone, planned);
    });
  });

  const retrieve = (req: ApiRequest, type: string, ids: unknown, fields: unknown): ApiResponse => {
    const obj = objectOr404(org, type);
    const idList = Array.isArray(ids)
      ? ids.map(String)
      : String(ids ?? '')
          .split(',')
          .filter(Boolean);
    const fieldList = Array.isArray(fields)
      ? fields.map(String)
      : String(fields ?? '')
          .split(',')
          .filter(Boolean);
    if (idList.length === 0 || fieldList.length === 0)
      throw new SfError(400, 'MISSING_ARGUMENT', 'ids and fields are required');
    if (idList.length > 2000) throw limitError();
    const out = idList.map((raw) => {
      const id = normalizeId(raw);
      const row = id ? org.store.table(obj).get(id) : undefined;
      return row && row.IsDeleted !== true
        ? renderRecord(org, obj, row, req.version, req.auth.userId, fieldList)
        : null;
    });
    return { status: 200, body: out };
  };
  api.add('GET', '/composite/sobjects/:type', 'collections', (req, [type]) =>
    retrieve(req, type!, req.query.ids, req.query.fields),
  );
  api.add('POST', '/composite/sobjects/:type', 'collections', (req, [type]) => {
    const b = bodyObject(req);
    return retrieve(req, type!, b.ids, b.fields);
  });

  /** Runs in the Composite transaction when there is one, else in a new transaction. */
  function runWithTx(req: ApiRequest, fn: (tx: import('../org/store').Transaction) => ApiResponse): ApiResponse {
    if (req.tx) return fn(req.tx);
    return api.withTx(req, fn);
  }
}
