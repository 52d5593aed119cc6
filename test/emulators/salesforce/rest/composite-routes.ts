/** Composite: ≤ 25 subrequests (≤ 5 collections or queries), `@{ref.path}` references, allOrNone, one transaction. */
import { SfError } from '../errors';
import { bodyObject, changeOrigin, type Api, type ApiRequest, type ApiResponse } from './api';

interface SubRequest {
  method?: unknown;
  url?: unknown;
  referenceId?: unknown;
  body?: unknown;
  httpHeaders?: unknown;
}

interface SubResult {
  body: unknown;
  httpHeaders: Record<string, string>;
  httpStatusCode: number;
  referenceId: string;
}

const HALTED = [
  {
    errorCode: 'PROCESSING_HALTED',
    message: 'The transaction was rolled back since another operation in the same transaction failed.',
  },
];

/** Reads `records[0].Id` style paths from a subrequest's response body. */
function readPath(body: unknown, path: string): unknown {
  let cur: unknown = body;
  const re = /([^.[\]]+)|\[(\d+)\]/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(path))) {
    if (cur === null || cur === undefined) return undefined;
    if (m[2] !== undefined) cur = (cur as unknown[])[Number(m[2])];
    else cur = (cur as Record<string, unknown>)[m[1]!];
  }
  return cur;
}

export function registerCompositeRoutes(api: Api): void {
  const org = api.org;

  api.add('POST', '/composite', 'composite', (req) => {
    const body = bodyObject(req);
    const subs = body.compositeRequest;
    if (!Array.isArray(subs) || subs.length === 0) {
      throw new SfError(400, 'INVALID_FIELD', "Required field 'compositeRequest' is missing or empty.");
    }
    if (subs.length > 25) {
      throw new SfError(400, 'LIMIT_EXCEEDED', 'Composite API: the number of subrequests exceeds the limit of 25');
    }
    const allOrNone = body.allOrNone === true;
    const seen = new Set<string>();
    let heavy = 0;
    const parsed = (subs as SubRequest[]).map((s, i) => {
      if (!s || typeof s !== 'object')
        throw new SfError(400, 'JSON_PARSER_ERROR', `compositeRequest[${i}] is not an object`);
      const ref = s.referenceId;
      if (typeof ref !== 'string' || !/^[A-Za-z0-9_]+$/.test(ref)) {
        throw new SfError(
          400,
          'INVALID_FIELD',
          `Invalid referenceId: ${String(ref)}. It must contain only letters, numbers and underscores.`,
        );
      }
      if (seen.has(ref))
        throw new SfError(400, 'DUPLICATE_VALUE', `Duplicate referenceId provided in the request: ${ref}`);
      seen.add(ref);
      if (typeof s.method !== 'string' || typeof s.url !== 'string') {
        throw new SfError(400, 'INVALID_FIELD', `Required field 'method' or 'url' is missing in subrequest ${ref}`);
      }
      if (/\/(composite\/sobjects|query|queryAll)(\/|\?|$)/.test(s.url)) heavy++;
      const headers = (s.httpHeaders ?? {}) as Record<string, string>;
      for (const h of Object.keys(headers)) {
        if (['accept', 'authorization', 'content-type'].includes(h.toLowerCase())) {
          throw new SfError(400, 'INVALID_FIELD', `The ${h} header is not allowed in a composite subrequest`);
        }
      }
      return { ref, method: s.method.toUpperCase(), url: s.url, body: s.body, headers };
    });
    if (heavy > 5) {
      throw new SfError(
        400,
        'LIMIT_EXCEEDED',
        'Composite API: the number of sObject Collections and query subrequests exceeds the limit of 5',
      );
    }

    const tx = org.store.begin(req.auth.userId, changeOrigin(req));
    const results: SubResult[] = [];
    const bodies = new Map<string, unknown>();
    let failed = false;
    const failedRefs = new Set<string>();
    for (const s of parsed) {
      if (failed && allOrNone) {
        results.push({ body: HALTED, httpHeaders: {}, httpStatusCode: 400, referenceId: s.ref });
        continue;
      }
      const resolve = (text: string, inUrl: boolean): string =>
        text.replace(/@\{([A-Za-z0-9_]+)\.([^}]+)\}/g, (whole, ref: string, path: string) => {
          if (!bodies.has(ref)) throw unresolved(ref, path);
          const v = readPath(bodies.get(ref), path);
          if (v === undefined) throw unresolved(ref, path);
          const str = typeof v === 'string' ? v : JSON.stringify(v);
          return inUrl ? encodeURIComponent(str).replace(/%2C/g, ',') : JSON.stringify(str).slice(1, -1);
        });
      let res: ApiResponse;
      try {
        const url = resolve(s.url, true);
        const sub = subrequest(
          req,
          s.method,
          url,
          s.body === undefined ? undefined : JSON.parse(resolve(JSON.stringify(s.body), false)),
          s.headers,
        );
        const sp = tx.savepoint();
        res = api.dispatch({ ...sub, tx });
        const bad =
          res.status >= 400 ||
          (allOrNone &&
            Array.isArray(res.body) &&
            res.body.some((r) => (r as { success?: boolean }).success === false));
        if (bad) {
          tx.rollbackTo(sp);
          failed = true;
          failedRefs.add(s.ref);
        }
      } catch (err) {
        if (!(err instanceof SfError)) throw err;
        res = { status: err.status, body: err.toBody() };
        failed = true;
        failedRefs.add(s.ref);
      }
      bodies.set(s.ref, res.body);
      results.push({
        body: res.body ?? null,
        httpHeaders: res.headers ?? {},
        httpStatusCode: res.status,
        referenceId: s.ref,
      });
    }
    if (failed && allOrNone) {
      tx.rollback();
      for (const r of results) {
        if (!failedRefs.has(r.referenceId) && r.httpStatusCode < 400) {
          r.body = HALTED;
          r.httpStatusCode = 400;
          r.httpHeaders = {};
        }
      }
    } else tx.commit();
    return { status: 200, body: { compositeResponse: results } };
  });

  api.add('POST', '/composite/batch', 'composite', (req) => {
    const body = bodyObject(req);
    const subs = body.batchRequests;
    if (!Array.isArray(subs) || subs.length === 0)
      throw new SfError(400, 'INVALID_FIELD', "Required field 'batchRequests' is missing or empty.");
    if (subs.length > 25)
      throw new SfError(400, 'LIMIT_EXCEEDED', 'Batch API: the number of subrequests exceeds the limit of 25');
    const halt = body.haltOnError === true;
    let halted = false;
    let hasErrors = false;
    const results = (subs as { method?: string; url?: string; richInput?: unknown }[]).map((s) => {
      if (halted)
        return {
          statusCode: 412,
          result: [{ errorCode: 'BATCH_PROCESSING_HALTED', message: 'Batch processing halted per request' }],
        };
      const url = `/services/data/${String(s.url ?? '').replace(/^\/?(services\/data\/)?/, '')}`;
      let res: ApiResponse;
      try {
        res = api.dispatch(subrequest(req, String(s.method ?? 'GET').toUpperCase(), url, s.richInput, {}));
      } catch (err) {
        if (!(err instanceof SfError)) throw err;
        res = { status: err.status, body: err.toBody() };
      }
      if (res.status >= 400) {
        hasErrors = true;
        if (halt) halted = true;
      }
      return { statusCode: res.status, result: res.body ?? null };
    });
    return { status: 200, body: { hasErrors, results } };
  });
}

function unresolved(ref: string, path: string): SfError {
  return new SfError(
    400,
    'INVALID_FIELD',
    `Invalid reference specified. No value for ${ref}.${path} found in ${ref}. Provided referenceId ('${ref}') must be a reference to a previous request in the composite request.`,
  );
}

/** Parses a subrequest URL (`/services/data/vXX.X/...`) into an ApiRequest. */
function subrequest(
  parent: ApiRequest,
  method: string,
  url: string,
  body: unknown,
  headers: Record<string, string>,
): ApiRequest {
  const m = /^\/services\/data\/v(\d+\.\d)(\/[^?]*)(?:\?(.*))?$/.exec(url);
  if (!m) throw new SfError(400, 'INVALID_FIELD', `The url must start with /services/data/vXX.X/: ${url}`);
  const query: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(m[3] ?? '')) query[k] = v;
  const lower: Record<string, string> = { ...parent.headers } as Record<string, string>;
  for (const [k, v] of Object.entries(headers)) lower[k.toLowerCase()] = v;
  return { method, path: m[2]!, version: m[1]!, query, headers: lower, body, auth: parent.auth };
}
