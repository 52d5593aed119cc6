/**
 * The versioned REST API (`/services/data/vXX.X/...`) as an internal dispatcher: express adapts HTTP to it and
 * Composite calls it directly for its subrequests (sharing one transaction).
 */
import type { AccessTokenInfo } from '../org-contract';
import { SfError, notFound } from '../errors';
import type { Org } from '../org/org';
import type { Transaction } from '../org/store';
import { QueryEngine } from '../soql/query-engine';

export interface ApiRequest {
  method: string;
  /** Path after `/services/data/vXX.X`, starting with `/`. */
  path: string;
  version: string;
  query: Record<string, string>;
  /** Lower-case header names. */
  headers: Record<string, string | undefined>;
  body: unknown;
  auth: AccessTokenInfo;
  /** The enclosing Composite transaction, when called as a subrequest. */
  tx?: Transaction;
  /** Raw request text when it is not JSON (`text/csv` Bulk API 2.0 uploads). */
  text?: string;
}

export interface ApiResponse {
  status: number;
  /** JSON-serialised, unless `contentType` is set (then a string sent as is: Bulk API 2.0 CSV). */
  body?: unknown;
  headers?: Record<string, string>;
  contentType?: string;
}

export type Handler = (req: ApiRequest, params: string[]) => ApiResponse;

interface Route {
  method: string;
  re: RegExp;
  /** Counter/fault route name: sobject, query, collections, composite, describe, limits, … */
  route: string;
  handler: Handler;
}

export const MIN_VERSION = 31;
/** Winter '27, the current release at the end of 2026. */
export const MAX_VERSION = 68;

export class Api {
  readonly routes: Route[] = [];
  readonly query: QueryEngine;

  constructor(readonly org: Org) {
    this.query = new QueryEngine(org);
  }

  add(method: string, pattern: string, route: string, handler: Handler): void {
    const re = new RegExp('^' + pattern.replace(/\//g, '\\/').replace(/:([a-zA-Z]+)/g, '([^/]+)') + '\\/?$');
    this.routes.push({ method, re, route, handler });
  }

  match(method: string, path: string): { route: Route; params: string[] } | { allowed: string[] } | undefined {
    const allowed: string[] = [];
    for (const r of this.routes) {
      const m = r.re.exec(path);
      if (!m) continue;
      if (r.method === method || (method === 'HEAD' && r.method === 'GET')) {
        return { route: r, params: m.slice(1).map(safeDecode) };
      }
      allowed.push(r.method);
    }
    return allowed.length ? { allowed } : undefined;
  }

  /** Route name for counters and faults ('unknown' when nothing matches). */
  routeName(method: string, path: string): string {
    const m = this.match(method, path);
    return m && 'route' in m ? m.route.route : 'unknown';
  }

  dispatch(req: ApiRequest): ApiResponse {
    try {
      const m = this.match(req.method, req.path);
      if (!m) throw notFound();
      if ('allowed' in m) {
        throw new SfError(
          405,
          'METHOD_NOT_ALLOWED',
          `HTTP Method '${req.method}' not allowed. Allowed are ${[...new Set(m.allowed)].join(',')}`,
        );
      }
      return m.route.handler(req, m.params);
    } catch (err) {
      return errorResponse(err);
    }
  }

  /** Runs `fn` in the request's transaction (Composite) or a new one committed on success. */
  withTx<T>(req: ApiRequest, fn: (tx: Transaction) => T): T {
    if (req.tx) return fn(req.tx);
    const tx = this.org.store.begin(req.auth.userId, changeOrigin(req));
    try {
      const out = fn(tx);
      tx.commit();
      return out;
    } catch (err) {
      tx.rollback();
      throw err;
    }
  }
}

export function errorResponse(err: unknown): ApiResponse {
  if (err instanceof SfError) return { status: err.status, body: err.toBody() };
  if (Array.isArray(err) && err.every((e) => e instanceof SfError)) {
    return { status: (err[0] as SfError).status, body: err.flatMap((e: SfError) => e.toBody()) };
  }
  process.stderr.write(`emulator: unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
  return {
    status: 500,
    body: [
      {
        message: 'An unexpected error occurred. Please include this ErrorId if you contact support: 0-0 (emulator)',
        errorCode: 'UNKNOWN_EXCEPTION',
      },
    ],
  };
}

/** `com/salesforce/api/rest/62.0;client=audience-loop`; without a named client only the API part, as a real org. */
export function changeOrigin(req: ApiRequest, api = 'rest'): string {
  const opts = req.headers['sforce-call-options'];
  const m = opts ? /(?:^|,)\s*client=([^,]+)/.exec(opts) : null;
  const origin = `com/salesforce/api/${api}/${req.version}`;
  return m ? `${origin};client=${m[1]!.trim()}` : origin;
}

export function bodyObject(req: ApiRequest): Record<string, unknown> {
  const b = req.body;
  if (b === undefined || b === null || typeof b !== 'object' || Array.isArray(b)) {
    throw new SfError(400, 'JSON_PARSER_ERROR', 'The request body is either invalid or incomplete.');
  }
  return b as Record<string, unknown>;
}

function safeDecode(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}
