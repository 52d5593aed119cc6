import express, { Router, type ErrorRequestHandler } from 'express';
import type { Logger } from '../lib/logger';
import { SIGNATURE_HEADER } from '../security/webhook-signature';
import { INBOUND_SIGNAL_MAX_BYTES } from '../signals/inbound/inbound-signal-body';
import type { InboundSignalIntake } from '../signals/inbound/inbound-signal-intake';
import { reply, type InboundSignalCounters, type InboundSignalReply } from '../signals/inbound/inbound-signal-outcome';

/**
 * `POST /hooks/signals/:slug`: another system's signal, signed like our outbound webhooks. The body is read raw (the
 * signature covers its exact bytes) and at most 256 KB of it: a longer one is refused with 413 while it is read,
 * before anything parses it. Everything after the read is the intake's (signature, slug, body, record, firing).
 */
export function signalWebhookRoutes(deps: {
  intake: InboundSignalIntake;
  counters: InboundSignalCounters;
  logger: Logger;
}): Router {
  const router = Router();
  // No inflating: the signature covers the bytes as sent, and a compressed body could expand past the limit.
  const readRaw = express.raw({ type: () => true, limit: INBOUND_SIGNAL_MAX_BYTES, inflate: false });

  router.post('/hooks/signals/:slug', readRaw, async (req, res) => {
    const rawBody = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    send(res, await deps.intake.receive(String(req.params.slug), req.get(SIGNATURE_HEADER), rawBody));
  });

  // The raw reader's refusals: too large (413), or compressed / unreadable (400). Nothing else reaches here.
  const readFailed: ErrorRequestHandler = (error: { type?: string; status?: number }, _req, res, next) => {
    if (error.type === 'entity.too.large') {
      deps.counters.request('too_large');
      deps.logger.warn({ limit: INBOUND_SIGNAL_MAX_BYTES }, 'inbound signal refused: body over the limit');
      send(res, reply('too_large', { message: `the body is over ${INBOUND_SIGNAL_MAX_BYTES} bytes` }));
      return;
    }
    if (typeof error.status === 'number' && error.status >= 400 && error.status < 500) {
      deps.counters.request('invalid_body');
      send(res, reply('invalid_body', { message: 'the body could not be read (send it uncompressed)' }));
      return;
    }
    next(error);
  };
  router.use('/hooks/signals', readFailed);
  return router;
}

function send(res: express.Response, result: InboundSignalReply): void {
  if (result.retryAfter !== undefined) res.set('Retry-After', String(result.retryAfter));
  // After a 413 the rest of an over-long body is not read: the connection is closed instead of drained.
  if (result.status === 413) res.set('Connection', 'close');
  res.status(result.status).json(result.body);
}
