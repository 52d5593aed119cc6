/**
 * Outreach API v2 on loopback (JSON:API, integer ids) and its OAuth token endpoint, answering with the documented
 * shapes: `docs/actions-reference.md` §1 and the fixtures in `reference/fixtures/providers/outreach`.
 */
import { randomBytes } from 'node:crypto';
import express, { type Request, type Response } from 'express';
import type { RecordedRequest } from '../providers/fake-server';

export interface FakeProspect {
  id: number;
  emails: string[];
  firstName?: string;
  lastName?: string;
  title?: string;
}

export interface FakeSequenceState {
  id: number;
  prospectId: number;
  sequenceId: number;
  mailboxId: number;
  state: string;
  /** The bearer token that created it (`person` when a test added it as a person would). */
  createdBy: string;
}

export interface OutreachFakeState {
  clientId: string;
  clientSecret: string;
  /** The one refresh token Outreach accepts now; each refresh replaces it when `rotate` is on. */
  refreshToken: string;
  rotate: boolean;
  accessTokens: Set<string>;
  /** Every token request, with the refresh token it spent. */
  tokenRequests: { refreshToken: string; ok: boolean }[];
  tokenGate?: Promise<void>;
  prospects: FakeProspect[];
  sequenceStates: FakeSequenceState[];
  sequences: Set<number>;
  mailboxes: Set<number>;
  requests: RecordedRequest[];
  /** Next API calls answered 429 with this Retry-After (seconds). */
  rateLimited: { count: number; retryAfterSeconds: number };
  /** The next prospect create behaves as if someone created the same email a moment before. */
  raceNextCreate: boolean;
  nextId: number;
  callsThisHour: number;
}

export const OUTREACH_HOURLY_LIMIT = 10_000;
const JSON_API = 'application/vnd.api+json';
const EXCLUDED_DOMAIN = 'excluded.test';

function jsonApiError(res: Response, status: number, id: string, title: string, detail: string, pointer?: string) {
  const error: Record<string, unknown> = { id, title, detail };
  if (pointer) error.source = { pointer };
  res
    .status(status)
    .type(JSON_API)
    .send(JSON.stringify({ errors: [error] }));
}

function send(res: Response, status: number, body: unknown) {
  res.status(status).type(JSON_API).send(JSON.stringify(body));
}

export function createOutreachFake(state: OutreachFakeState) {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ type: ['application/json', JSON_API], limit: '100kb' }));
  app.use(express.urlencoded({ extended: false }));
  app.use((req, _res, next) => {
    state.requests.push({
      method: req.method,
      path: req.path,
      query: Object.fromEntries(Object.entries(req.query).map(([name, value]) => [name, String(value)])),
      headers: Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)])),
      body: req.body as unknown,
    });
    next();
  });

  // OAuth 2.0 refresh grant. Doorkeeper's error bodies (RFC 6749 §5.2).
  app.post('/oauth/token', async (req, res) => {
    if (state.tokenGate) await state.tokenGate;
    const params = { ...(req.body as Record<string, string>), ...(req.query as Record<string, string>) };
    const spent = params.refresh_token ?? '';
    if (params.client_id !== state.clientId || params.client_secret !== state.clientSecret) {
      state.tokenRequests.push({ refreshToken: spent, ok: false });
      return void res.status(401).json({
        error: 'invalid_client',
        error_description:
          'Client authentication failed due to unknown client, no client authentication included, or unsupported authentication method.',
      });
    }
    if (params.grant_type !== 'refresh_token' || spent !== state.refreshToken) {
      state.tokenRequests.push({ refreshToken: spent, ok: false });
      return void res.status(400).json({
        error: 'invalid_grant',
        error_description:
          'The provided authorization grant is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
      });
    }
    state.tokenRequests.push({ refreshToken: spent, ok: true });
    const accessToken = `access-${randomBytes(12).toString('hex')}`;
    state.accessTokens.add(accessToken);
    if (state.rotate) state.refreshToken = `refresh-${randomBytes(12).toString('hex')}`;
    res.json({
      access_token: accessToken,
      token_type: 'bearer',
      expires_in: 7200,
      refresh_token: state.refreshToken,
      scope: 'prospects.all sequences.all sequenceStates.all mailboxes.all',
      created_at: Math.floor(Date.now() / 1000),
    });
  });

  const api = express.Router();
  api.use((req, res, next) => {
    state.callsThisHour += 1;
    const resetAt = Math.ceil(Date.now() / 3_600_000) * 3600;
    const remaining = Math.max(0, OUTREACH_HOURLY_LIMIT - state.callsThisHour);
    res.set('X-RateLimit-Limit', String(OUTREACH_HOURLY_LIMIT));
    res.set('X-RateLimit-Reset', String(resetAt));
    if (state.rateLimited.count > 0) {
      state.rateLimited.count -= 1;
      res.set('X-RateLimit-Remaining', '0');
      res.set('Retry-After', String(state.rateLimited.retryAfterSeconds));
      return jsonApiError(
        res,
        429,
        'rateLimitExceeded',
        'Rate Limit Exceeded',
        `You have exceeded your permitted rate limit of ${OUTREACH_HOURLY_LIMIT}; please try again later.`,
      );
    }
    res.set('X-RateLimit-Remaining', String(remaining));
    const token = req.get('authorization')?.match(/^Bearer (.+)$/)?.[1];
    if (!token || !state.accessTokens.has(token)) {
      return jsonApiError(res, 401, 'unauthorized', 'Unauthorized', 'The access token is invalid or has expired.');
    }
    if (
      (req.method === 'POST' || req.method === 'PATCH') &&
      req.path.indexOf('/actions/') === -1 &&
      !req.is(JSON_API)
    ) {
      return jsonApiError(
        res,
        415,
        'unsupportedMediaType',
        'Unsupported Media Type',
        `Expected Content-Type header to be '${JSON_API}'.`,
      );
    }
    next();
  });

  api.get('/prospects', (req, res) => {
    const email = String(req.query['filter[emails]'] ?? '').toLowerCase();
    const found = state.prospects.filter((p) => email !== '' && p.emails.some((e) => e.toLowerCase() === email));
    send(res, 200, { data: found.map((p) => prospectResource(req, p)), meta: { count: found.length } });
  });

  api.post('/prospects', (req, res) => {
    const attributes = (req.body as { data?: { attributes?: Record<string, unknown> } })?.data?.attributes ?? {};
    const emails = Array.isArray(attributes.emails) ? attributes.emails.map(String) : [];
    const taken = (email: string) =>
      state.prospects.some((p) => p.emails.some((e) => e.toLowerCase() === email.toLowerCase()));
    if (state.raceNextCreate) {
      state.raceNextCreate = false;
      for (const email of emails) if (!taken(email)) addProspect(state, email);
    }
    if (emails.some((email) => email.toLowerCase().endsWith(`@${EXCLUDED_DOMAIN}`))) {
      return jsonApiError(
        res,
        422,
        'validationError',
        'Validation Error',
        'Contacts contact is using an excluded email address.',
        '/data',
      );
    }
    if (emails.some(taken)) {
      return jsonApiError(
        res,
        422,
        'validationError',
        'Validation Error',
        'Contacts email hash has already been taken.',
        '/data',
      );
    }
    for (const name of ['firstName', 'lastName']) {
      if (typeof attributes[name] === 'string' && (attributes[name] as string).length > 50) {
        return jsonApiError(
          res,
          422,
          'validationDataTooLongError',
          'Validation Data Too Long Error',
          'Data provided is too long.',
        );
      }
    }
    const prospect = addProspect(state, emails[0] ?? '', attributes);
    send(res, 201, { data: prospectResource(req, prospect) });
  });

  api.get('/sequenceStates', (req, res) => {
    const prospectId = Number(req.query['filter[prospect][id]'] ?? NaN);
    const sequenceId = Number(req.query['filter[sequence][id]'] ?? NaN);
    const found = state.sequenceStates.filter(
      (s) =>
        (Number.isNaN(prospectId) || s.prospectId === prospectId) &&
        (Number.isNaN(sequenceId) || s.sequenceId === sequenceId),
    );
    send(res, 200, { data: found.map((s) => stateResource(req, s)), meta: { count: found.length } });
  });

  api.get('/sequenceStates/:id', (req, res) => {
    const found = state.sequenceStates.find((s) => s.id === Number(req.params.id));
    if (!found) {
      return jsonApiError(
        res,
        404,
        'resourceNotFound',
        'Resource Not Found',
        `Could not find 'sequenceState' with ID '${req.params.id}'.`,
      );
    }
    send(res, 200, { data: stateResource(req, found) });
  });

  api.post('/sequenceStates', (req, res) => {
    const relationships =
      (req.body as { data?: { relationships?: Record<string, { data?: { id?: unknown } }> } })?.data?.relationships ??
      {};
    const related = (name: string) => Number(relationships[name]?.data?.id ?? NaN);
    for (const name of ['prospect', 'sequence', 'mailbox']) {
      if (Number.isNaN(related(name))) {
        return jsonApiError(
          res,
          422,
          'validationError',
          'Validation Error',
          `${capitalise(name)} can't be blank.`,
          `/data/relationships/${name}`,
        );
      }
    }
    if (!state.prospects.some((p) => p.id === related('prospect'))) {
      return jsonApiError(
        res,
        404,
        'resourceNotFound',
        'Resource Not Found',
        `Could not find 'prospect' with ID '${related('prospect')}'.`,
      );
    }
    if (!state.sequences.has(related('sequence'))) {
      return jsonApiError(
        res,
        404,
        'resourceNotFound',
        'Resource Not Found',
        `Could not find 'sequence' with ID '${related('sequence')}'.`,
      );
    }
    if (!state.mailboxes.has(related('mailbox'))) {
      return jsonApiError(
        res,
        404,
        'resourceNotFound',
        'Resource Not Found',
        `Could not find 'mailbox' with ID '${related('mailbox')}'.`,
      );
    }
    const active = state.sequenceStates.find(
      (s) => s.prospectId === related('prospect') && s.sequenceId === related('sequence') && s.state !== 'finished',
    );
    if (active) {
      return jsonApiError(
        res,
        422,
        'validationError',
        'Validation Error',
        'Prospect is already active in this sequence.',
        '/data',
      );
    }
    const created: FakeSequenceState = {
      id: state.nextId++,
      prospectId: related('prospect'),
      sequenceId: related('sequence'),
      mailboxId: related('mailbox'),
      state: 'active',
      createdBy: req.get('authorization') ?? '',
    };
    state.sequenceStates.push(created);
    send(res, 201, { data: stateResource(req, created) });
  });

  api.post('/sequenceStates/:id/actions/finish', (req, res) => {
    const found = state.sequenceStates.find((s) => s.id === Number(req.params.id));
    if (!found) {
      return jsonApiError(
        res,
        404,
        'resourceNotFound',
        'Resource Not Found',
        `Could not find 'sequenceState' with ID '${req.params.id}'.`,
      );
    }
    if (found.state === 'finished') {
      return jsonApiError(res, 422, 'validationError', 'Validation Error', 'Sequence state is already finished.');
    }
    found.state = 'finished';
    send(res, 200, { data: stateResource(req, found) });
  });

  api.get('/sequences/:id', (req, res) => {
    const id = Number(req.params.id);
    if (!state.sequences.has(id)) {
      return jsonApiError(
        res,
        404,
        'resourceNotFound',
        'Resource Not Found',
        `Could not find 'sequence' with ID '${req.params.id}'.`,
      );
    }
    send(res, 200, {
      data: {
        type: 'sequence',
        id,
        attributes: { name: `Sequence ${id}`, shareType: 'private' },
        links: { self: selfLink(req, 'sequences', id) },
      },
    });
  });

  api.get('/mailboxes/:id', (req, res) => {
    const id = Number(req.params.id);
    if (!state.mailboxes.has(id)) {
      return jsonApiError(
        res,
        404,
        'resourceNotFound',
        'Resource Not Found',
        `Could not find 'mailbox' with ID '${req.params.id}'.`,
      );
    }
    send(res, 200, {
      data: {
        type: 'mailbox',
        id,
        attributes: { email: `mailbox${id}@example.com` },
        links: { self: selfLink(req, 'mailboxes', id) },
      },
    });
  });

  app.use('/api/v2', api);
  app.use((_req, res) => jsonApiError(res, 404, 'resourceNotFound', 'Resource Not Found', 'No such route.'));
  return app;
}

export function addProspect(
  state: OutreachFakeState,
  email: string,
  attributes: Record<string, unknown> = {},
): FakeProspect {
  const text = (name: string) => (typeof attributes[name] === 'string' ? (attributes[name] as string) : undefined);
  const prospect: FakeProspect = {
    id: state.nextId++,
    emails: email === '' ? [] : [email],
    firstName: text('firstName'),
    lastName: text('lastName'),
    title: text('title'),
  };
  state.prospects.push(prospect);
  return prospect;
}

function selfLink(req: Request, type: string, id: number): string {
  return `${req.protocol}://${req.get('host')}/api/v2/${type}/${id}`;
}

function prospectResource(req: Request, p: FakeProspect) {
  return {
    type: 'prospect',
    id: p.id,
    attributes: {
      emails: p.emails,
      firstName: p.firstName ?? null,
      lastName: p.lastName ?? null,
      title: p.title ?? null,
    },
    links: { self: selfLink(req, 'prospects', p.id) },
  };
}

function stateResource(req: Request, s: FakeSequenceState) {
  return {
    type: 'sequenceState',
    id: s.id,
    attributes: { state: s.state, createdAt: new Date().toISOString() },
    relationships: {
      prospect: { data: { type: 'prospect', id: s.prospectId } },
      sequence: { data: { type: 'sequence', id: s.sequenceId } },
      mailbox: { data: { type: 'mailbox', id: s.mailboxId } },
    },
    links: { self: selfLink(req, 'sequenceStates', s.id) },
  };
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
