import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';

const digest = (value: string) => createHash('sha256').update(value).digest();

/**
 * Bearer-token guard for the admin endpoints. Compares digests in constant time (equal lengths by construction),
 * and refuses everything when no ADMIN_TOKEN is configured rather than leaving the endpoints open.
 */
export function requireAdminToken(token: string | undefined) {
  const expected = token ? digest(token) : undefined;
  return (req: Request, res: Response, next: NextFunction) => {
    if (!expected) {
      res.status(503).json({ error: 'admin endpoints are disabled: set ADMIN_TOKEN to enable them' });
      return;
    }
    const header = req.get('authorization') ?? '';
    const given = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    if (!given || !timingSafeEqual(digest(given), expected)) {
      res.status(401).set('WWW-Authenticate', 'Bearer').json({ error: 'a valid admin bearer token is required' });
      return;
    }
    next();
  };
}
