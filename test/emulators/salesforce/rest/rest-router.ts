/** Express adapter for `/services/data`: version list, auth, API budget, faults, JSON parsing, limit header. */
import express, { type Request, type Response, type Router } from 'express';
import { SfError, invalidSession, requestLimitExceeded } from '../errors';
import type { Org } from '../org/org';
import { bearerToken } from '../auth/oauth-routes';
import { traceCall } from './request-trace';
import { Api, MAX_VERSION, MIN_VERSION, errorResponse, type ApiResponse } from './api';
import { registerCollectionRoutes } from './collection-routes';
import { registerCompositeRoutes } from './composite-routes';
import { registerCompositeTreeRoutes } from './composite-tree-routes';
import { registerContentRoutes } from './content-routes';
import { registerToolingRoutes } from './tooling-routes';
import { multipartRecord } from './multipart';
import { registerMiscRoutes } from './misc-routes';
import { registerQueryRoutes } from './query-routes';
import { registerSObjectRoutes } from './sobject-routes';
import { registerIngestJobRoutes } from './bulk/ingest-job-routes';
import { registerQueryJobRoutes } from './bulk/query-job-routes';

const SEASONS = ['Winter', 'Spring', 'Summer'];

export function versionList(): { label: string; url: string; version: string }[] {
  const out = [];
  for (let v = MIN_VERSION; v <= MAX_VERSION; v++) {
    const idx = v - 59;
    const year = 24 + Math.floor(idx / 3);
    out.push({ label: `${SEASONS[((idx % 3) + 3) % 3]} '${year}`, url: `/services/data/v${v}.0`, version: `${v}.0` });
  }
  return out;
}

export function createApi(org: Org): Api {
  const api = new Api(org);
  registerMiscRoutes(api);
  registerQueryRoutes(api);
  registerContentRoutes(api); // before the sobject routes: `/sobjects/X/<id>/VersionData` is not an external id
  registerSObjectRoutes(api);
  registerCollectionRoutes(api);
  registerCompositeRoutes(api);
  registerCompositeTreeRoutes(api);
  registerToolingRoutes(api);
  registerQueryJobRoutes(api);
  registerIngestJobRoutes(api);
  return api;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export function createRestRouter(org: Org, api: Api): Router {
  const r = express.Router();
  const textBody = express.text({ type: () => true, limit: '150mb' });
  // Multipart uploads (ContentVersion) stay bytes; the text parser then leaves the parsed body alone.
  const multipartBody = express.raw({ type: 'multipart/*', limit: '150mb' });

  const send = (res: Response, out: ApiResponse, withLimit = true): void => {
    if (withLimit) res.setHeader('Sforce-Limit-Info', org.usage.header());
    for (const [k, v] of Object.entries(out.headers ?? {})) res.setHeader(k, v);
    if (out.body === undefined || out.status === 204 || out.status === 304) {
      res.status(out.status).end();
      return;
    }
    if (out.contentType && (typeof out.body === 'string' || Buffer.isBuffer(out.body))) {
      res.status(out.status).type(out.contentType).send(out.body);
      return;
    }
    res.status(out.status).type('application/json;charset=UTF-8').send(JSON.stringify(out.body));
  };

  r.use('/services/data', multipartBody, textBody, async (req: Request, res: Response) => {
    try {
      const url = new URL(req.originalUrl.replace(/^\/+/, '/'), 'http://x');
      const rest = url.pathname.replace(/^\/services\/data/, '');
      if (rest === '' || rest === '/') {
        if (req.method !== 'GET' && req.method !== 'HEAD') {
          send(
            res,
            errorResponse(
              new SfError(405, 'METHOD_NOT_ALLOWED', `HTTP Method '${req.method}' not allowed. Allowed are GET,HEAD`),
            ),
            false,
          );
          return;
        }
        send(res, { status: 200, body: versionList() }, false);
        return;
      }
      const m = /^\/v(\d+\.\d)(\/.*)?$/.exec(rest);
      const version = m?.[1];
      if (!m || !version || Number(version) < MIN_VERSION || Number(version) > MAX_VERSION || !/\.0$/.test(version)) {
        send(res, errorResponse(new SfError(404, 'NOT_FOUND', 'The requested resource does not exist')), false);
        return;
      }
      const token = bearerToken(req);
      const auth = token ? org.tokens.verify(token) : undefined;
      if (!auth) {
        send(res, errorResponse(invalidSession()), false);
        return;
      }
      if (org.faults.state.requestLimitExceeded || org.usage.exhausted()) {
        send(res, errorResponse(requestLimitExceeded()));
        return;
      }
      let path = m[2] ?? '';
      try {
        path = decodeURIComponentSafe(path);
      } catch {
        // keep raw
      }
      const route = api.routeName(req.method, path);
      org.usage.record(route, auth.userId);
      traceCall({ user: auth.userId, route, method: req.method, url: req.originalUrl, body: req.body });
      const { latencyMs } = org.faults.state;
      if (latencyMs > 0) await sleep(latencyMs);
      const injected = org.faults.errorFor(route);
      if (injected === 503) {
        send(res, {
          status: 503,
          body: [{ message: 'Server is busy.  Please try again later.', errorCode: 'SERVER_UNAVAILABLE' }],
        });
        return;
      }
      if (injected) {
        send(
          res,
          errorResponse(
            new SfError(
              injected,
              'UNKNOWN_EXCEPTION',
              'An unexpected error occurred. Please include this ErrorId if you contact support: 1234567890-12345 (-1234567890)',
            ),
          ),
        );
        return;
      }
      let body: unknown;
      let text: string | undefined;
      const raw = typeof req.body === 'string' ? req.body : '';
      const contentType = req.headers['content-type'] ?? '';
      if (Buffer.isBuffer(req.body) && /^multipart\//i.test(contentType)) body = multipartRecord(req.body, contentType);
      else if (/^text\/csv/i.test(contentType)) text = raw;
      else if (raw.trim() !== '' && req.method !== 'GET' && req.method !== 'DELETE' && req.method !== 'HEAD') {
        try {
          body = JSON.parse(raw);
        } catch (err) {
          send(res, errorResponse(new SfError(400, 'JSON_PARSER_ERROR', jsonErrorText(raw, err))));
          return;
        }
      }
      const query: Record<string, string> = {};
      for (const [k, v] of url.searchParams) query[k] = v;
      const headers: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
      const out = api.dispatch({ method: req.method, path, version, query, headers, body, auth, text });
      send(res, out);
    } catch (err) {
      send(res, errorResponse(err));
    }
  });
  return r;
}

function decodeURIComponentSafe(path: string): string {
  // route params are decoded per segment by the dispatcher; only normalise double slashes here
  return path.replace(/\/{2,}/g, '/');
}

function jsonErrorText(raw: string, err: unknown): string {
  const pos = /position (\d+)/.exec(String((err as Error).message));
  const p = pos ? Number(pos[1]) : 0;
  const before = raw.slice(0, p);
  const line = before.split('\n').length;
  const column = p - before.lastIndexOf('\n');
  const ch = raw[p] ?? '';
  return `Unexpected character ('${ch}' (code ${ch.charCodeAt(0) || 0})): expected a valid value (number, String, array, object, 'true', 'false' or 'null') at [line:${line}, column:${column}]`;
}
