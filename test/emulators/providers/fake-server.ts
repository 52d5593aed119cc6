/**
 * What the provider fakes share: the switchable modes, the request log, and starting an express app on loopback.
 */
import { once } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';

export const FAKE_MODES = [
  'normal',
  /** 429 with Retry-After. */
  'rate_limited',
  /** 429 (Hunter: its documented 403) with the vendor's rate headers only, no Retry-After. */
  'rate_limited_headers',
  /** 402: credits used up. */
  'quota',
  /** 401: the key is refused even if it is the right one (revoked). */
  'bad_key',
  'server_error',
  /** Answers normally after `slowMs` (longer than any test timeout). */
  'slow',
  /** 200 with an HTML page. */
  'html',
  /** 200 in the documented envelope with values of the wrong JSON types. */
  'wrong_types',
  /** Hunter's verifier: 202 on the first call for an email, 200 on the next. */
  'verifier_pending',
] as const;
export type FakeMode = (typeof FAKE_MODES)[number];

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  body: unknown;
}

export interface FakeState {
  mode: FakeMode;
  slowMs: number;
  requests: RecordedRequest[];
}

export function newFakeState(): FakeState {
  return { mode: 'normal', slowMs: 5_000, requests: [] };
}

/** How a vendor writes the replies every mode needs. */
export interface VendorReplies {
  error(res: Response, status: number, type: string, message: string): void;
  /** Headers the vendor sends on every reply; `exhausted` when the window's budget is spent. */
  rateHeaders(res: Response, exhausted: boolean): void;
  /** The status a rate-limit reply without Retry-After uses (Hunter documents 403). */
  rateLimitStatus?: number;
}

export function recordRequests(state: FakeState) {
  return (req: Request, _res: Response, next: NextFunction) => {
    state.requests.push({
      method: req.method,
      path: req.path,
      query: Object.fromEntries(Object.entries(req.query).map(([name, value]) => [name, String(value)])),
      headers: Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)])),
      body: req.body,
    });
    next();
  };
}

/** Applies the modes that replace the reply outright; 'slow' delays, the rest are left to the routes. */
export function applyMode(state: FakeState, vendor: VendorReplies) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const exhausted = state.mode === 'rate_limited' || state.mode === 'rate_limited_headers';
    vendor.rateHeaders(res, exhausted);
    switch (state.mode) {
      case 'rate_limited':
        res.set('Retry-After', '2');
        return vendor.error(res, 429, 'rate_limit_error', 'Too many requests');
      case 'rate_limited_headers':
        return vendor.error(res, vendor.rateLimitStatus ?? 429, 'rate_limit_error', 'Too many requests');
      case 'quota':
        return vendor.error(res, 402, 'payment_required', 'You have used all your credits');
      case 'bad_key':
        return vendor.error(res, 401, 'authentication_error', 'Invalid API key');
      case 'server_error':
        return vendor.error(res, 503, 'server_error', 'Service unavailable');
      case 'html':
        return void res.status(200).type('html').send('<!doctype html><html><body><h1>Maintenance</h1></body></html>');
      case 'slow': {
        const timer = setTimeout(next, state.slowMs);
        res.on('close', () => clearTimeout(timer));
        return;
      }
      default:
        return next();
    }
  };
}

export function jsonApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  app.use(express.json({ limit: '100kb' }));
  return app;
}

export interface ListeningFake {
  origin: string;
  stop(): Promise<void>;
}

export async function listenOnLoopback(app: Express): Promise<ListeningFake> {
  const server: Server = app.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    async stop() {
      // Slow-mode replies are still pending; cut them rather than wait.
      server.closeAllConnections();
      await new Promise<void>((resolve, reject) => server.close((error) => (error ? reject(error) : resolve())));
    },
  };
}
