/** `/__emulator/…`: reset, seed, clock, faults, counters, field permissions, tokens. No auth; only when control is on. */
import express, { type Request, type Response, type Router } from 'express';
import type { Org } from '../org/org';
import type { FaultRoute } from '../org/faults';
import type { OrgUser } from '../org/users';
import { normalizeId } from '../org/ids';

export interface ControlHooks {
  /** Loads a seed ('demo' | 'none' | N contacts). */
  seed(option: string): Promise<{ accounts: number; contacts: number; leads: number }>;
  /** The ready-line JSON (instanceUrl, users, tokens, …). */
  info(): Record<string, unknown>;
  /** Forgets streaming clients, clears the event log and streaming faults. */
  resetStreaming?(): void;
  /** Forgets Bulk API 2.0 jobs. */
  resetBulk?(): void;
}

const ROUTES: FaultRoute[] = ['collections', 'composite', 'query', 'sobject', 'limits', 'describe', 'bulk2', '*'];

export function createControlRouter(org: Org, hooks: ControlHooks): Router {
  const r = express.Router();
  r.use(express.json({ limit: '5mb' }));

  const bad = (res: Response, message: string): void => {
    res.status(400).json({ error: message });
  };
  const userOf = (b: Record<string, unknown>): OrgUser | undefined =>
    typeof b.userId === 'string'
      ? org.userById(b.userId)
      : typeof b.username === 'string'
        ? org.userByName(b.username)
        : typeof b.role === 'string'
          ? org.users.find((u) => u.role === b.role)
          : undefined;

  r.get('/info', (_req, res) => {
    res.json(hooks.info());
  });

  r.post('/reset', async (req: Request, res: Response) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    org.resetData();
    org.faults.reset();
    org.usage.resetCounters();
    org.usage.apiUsed = 0;
    org.fls.clear();
    hooks.resetStreaming?.();
    hooks.resetBulk?.();
    const seed = typeof b.seed === 'string' || typeof b.seed === 'number' ? String(b.seed) : 'none';
    try {
      const counts = await hooks.seed(seed);
      res.json({ ok: true, seeded: counts });
    } catch (err) {
      bad(res, (err as Error).message);
    }
  });

  r.post('/seed', async (req: Request, res: Response) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    try {
      const counts = await hooks.seed(String(b.seed ?? 'demo'));
      res.json({ ok: true, seeded: counts });
    } catch (err) {
      bad(res, (err as Error).message);
    }
  });

  r.get('/clock', (_req, res) => {
    res.json({ now: org.clock.now(), iso: new Date(org.clock.now()).toISOString() });
  });
  r.post('/clock/advance', (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const ms =
      Number(b.ms ?? 0) +
      Number(b.seconds ?? 0) * 1000 +
      Number(b.minutes ?? 0) * 60_000 +
      Number(b.hours ?? 0) * 3_600_000 +
      Number(b.days ?? 0) * 86_400_000;
    if (!Number.isFinite(ms) || ms < 0) return bad(res, 'ms must be a non-negative number');
    org.clock.advance(ms);
    res.json({ now: org.clock.now(), iso: new Date(org.clock.now()).toISOString() });
  });

  r.get('/faults', (_req, res) => {
    res.json({ ...org.faults.state, dailyApiLimit: org.usage.dailyApiLimit, apiUsed: org.usage.apiUsed });
  });
  r.delete('/faults', (_req, res) => {
    org.faults.reset();
    res.json({ ok: true });
  });
  r.post('/faults', (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const s = org.faults.state;
    const out: Record<string, unknown> = {};
    if (b.latencyMs !== undefined) {
      const v = Number(b.latencyMs);
      if (!Number.isFinite(v) || v < 0) return bad(res, 'latencyMs must be a non-negative number');
      s.latencyMs = v;
    }
    if (b.errorRate !== undefined) {
      const list = (Array.isArray(b.errorRate) ? b.errorRate : [b.errorRate]) as Record<string, unknown>[];
      for (const e of list) {
        const route = (e?.route ?? '*') as FaultRoute;
        const status = Number(e?.status ?? 503);
        const rate = Number(e?.rate ?? 1);
        if (!ROUTES.includes(route)) return bad(res, `route must be one of ${ROUTES.join(', ')}`);
        if (status !== 500 && status !== 503) return bad(res, 'status must be 500 or 503');
        if (!(rate >= 0 && rate <= 1)) return bad(res, 'rate must be between 0 and 1');
        s.errorRates = s.errorRates.filter((x) => x.route !== route);
        if (rate > 0) s.errorRates.push({ route, status, rate });
      }
    }
    if (b.lockRowRate !== undefined) {
      const v = Number(b.lockRowRate);
      if (!(v >= 0 && v <= 1)) return bad(res, 'lockRowRate must be between 0 and 1');
      s.lockRowRate = v;
    }
    // { lockRecords: { ids: [...], times?: 1 } }: those records' next `times` writes meet a locked row.
    if (b.lockRecords !== undefined) {
      const spec = (b.lockRecords ?? {}) as { ids?: unknown; times?: unknown };
      const times = Number(spec.times ?? 1);
      if (!Array.isArray(spec.ids) || !Number.isInteger(times) || times < 0) {
        return bad(res, 'lockRecords needs ids (an array of record ids) and times (a non-negative integer)');
      }
      for (const raw of spec.ids) {
        const id = normalizeId(raw);
        if (!id) return bad(res, `lockRecords: ${String(raw)} is not a record id`);
        if (times === 0) delete s.lockedRecords[id];
        else s.lockedRecords[id] = times;
      }
    }
    if (b.requestLimitExceeded !== undefined) s.requestLimitExceeded = b.requestLimitExceeded === true;
    if (b.dailyApiLimit !== undefined) {
      const v = Number(b.dailyApiLimit);
      if (!Number.isInteger(v) || v < 0) return bad(res, 'dailyApiLimit must be a non-negative integer');
      org.usage.dailyApiLimit = v;
    }
    if (b.apiUsed !== undefined) {
      const v = Number(b.apiUsed);
      if (!Number.isInteger(v) || v < 0) return bad(res, 'apiUsed must be a non-negative integer');
      org.usage.apiUsed = v;
    }
    if (b.expireSessions === true) out.expiredSessions = org.tokens.expireAll();
    if (typeof b.revokeToken === 'string') out.revoked = org.tokens.revoke(b.revokeToken);
    if (b.sessionTtlMs !== undefined) {
      const v = Number(b.sessionTtlMs);
      if (!Number.isFinite(v) || v <= 0) return bad(res, 'sessionTtlMs must be positive');
      org.tokens.sessionTtlMs = v;
    }
    res.json({ ...out, faults: org.faults.state, dailyApiLimit: org.usage.dailyApiLimit, apiUsed: org.usage.apiUsed });
  });

  r.get('/counters', (_req, res) => {
    res.json(org.usage.snapshot());
  });
  const resetCounters = (_req: Request, res: Response): void => {
    org.usage.resetCounters();
    res.json(org.usage.snapshot());
  };
  r.post('/counters', resetCounters);
  r.post('/counters/reset', resetCounters);
  r.delete('/counters', resetCounters);

  // Field-level security: { role|username|userId, object, fields: { Name: { readable, editable } } } or { field, readable, editable }
  r.post('/fls', (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const user = userOf(b);
    if (!user) return bad(res, 'user not found (give userId, username or role)');
    const obj = typeof b.object === 'string' ? org.catalog.getObject(b.object) : undefined;
    if (!obj) return bad(res, 'object not found');
    const entries: [string, Record<string, unknown>][] =
      typeof b.field === 'string'
        ? [[b.field, b]]
        : Object.entries((b.fields ?? {}) as Record<string, Record<string, unknown>>);
    for (const [name, acc] of entries) {
      const f = obj.getField(name);
      if (!f) return bad(res, `field ${name} not found on ${obj.name}`);
      org.fls.set(user.id, obj.name, f.name, { readable: acc.readable !== false, editable: acc.editable !== false });
    }
    res.json({ ok: true });
  });
  r.delete('/fls', (_req, res) => {
    org.fls.clear();
    res.json({ ok: true });
  });

  r.post('/tokens', (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    const user = userOf(b) ?? org.user('integration');
    const info = org.tokens.issue(user.id);
    const out: Record<string, unknown> = { accessToken: info.token, userId: user.id, expiresAt: info.expiresAt };
    if (b.refreshToken === true) out.refreshToken = org.tokens.issueRefreshToken(user.id);
    res.json(out);
  });

  return r;
}
