/**
 * A loopback Graph API for Custom Audiences users (docs/ad-audiences-reference.md §2): `POST` adds and `DELETE`
 * removes rows sent as form fields `payload` (+ `session`, `access_token`); at most 10,000 rows per call; values that
 * are not 64 lowercase hex are counted as invalid entries; Graph API error bodies
 * `{"error": {message, type, code, error_subcode, fbtrace_id}}`.
 */
import { randomUUID } from 'node:crypto';
import express, { type Express, type Request, type Response } from 'express';

export const META_MAX_ROWS = 10_000;
export type MetaFailKind = 'rate_limit' | 'user_limit' | 'server_error' | 'flagged';

export interface MetaRecordedRequest {
  method: string;
  path: string;
  /** The form fields, without `access_token`; `rows` counts the payload's rows. */
  body: Record<string, string>;
  rows: number;
}

export interface MetaFakeState {
  accessToken: string;
  audiences: Map<string, Set<string>>;
  requests: MetaRecordedRequest[];
  failures: MetaFailKind[];
}

const HASH = /^[0-9a-f]{64}$/;

function graphError(
  res: Response,
  httpStatus: number,
  error: { message: string; type?: string; code: number; error_subcode?: number; is_transient?: boolean },
) {
  res.status(httpStatus).json({ error: { type: 'OAuthException', ...error, fbtrace_id: randomUUID().slice(0, 11) } });
}

function failWith(res: Response, kind: MetaFailKind) {
  switch (kind) {
    case 'rate_limit':
      res.set(
        'X-Business-Use-Case-Usage',
        JSON.stringify({
          '1234567890': [
            {
              type: 'custom_audience',
              call_count: 100,
              total_cputime: 10,
              total_time: 10,
              estimated_time_to_regain_access: 2,
            },
          ],
        }),
      );
      return graphError(res, 400, {
        message: 'There have been too many calls to this ad-account. Wait a bit and try again.',
        code: 80003,
        error_subcode: 2446079,
      });
    case 'user_limit':
      return graphError(res, 400, { message: '(#17) User request limit reached', code: 17, error_subcode: 2446079 });
    case 'server_error':
      return graphError(res, 500, {
        message: 'An unexpected error has occurred. Please retry your request later.',
        code: 2,
        is_transient: true,
      });
    case 'flagged':
      return graphError(res, 400, { message: 'Invalid parameter', code: 100, error_subcode: 1713230 });
  }
}

export function createMetaFake(state: MetaFakeState): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.urlencoded({ extended: false, limit: '20mb' }));

  const handle = (operation: 'add' | 'remove') => (req: Request, res: Response) => {
    const body = { ...((req.body ?? {}) as Record<string, string>) };
    const token = body.access_token ?? /^Bearer (.+)$/.exec(req.get('authorization') ?? '')?.[1];
    delete body.access_token;
    const payload = parseJson(body.payload) as { schema?: unknown; data?: unknown } | undefined;
    const rows = Array.isArray(payload?.data) ? (payload.data as unknown[]) : [];
    state.requests.push({ method: req.method, path: req.path, body, rows: rows.length });

    if (token !== state.accessToken) {
      return graphError(res, 400, { message: 'Invalid OAuth access token - Cannot parse access token', code: 190 });
    }
    const audienceId = String(req.params.audienceId);
    const members = state.audiences.get(audienceId);
    if (!members) {
      return graphError(res, 400, {
        message: `Unsupported post request. Object with ID '${audienceId}' does not exist, cannot be loaded due to missing permissions, or does not support this operation.`,
        type: 'GraphMethodException',
        code: 100,
        error_subcode: 33,
      });
    }
    const failure = state.failures.shift();
    if (failure) return failWith(res, failure);
    const schema = typeof payload?.schema === 'string' ? [payload.schema] : payload?.schema;
    if (!Array.isArray(schema) || schema.length === 0 || !Array.isArray(payload?.data)) {
      return graphError(res, 400, {
        message: '(#100) Invalid parameter: payload must have a schema and data',
        code: 100,
      });
    }
    if (rows.length > META_MAX_ROWS) {
      return graphError(res, 400, {
        message: `(#100) Too many users in the payload; the maximum per call is ${META_MAX_ROWS}`,
        code: 100,
      });
    }
    const invalid: Record<string, string> = {};
    let invalidCount = 0;
    for (const row of rows) {
      const values = Array.isArray(row) ? row : [row];
      const bad =
        values.length !== schema.length ||
        values.some((value) => typeof value !== 'string' || (value !== '' && !HASH.test(value)));
      const filled = values.filter((value): value is string => typeof value === 'string' && value !== '');
      if (bad || filled.length === 0) {
        invalidCount += 1;
        for (const value of values)
          if (typeof value === 'string' && value !== '' && !HASH.test(value)) invalid[value] = 'Invalid hash format';
        continue;
      }
      for (const value of filled) {
        if (operation === 'add') members.add(value);
        else members.delete(value);
      }
    }
    const session = parseJson(body.session) as { session_id?: number } | undefined;
    res.json({
      audience_id: audienceId,
      session_id: String(session?.session_id ?? Math.floor(Math.random() * 1e12)),
      num_received: rows.length,
      num_invalid_entries: invalidCount,
      invalid_entry_samples: invalid,
    });
  };

  app.post('/:version/:audienceId/users', handle('add'));
  app.delete('/:version/:audienceId/users', handle('remove'));
  app.use((_req, res) => graphError(res, 400, { message: 'Unknown path components', code: 2500 }));
  return app;
}

function parseJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
