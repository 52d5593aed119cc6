import type { AccessTokenInfo } from '../../org-contract';
import { toDeliveredMessage } from '../events/stored-event';
import type { StreamingEngine } from '../streaming-engine';
import { BAYEUX_ERRORS } from './bayeux-errors';
import {
  baseMessageSchema,
  connectSchema,
  disconnectSchema,
  handshakeSchema,
  replayExtSchema,
  subscriptionSchema,
  type BaseMessage,
  type BayeuxReply,
  type ConnectMessage,
} from './bayeux-message';
import type { CometdClient } from './cometd-client';

export const BROWSER_COOKIE = 'BAYEUX_BROWSER';

/** What the HTTP layer knows about the request that carried a batch. */
export interface RequestContext {
  /** The bearer/OAuth token, or undefined when no Authorization header was sent. */
  token: string | undefined;
  /** Value of the BAYEUX_BROWSER cookie, if the client sent one. */
  browserId: string | undefined;
}

/** The result of a batch: replies to send now, and the connect (if any) the HTTP layer answers or holds. */
export interface BatchResult {
  replies: BayeuxReply[];
  connect?: { message: ConnectMessage; client: CometdClient };
  /** Set when a handshake created a browser id the response must set as a cookie. */
  newBrowserId?: string;
}

const REPLAY_ALL = -2;
const REPLAY_NEW = -1;

/** Bayeux message exchange as Salesforce runs it (handshake, connect, subscribe, unsubscribe, disconnect). */
export class CometdProtocol {
  constructor(private readonly engine: StreamingEngine) {}

  processBatch(rawMessages: unknown[], request: RequestContext): BatchResult {
    const result: BatchResult = { replies: [] };
    const session = this.authenticate(request.token);
    let browserId = request.browserId;
    for (const raw of rawMessages) {
      const base = baseMessageSchema.safeParse(raw);
      if (!base.success) {
        result.replies.push(malformed(raw, 'Invalid Bayeux message: an object with a channel is required'));
        continue;
      }
      const message = base.data;
      switch (message.channel) {
        case '/meta/handshake': {
          const reply = this.handshake(message, request.token, session, browserId);
          if (reply.browserId && reply.browserId !== browserId) {
            browserId = reply.browserId;
            result.newBrowserId = reply.browserId;
          }
          result.replies.push(reply.message);
          break;
        }
        case '/meta/connect': {
          const connect = this.connect(message, request, session, browserId);
          if ('client' in connect) {
            // A second connect in one batch is answered at once; the last one is the long poll.
            if (result.connect) result.replies.push(this.connectSuccess(result.connect.message, result.connect.client));
            result.connect = connect;
          } else result.replies.push(connect.reply);
          break;
        }
        case '/meta/subscribe':
        case '/meta/unsubscribe':
          result.replies.push(this.subscription(message, request.token, session, browserId));
          break;
        case '/meta/disconnect':
          result.replies.push(this.disconnect(message));
          break;
        default:
          // Clients cannot publish to /data or /event over CometD, nor use other meta channels.
          result.replies.push(reply(message, { successful: false, error: BAYEUX_ERRORS.restrictedChannel }));
      }
    }
    return result;
  }

  /** The successful `/meta/connect` reply with Salesforce's advice. */
  connectSuccess(message: ConnectMessage, client: CometdClient): BayeuxReply {
    return {
      clientId: client.id,
      advice: { interval: 0, reconnect: 'retry', timeout: this.engine.ctx.streaming.longPollMs },
      channel: '/meta/connect',
      id: message.id,
      successful: true,
    };
  }

  connectAuthFailure(message: ConnectMessage, token: string | undefined): BayeuxReply {
    return {
      clientId: message.clientId,
      advice: { reconnect: 'none', interval: 0 },
      channel: '/meta/connect',
      id: message.id,
      error: token === undefined ? BAYEUX_ERRORS.requiresAuthentication : BAYEUX_ERRORS.authenticationInvalid,
      successful: false,
    };
  }

  unknownClient(message: BaseMessage): BayeuxReply {
    return {
      channel: message.channel,
      id: message.id,
      clientId: message.clientId,
      error: BAYEUX_ERRORS.unknownClient,
      successful: false,
      advice: { interval: 0, reconnect: 'handshake' },
    };
  }

  authenticate(token: string | undefined): AccessTokenInfo | undefined {
    return token === undefined ? undefined : this.engine.ctx.tokens.verify(token);
  }

  private handshake(
    raw: BaseMessage,
    token: string | undefined,
    session: AccessTokenInfo | undefined,
    browserId: string | undefined,
  ): { message: BayeuxReply; browserId?: string } {
    const parsed = handshakeSchema.safeParse(raw);
    if (!parsed.success) return { message: malformed(raw, describe(parsed.error)) };
    const message = parsed.data;
    if (!session) {
      const reason = token === undefined ? BAYEUX_ERRORS.requiresAuthentication : BAYEUX_ERRORS.authenticationInvalid;
      return { message: handshakeDenied(message, reason, { reconnect: 'none' }) };
    }
    if (this.engine.clients.live().length >= this.engine.ctx.streaming.maxConcurrentClients) {
      // No advice: Faye (jsforce) then retries the handshake after its retry delay, as against a full org.
      return { message: handshakeDenied(message, BAYEUX_ERRORS.concurrentClients) };
    }
    const browser = browserId ?? newBrowserId();
    const client = this.engine.clients.create(session.userId, browser);
    return {
      browserId: browser,
      message: {
        ext: { replay: true, 'payload.format': true },
        minimumVersion: '1.0',
        clientId: client.id,
        supportedConnectionTypes: ['long-polling'],
        channel: '/meta/handshake',
        id: message.id,
        version: '1.0',
        successful: true,
        reestablish: false,
      },
    };
  }

  private connect(
    raw: BaseMessage,
    request: RequestContext,
    session: AccessTokenInfo | undefined,
    browserId: string | undefined,
  ): { reply: BayeuxReply } | { message: ConnectMessage; client: CometdClient } {
    const parsed = connectSchema.safeParse(raw);
    if (!parsed.success) return { reply: malformed(raw, describe(parsed.error)) };
    const message = parsed.data;
    if (!session) return { reply: this.connectAuthFailure(message, request.token) };
    const client = this.engine.clients.get(message.clientId);
    if (!client) return { reply: this.unknownClient(message) };
    if (browserId !== client.browserId) {
      return {
        reply: reply(message, { successful: false, error: BAYEUX_ERRORS.missingCookie(client.id, BROWSER_COOKIE) }),
      };
    }
    if (message.connectionType !== undefined && message.connectionType !== 'long-polling') {
      return {
        reply: reply(message, {
          successful: false,
          error: BAYEUX_ERRORS.invalidConnectionType(message.connectionType),
        }),
      };
    }
    return { message, client };
  }

  private subscription(
    raw: BaseMessage,
    token: string | undefined,
    session: AccessTokenInfo | undefined,
    browserId: string | undefined,
  ): BayeuxReply {
    const parsed = subscriptionSchema.safeParse(raw);
    if (!parsed.success) return malformed(raw, describe(parsed.error));
    const message = parsed.data;
    const fail = (error: string): BayeuxReply =>
      reply(message, { subscription: message.subscription, successful: false, error });
    if (!session) {
      return fail(token === undefined ? BAYEUX_ERRORS.requiresAuthentication : BAYEUX_ERRORS.authenticationInvalid);
    }
    const client = this.engine.clients.get(message.clientId);
    if (!client) return this.unknownClient(message);
    if (browserId !== client.browserId) return fail(BAYEUX_ERRORS.missingCookie(client.id, BROWSER_COOKIE));
    const channel = message.subscription;
    if (channel === undefined || channel === '') return fail(BAYEUX_ERRORS.channelNotSpecified);
    if (!channel.startsWith('/')) return fail(BAYEUX_ERRORS.channelNeedsSlash);

    if (message.channel === '/meta/unsubscribe') {
      client.subscriptions.delete(channel);
      return reply(message, { clientId: client.id, subscription: channel, successful: true });
    }

    if (!this.engine.catalog.exists(channel)) return fail(BAYEUX_ERRORS.channelMissing(channel));
    const replay = replayFrom(message.ext, channel);
    if (replay === 'invalid') return fail(BAYEUX_ERRORS.invalidReplayId(rawReplay(message.ext, channel)));
    if (replay !== REPLAY_NEW && replay !== REPLAY_ALL && !this.engine.bus.isReplayable(replay)) {
      return fail(BAYEUX_ERRORS.invalidReplayId(replay));
    }
    client.subscriptions.add(channel);
    if (replay !== REPLAY_NEW) {
      for (const event of this.engine.bus.eventsAfter(channel, replay === REPLAY_ALL ? -Infinity : replay)) {
        client.enqueue(toDeliveredMessage(event, channel));
      }
    }
    return reply(message, { clientId: client.id, subscription: channel, successful: true });
  }

  private disconnect(raw: BaseMessage): BayeuxReply {
    const parsed = disconnectSchema.safeParse(raw);
    if (!parsed.success) return malformed(raw, describe(parsed.error));
    const client = this.engine.clients.remove(parsed.data.clientId);
    if (!client) return this.unknownClient(parsed.data);
    client.release('disconnected');
    return reply(parsed.data, { clientId: client.id, successful: true });
  }
}

function reply(message: BaseMessage, fields: BayeuxReply): BayeuxReply {
  return { clientId: message.clientId, channel: message.channel, id: message.id, ...fields };
}

function handshakeDenied(message: BaseMessage, failureReason: string, advice?: BayeuxReply): BayeuxReply {
  return {
    ext: { sfdc: { failureReason } },
    ...(advice ? { advice } : {}),
    channel: '/meta/handshake',
    id: message.id,
    error: BAYEUX_ERRORS.handshakeDenied,
    successful: false,
  };
}

function malformed(raw: unknown, detail: string): BayeuxReply {
  const obj = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const channel = typeof obj.channel === 'string' ? obj.channel : undefined;
  const id = typeof obj.id === 'string' || typeof obj.id === 'number' ? obj.id : undefined;
  return { channel, id, successful: false, error: BAYEUX_ERRORS.malformed(detail) };
}

function describe(error: { issues: { path: PropertyKey[]; message: string }[] }): string {
  const issue = error.issues[0];
  return issue
    ? `Invalid message: ${issue.path.map(String).join('.') || 'message'}: ${issue.message}`
    : 'Invalid message';
}

function rawReplay(ext: Record<string, unknown> | undefined, channel: string): unknown {
  const map = ext?.replay;
  return typeof map === 'object' && map !== null ? (map as Record<string, unknown>)[channel] : map;
}

/** The replay option for `channel`: -1 when none is given, 'invalid' when it is not an integer. */
function replayFrom(ext: Record<string, unknown> | undefined, channel: string): number | 'invalid' {
  if (ext?.replay === undefined) return REPLAY_NEW;
  const parsed = replayExtSchema.safeParse(ext.replay);
  if (!parsed.success) return 'invalid';
  const value = parsed.data[channel];
  if (value === undefined) return REPLAY_NEW;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isSafeInteger(n) ? n : 'invalid';
}

function newBrowserId(): string {
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 12)}`;
}
