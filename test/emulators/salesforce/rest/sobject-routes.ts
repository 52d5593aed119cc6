/** /sobjects: describeGlobal, describe, record CRUD, upsert by external id, getDeleted/getUpdated, event publish. */
import { RecordErrors, SfError, notFound } from '../errors';
import { formatRestDateTime, parseDateTime } from '../org/clock';
import { describeGlobal, describeObject, objectSummary } from '../schema/describe';
import { bodyObject, type Api, type ApiRequest, type ApiResponse } from './api';
import {
  checkUnmodifiedSince,
  createOne,
  findByExternalId,
  idOf,
  liveRow,
  lockError,
  objectOr404,
  renderRecord,
  updateOne,
} from './records';

function recordErrorsResponse(err: unknown): never {
  if (err instanceof RecordErrors) throw err.toSfError();
  throw err;
}

function checkLock(api: Api, req: ApiRequest, id: string): void {
  if (req.tx && api.org.faults.lockRow(id)) {
    const e = lockError([id]);
    throw new SfError(400, e.statusCode, e.message, e.fields);
  }
}

export function registerSObjectRoutes(api: Api): void {
  const org = api.org;

  api.add('GET', '/sobjects', 'describe', (req) => ({ status: 200, body: describeGlobal(org, req.version) }));

  api.add('GET', '/sobjects/:type', 'describe', (req, [type]) => {
    const obj = objectOr404(org, type!);
    const recent = [...org.store.table(obj).values()]
      .filter((r) => r.IsDeleted !== true)
      .slice(-5)
      .map((r) => ({
        attributes: { type: obj.name, url: `/services/data/v${req.version}/sobjects/${obj.name}/${r.Id}` },
        Id: r.Id,
        Name: r.Name ?? null,
      }));
    return { status: 200, body: { objectDescribe: objectSummary(obj, req.version), recentItems: recent } };
  });

  api.add('GET', '/sobjects/:type/describe', 'describe', (req, [type]) => {
    const obj = objectOr404(org, type!);
    return { status: 200, body: describeObject(org, obj, req.version, req.auth.userId) };
  });

  api.add('POST', '/sobjects/:type', 'sobject', (req, [type]) => {
    const obj = objectOr404(org, type!);
    const body = bodyObject(req);
    if (obj.kind === 'platformEvent') {
      try {
        org.publishPlatformEvent(obj.name, stripAttributes(body), req.auth.userId);
      } catch (err) {
        recordErrorsResponse(err);
      }
      const id = org.store.ids.next(obj.keyPrefix);
      return { status: 201, body: { id, success: true, errors: [] } };
    }
    if (obj.name === 'Organization')
      throw new SfError(400, 'INVALID_TYPE', `entity type cannot be inserted: ${obj.label}`);
    return api.withTx(req, (tx) => {
      checkLock(api, req, obj.keyPrefix);
      let id: string;
      try {
        id = createOne(org, tx, obj, body);
      } catch (err) {
        recordErrorsResponse(err);
      }
      return {
        status: 201,
        body: { id, success: true, errors: [] },
        headers: { Location: `/services/data/v${req.version}/sobjects/${obj.name}/${id}` },
      };
    });
  });

  api.add('GET', '/sobjects/:type/deleted', 'sobject', (req, [type]) => {
    const obj = objectOr404(org, type!);
    const { start, end } = range(req);
    const deletedRecords = org.store
      .deletedSince(obj, start, end)
      .map((d) => ({ id: d.id, deletedDate: formatRestDateTime(d.deletedDate) }));
    const earliest = org.clock.now() - 15 * 86_400_000;
    return {
      status: 200,
      body: {
        deletedRecords,
        earliestDateAvailable: formatRestDateTime(Math.floor(earliest / 60000) * 60000),
        latestDateCovered: formatRestDateTime(Math.floor(Math.min(end, org.clock.now()) / 60000) * 60000),
      },
    };
  });

  api.add('GET', '/sobjects/:type/updated', 'sobject', (req, [type]) => {
    const obj = objectOr404(org, type!);
    const { start, end } = range(req);
    const ids: string[] = [];
    for (const r of org.store.table(obj).values()) {
      const m = r.SystemModstamp as number;
      if (r.IsDeleted !== true && m >= start && m <= end) ids.push(r.Id as string);
    }
    return {
      status: 200,
      body: { ids, latestDateCovered: formatRestDateTime(Math.floor(Math.min(end, org.clock.now()) / 60000) * 60000) },
    };
  });

  api.add('GET', '/sobjects/:type/:id', 'sobject', (req, [type, seg]) => {
    const obj = objectOr404(org, type!);
    const id = idOf(obj, seg!);
    const row = liveRow(org, obj, id);
    const ims = req.headers['if-modified-since'];
    if (ims && !Number.isNaN(Date.parse(ims)) && (row.LastModifiedDate as number) <= Date.parse(ims) + 999) {
      return { status: 304 };
    }
    checkUnmodifiedSince(req.headers['if-unmodified-since'], row);
    const only = req.query.fields ? req.query.fields.split(',') : undefined;
    return { status: 200, body: renderRecord(org, obj, row, req.version, req.auth.userId, only) };
  });

  api.add('PATCH', '/sobjects/:type/:id', 'sobject', (req, [type, seg]) => {
    const obj = objectOr404(org, type!);
    const id = idOf(obj, seg!);
    const body = bodyObject(req);
    return api.withTx(req, (tx) => {
      const row = liveRow(org, obj, id);
      checkUnmodifiedSince(req.headers['if-unmodified-since'], row);
      checkLock(api, req, id);
      try {
        updateOne(org, tx, obj, id, row, body);
      } catch (err) {
        recordErrorsResponse(err);
      }
      return { status: 204 };
    });
  });

  api.add('DELETE', '/sobjects/:type/:id', 'sobject', (req, [type, seg]) => {
    const obj = objectOr404(org, type!);
    const id = idOf(obj, seg!);
    return api.withTx(req, (tx) => {
      liveRow(org, obj, id);
      checkLock(api, req, id);
      tx.delete(obj, id);
      return { status: 204 };
    });
  });

  // Upsert and retrieval by external id.
  const externalField = (type: string, fieldName: string) => {
    const obj = objectOr404(org, type);
    const f = obj.getField(fieldName);
    if (!f || !(f.externalId || f.name === 'Id') || !org.fls.get(undefined, obj.name, f.name).readable) {
      throw new SfError(
        404,
        'NOT_FOUND',
        `Provided external ID field does not exist or is not accessible: ${fieldName}`,
      );
    }
    return { obj, f };
  };

  api.add('GET', '/sobjects/:type/:field/:value', 'sobject', (req, [type, field, value]) => {
    const { obj, f } = externalField(type!, field!);
    const ids = f.name === 'Id' ? [idOf(obj, value!)] : findByExternalId(org, obj, f.name, value);
    if (ids.length === 0) throw notFound();
    if (ids.length > 1) {
      return { status: 300, body: ids.map((i) => `/services/data/v${req.version}/sobjects/${obj.name}/${i}`) };
    }
    const row = liveRow(org, obj, ids[0]!);
    return { status: 200, body: renderRecord(org, obj, row, req.version, req.auth.userId) };
  });

  const upsert = (req: ApiRequest, [type, field, value]: string[]): ApiResponse => {
    const { obj, f } = externalField(type!, field!);
    const body = stripAttributes(bodyObject(req));
    const numeric = ['int', 'double', 'currency', 'percent'].includes(f.type);
    const key = f.name === 'Id' ? idOf(obj, value!) : numeric ? Number(value) : value;
    const ids =
      f.name === 'Id'
        ? org.store.table(obj).get(key as string)?.IsDeleted === false
          ? [key as string]
          : []
        : findByExternalId(org, obj, f.name, key);
    if (ids.length > 1) {
      return { status: 300, body: ids.map((i) => `/services/data/v${req.version}/sobjects/${obj.name}/${i}`) };
    }
    const bodyKey = Object.keys(body).find((k) => k.toLowerCase() === f.name.toLowerCase());
    if (bodyKey && f.name !== 'Id') {
      throw new SfError(400, 'INVALID_FIELD', `The ${f.name} field should not be specified in the sobject data.`);
    }
    return api.withTx(req, (tx) => {
      checkLock(api, req, ids[0] ?? obj.keyPrefix);
      if (ids.length === 0) {
        if (req.query.updateOnly === 'true') throw notFound();
        if (f.name === 'Id') throw notFound();
        let id: string;
        try {
          id = createOne(org, tx, obj, { ...body, [f.name]: value });
        } catch (err) {
          recordErrorsResponse(err);
        }
        return {
          status: 201,
          body: { id, success: true, errors: [], created: true },
          headers: { Location: `/services/data/v${req.version}/sobjects/${obj.name}/${id}` },
        };
      }
      const id = ids[0]!;
      try {
        updateOne(org, tx, obj, id, liveRow(org, obj, id), body);
      } catch (err) {
        recordErrorsResponse(err);
      }
      if (parseFloat(req.version) < 46) return { status: 204 };
      return { status: 200, body: { id, success: true, errors: [], created: false } };
    });
  };
  api.add('PATCH', '/sobjects/:type/:field/:value', 'sobject', upsert);
  api.add('POST', '/sobjects/:type/:field/:value', 'sobject', upsert);

  function range(req: ApiRequest): { start: number; end: number } {
    const s = req.query.start ? parseDateTime(req.query.start) : undefined;
    const e = req.query.end ? parseDateTime(req.query.end) : undefined;
    if (s === undefined || e === undefined) {
      throw new SfError(400, 'INVALID_REPLICATION_DATE', 'start and end must be valid dateTime values');
    }
    if (e < s) throw new SfError(400, 'INVALID_REPLICATION_DATE', 'start date must be before end date');
    return { start: s, end: e };
  }
}

export function stripAttributes(body: Record<string, unknown>): Record<string, unknown> {
  const { attributes: _a, ...rest } = body;
  return rest;
}
