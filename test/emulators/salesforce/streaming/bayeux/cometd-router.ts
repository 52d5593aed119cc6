import express, { type Request, type Response, type Router } from 'express';
import type { DeliveredMessage } from '../events/stored-event';
import type { StreamingEngine } from '../streaming-engine';
import { URL_ERRORS } from './bayeux-errors';
import type { BayeuxReply } from './bayeux-message';
import type { ReleaseReason } from './cometd-client';
import { BROWSER_COOKIE, CometdProtocol, type RequestContext } from './cometd-protocol';

const MIN_VERSION = 37;
const MAX_BODY_BYTES = 32_768;

/** `/cometd/<version>` over HTTP long-polling, as Salesforce serves it. Mounted by the core at `/cometd`. */
export function buildCometdRouter(engine: StreamingEngine): Router {
  const protocol = new CometdProtocol(engine);
  const router = express.Router();
  // Raw body: the 32 KB cap and the "must be an array" rule are checked on the bytes the client sent.
  router.use(express.raw({ type: () => true, limit: '1mb' }));

  router.all('/', (_req, res) => {
    res.status(400).json(httpError(400, URL_ERRORS.versionMandatory));
  });

  // CometD Java clients append the message type to the URL (`/cometd/62.0/handshake`); Faye does not.
  router.all('/:version{/*rest}', (req, res) => {
    const version = req.params.version ?? '';
    if (!/^\d+\.\d$/.test(version) || Number(version) < MIN_VERSION) {
      res.status(400).json(httpError(400, URL_ERRORS.unsupportedVersion));
      return;
    }
    if (req.method !== 'POST') {
      // Faye probes for WebSocket with a GET + Upgrade; any non-101 answer makes it fall back to long-polling.
      const type = req.headers.upgrade ? String(req.headers.upgrade) : req.method;
      res.status(400).json(httpError(400, `Invalid connection type ${type}`));
      return;
    }
    handlePost(engine, protocol, req, res);
  });
  return router;
}

function handlePost(engine: StreamingEngine, protocol: CometdProtocol, req: Request, res: Response): void {
  const body = readBody(req);
  if (body.kind === 'tooLarge') {
    res.status(413).json(httpError(413, URL_ERRORS.bodyTooLarge));
    return;
  }
  if (body.kind === 'invalid') {
    res.status(400).json([{ successful: false, error: `400::${body.reason}` }]);
    return;
  }
  const request: RequestContext = { token: bearerToken(req), browserId: cookie(req, BROWSER_COOKIE) };
  const result = protocol.processBatch(body.messages, request);
  if (result.newBrowserId) {
    res.cookie(BROWSER_COOKIE, result.newBrowserId, { path: '/', httpOnly: true });
  }
  if (!result.connect) {
    send(res, result.replies);
    return;
  }
  const { message, client } = result.connect;
  const answer = (reason: ReleaseReason): void => {
    if (res.writableEnded || res.destroyed) return;
    client.lastSeen = engine.ctx.clock.now();
    if (reason === 'unknownClient') {
      send(res, [...result.replies, protocol.unknownClient(message)]);
      return;
    }
    // The token is re-checked whenever a poll ends, so a revoked session surfaces within one poll.
    if (!protocol.authenticate(request.token)) {
      send(res, [...result.replies, protocol.connectAuthFailure(message, request.token)]);
      return;
    }
    send(res, [...result.replies, ...client.takeQueue(), protocol.connectSuccess(message, client)]);
  };
  const immediate = !client.connectedOnce || client.pendingCount() > 0 || message.advice?.timeout === 0;
  client.connectedOnce = true;
  if (immediate || engine.isClosed()) {
    answer('events');
    return;
  }
  // A poll that ends without a reply (drop, client abort) starts the idle window too.
  const handle = client.hold(engine.ctx.streaming.longPollMs, answer, () => {
    client.lastSeen = engine.ctx.clock.now();
    res.socket?.destroy();
  });
  res.on('close', () => {
    if (res.writableEnded) return;
    client.lastSeen = engine.ctx.clock.now();
    client.forgetHeld(handle);
  });
  if (engine.faults.takeDrop()) {
    // If events answered the poll first, the drop waits for the next held poll.
    setImmediate(() => {
      if (!client.drop()) engine.faults.addPendingDrops(1);
    });
  }
}

type Body = { kind: 'ok'; messages: unknown[] } | { kind: 'invalid'; reason: string } | { kind: 'tooLarge' };

function readBody(req: Request): Body {
  let parsed: unknown = req.body;
  if (Buffer.isBuffer(parsed)) {
    if (parsed.length > MAX_BODY_BYTES) return { kind: 'tooLarge' };
    try {
      parsed = JSON.parse(parsed.toString('utf8'));
    } catch {
      return { kind: 'invalid', reason: 'Request body is not valid JSON' };
    }
  } else if (parsed !== undefined && JSON.stringify(parsed).length > MAX_BODY_BYTES) {
    // Parsed upstream by a JSON middleware: the re-serialised size stands in for the sent one.
    return { kind: 'tooLarge' };
  }
  // Salesforce rejects a bare object since Winter '27: a batch must be an array.
  if (!Array.isArray(parsed)) return { kind: 'invalid', reason: URL_ERRORS.notAnArray };
  return { kind: 'ok', messages: parsed };
}

function send(res: Response, replies: (BayeuxReply | DeliveredMessage)[]): void {
  res.status(200).json(replies);
}

function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  const match = header ? /^(?:OAuth|Bearer)\s+(.+)$/i.exec(header.trim()) : null;
  return match?.[1];
}

function cookie(req: Request, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

function httpError(status: number, message: string): { errorCode: string; message: string }[] {
  return [{ errorCode: String(status), message }];
}
