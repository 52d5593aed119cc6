import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Whether the request carries `token` as its bearer token. Compares digests in constant time (equal lengths by
 * construction); false when no token is configured.
 */
export function carriesAdminToken(req: Request, token: string | undefined): boolean {
  if (!token) return false;
  const header = req.get('authorization') ?? '';
  const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
  return given !== '' && timingSafeEqual(digest(given), digest(token));
}

/**
 * Bearer-token guard for the admin endpoints. Refuses everything when no ADMIN_TOKEN is configured rather than
 * leaving the endpoints open.
 */
export function requireAdminToken(token: string | undefined) {
  return (req: Request, res: Response, next: NextFunction) => {
    if (!token) {
      res.status(503).json({ error: 'admin endpoints are disabled: set ADMIN_TOKEN to enable them' });
      return;
    }
    if (!carriesAdminToken(req, token)) {
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'a valid admin bearer token is required' });
      return;
    }
    next();
  };
}

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

/**
 * Who may read the health endpoints' detail: with ADMIN_TOKEN set, only a caller carrying it; without one (sandbox,
 * a developer's machine), only a caller on this machine.
 */
export function mayReadHealthDetail(req: Request, token: string | undefined): boolean {
  if (token) return carriesAdminToken(req, token);
  return LOOPBACK.has(req.socket.remoteAddress ?? '');
}
