/**
 * Salesloft REST API v2 on loopback: people and cadence memberships in the `data` / `metadata.paging` envelopes,
 * 422 validation bodies, and the cost-based team budget (600 a minute) with `x-ratelimit-*` headers. Shapes and
 * their sources: `docs/actions-reference.md` §2.
 */
import express, { type Request, type Response } from 'express';
import type { RecordedRequest } from '../providers/fake-server';

export interface FakePerson {
  id: number;
  email_address: string;
  first_name: string | null;
  last_name: string | null;
  title: string | null;
}

export interface FakeMembership {
  id: number;
  personId: number;
  cadenceId: number;
  currentlyOnCadence: boolean;
  /** `person` when a test added it as a person would in Salesloft. */
  createdBy: 'api' | 'person';
}

export interface SalesloftFakeState {
  apiKey: string;
  people: FakePerson[];
  memberships: FakeMembership[];
  cadences: Set<number>;
  requests: RecordedRequest[];
  /** Cost left in the current minute of the team budget. */
  budgetLeft: number;
  raceNextCreate: boolean;
  nextId: number;
}

export const SALESLOFT_TEAM_BUDGET = 600;

export function createSalesloftFake(state: SalesloftFakeState) {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '100kb' }));
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
  app.use((req, res, next) => {
    res.set('x-ratelimit-endpoint-cost', '1');
    if (state.budgetLeft <= 0) {
      res.set('x-ratelimit-remaining-minute', '0');
      return void res.status(429).json({ error: 'Rate limit exceeded' });
    }
    state.budgetLeft -= 1;
    res.set('x-ratelimit-remaining-minute', String(state.budgetLeft));
    if (req.get('authorization') !== `Bearer ${state.apiKey}`) {
      return void res.status(401).json({ error: 'Not authorized', error_description: 'The access token is invalid' });
    }
    next();
  });

  // Paths also answer with Salesloft's optional `.json` suffix.
  const path = (name: string) => [`/v2/${name}`, `/v2/${name}.json`];

  app.get(path('people'), (req, res) => {
    const wanted = queryList(req, 'email_addresses[]').map((email) => email.toLowerCase());
    const found = state.people.filter((p) => wanted.length === 0 || wanted.includes(p.email_address.toLowerCase()));
    list(res, found);
  });

  app.post(path('people'), (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const email = typeof body.email_address === 'string' ? body.email_address : '';
    if (state.raceNextCreate) {
      state.raceNextCreate = false;
      if (email && !emailTaken(state, email)) addPerson(state, email);
    }
    if (email === '') return validation(res, 'email_address', 'is required');
    if (emailTaken(state, email)) return validation(res, 'email_address', 'has already been taken');
    const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : null);
    const person = addPerson(state, email, {
      first_name: text('first_name'),
      last_name: text('last_name'),
      title: text('title'),
    });
    res.json({ data: person });
  });

  app.get(path('cadence_memberships'), (req, res) => {
    const personId = Number(req.query.person_id ?? NaN);
    const cadenceId = Number(req.query.cadence_id ?? NaN);
    const current = req.query.currently_on_cadence;
    const found = state.memberships.filter(
      (m) =>
        (Number.isNaN(personId) || m.personId === personId) &&
        (Number.isNaN(cadenceId) || m.cadenceId === cadenceId) &&
        (current === undefined || String(m.currentlyOnCadence) === String(current)),
    );
    list(res, found.map(membershipResource));
  });

  app.post(path('cadence_memberships'), (req, res) => {
    const personId = Number(req.query.person_id ?? NaN);
    const cadenceId = Number(req.query.cadence_id ?? NaN);
    if (Number.isNaN(personId)) return validation(res, 'person_id', 'is required');
    if (Number.isNaN(cadenceId)) return validation(res, 'cadence_id', 'is required');
    if (!state.cadences.has(cadenceId)) return void res.status(404).json({ error: 'Not Found' });
    if (!state.people.some((p) => p.id === personId)) return void res.status(404).json({ error: 'Not Found' });
    if (state.memberships.some((m) => m.personId === personId && m.cadenceId === cadenceId && m.currentlyOnCadence)) {
      return validation(res, 'person_id', 'is already on this cadence');
    }
    const membership = addMembership(state, personId, cadenceId, 'api');
    res.json({ data: membershipResource(membership) });
  });

  app.delete(['/v2/cadence_memberships/:id', '/v2/cadence_memberships/:id.json'], (req, res) => {
    const found = state.memberships.find((m) => m.id === Number(req.params.id) && m.currentlyOnCadence);
    if (!found) return void res.status(404).json({ error: 'Not Found' });
    found.currentlyOnCadence = false;
    res.status(204).end();
  });

  app.get(['/v2/cadences/:id', '/v2/cadences/:id.json'], (req, res) => {
    const id = Number(req.params.id);
    if (!state.cadences.has(id)) return void res.status(404).json({ error: 'Not Found' });
    res.json({ data: { id, name: `Cadence ${id}`, current_state: 'active', team_cadence: true } });
  });

  app.use((_req, res) => void res.status(404).json({ error: 'Not Found' }));
  return app;
}

export function addPerson(
  state: SalesloftFakeState,
  email: string,
  names: Partial<Pick<FakePerson, 'first_name' | 'last_name' | 'title'>> = {},
): FakePerson {
  const person: FakePerson = {
    id: state.nextId++,
    email_address: email,
    first_name: names.first_name ?? null,
    last_name: names.last_name ?? null,
    title: names.title ?? null,
  };
  state.people.push(person);
  return person;
}

export function addMembership(
  state: SalesloftFakeState,
  personId: number,
  cadenceId: number,
  createdBy: FakeMembership['createdBy'],
): FakeMembership {
  const membership: FakeMembership = { id: state.nextId++, personId, cadenceId, currentlyOnCadence: true, createdBy };
  state.memberships.push(membership);
  return membership;
}

function emailTaken(state: SalesloftFakeState, email: string): boolean {
  return state.people.some((p) => p.email_address.toLowerCase() === email.toLowerCase());
}

function queryList(req: Request, name: string): string[] {
  const value = req.query[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

function validation(res: Response, attribute: string, message: string) {
  res.status(422).json({ errors: [{ attribute, message }] });
}

function list(res: Response, data: unknown[]) {
  res.json({
    metadata: {
      filtering: {},
      paging: { per_page: 25, current_page: 1, next_page: null, prev_page: null },
      sorting: {},
    },
    data,
  });
}

function membershipResource(m: FakeMembership) {
  const at = new Date().toISOString();
  return {
    id: m.id,
    added_at: at,
    created_at: at,
    updated_at: at,
    person_deleted: false,
    currently_on_cadence: m.currentlyOnCadence,
    current_state: m.currentlyOnCadence ? 'active' : 'removed',
    cadence: { id: m.cadenceId, _href: `https://api.salesloft.com/v2/cadences/${m.cadenceId}` },
    person: { id: m.personId, _href: `https://api.salesloft.com/v2/people/${m.personId}` },
    user: { id: 1, _href: 'https://api.salesloft.com/v2/users/1' },
    latest_action: null,
    counts: { emails_sent: 0, emails_viewed: 0, emails_clicked: 0, emails_replied_to: 0, emails_bounced: 0, calls: 0 },
  };
}
