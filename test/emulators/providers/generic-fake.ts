/**
 * A made-up HTTP/JSON enrichment API on loopback, for providers an admin defines in ENRICHMENT_PROVIDERS_FILE:
 * `GET /people/lookup?email=` and `POST /people/search` (`{ first, last, domain }`), `Authorization: Bearer <token>`,
 * 404 on no match, common `X-RateLimit-*` headers (reset in epoch seconds).
 */
import type { Response } from 'express';
import { companyByDomain, findPerson, type FakePerson } from './fake-directory';
import { applyMode, jsonApp, recordRequests, type FakeState, type VendorReplies } from './fake-server';

const genericReplies: VendorReplies = {
  error(res, status, type, message) {
    res.status(status).json({ error: type, message });
  },
  rateHeaders(res, exhausted) {
    res.set('X-RateLimit-Limit', '60');
    res.set('X-RateLimit-Remaining', exhausted ? '0' : '59');
    if (exhausted) res.set('X-RateLimit-Reset', String(Math.ceil(Date.now() / 1000) + 30));
  },
};

export function createGenericFake(state: FakeState, token: string) {
  const app = jsonApp();
  app.use(recordRequests(state));
  app.use(applyMode(state, genericReplies));
  app.use((req, res, next) => {
    if (req.get('authorization') === `Bearer ${token}`) return next();
    genericReplies.error(res, 401, 'unauthorized', 'Bad token');
  });

  app.get('/people/lookup', (req, res) => {
    const email = typeof req.query.email === 'string' ? req.query.email : undefined;
    reply(res, state, findPerson({ email }));
  });

  app.post('/people/search', (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const text = (name: string) => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
    reply(res, state, findPerson({ firstName: text('first'), lastName: text('last'), company: text('domain') }));
  });

  app.use((_req, res) => genericReplies.error(res, 404, 'not_found', 'No such route'));
  return app;
}

function reply(res: Response, state: FakeState, person: FakePerson | undefined) {
  if (!person) return genericReplies.error(res, 404, 'not_found', 'No person matches');
  if (state.mode === 'wrong_types') {
    return void res.json({ match: { work_email: 12345, job: { title: ['x'] } }, score: 'high' });
  }
  res.json({
    match: {
      work_email: person.email,
      job: { title: person.title },
      company: { domain: person.domain, headcount: String(companyByDomain(person.domain)?.employees ?? '') },
    },
    score: person.hunterScore,
  });
}
