import type { Connection } from 'jsforce';
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../../lib/logger';
import { DescribeCache } from '../schema/describe-cache';
import type { CdcTransport, CdcTransportSession, TransportSink } from './cdc-transport';
import {
  cometdShapedChangeEvent,
  pubSubEntityName,
  undecodableEvent,
  type PubSubEvent,
  type TemporalFields,
  type TemporalKind,
} from './pubsub-change-event';
import {
  decodeEvent,
  decodeReplayId,
  encodeReplayId,
  parseSchema,
  pubSubClient,
  sessionMetadata,
  type AvroType,
  type FetchResponse,
  type PubSubClient,
} from './pubsub-grpc';
import { cometdShapedPlatformEvent, platformEventName } from './pubsub-platform-event';
import { PUBSUB_DEFAULT_ENDPOINT } from './pubsub-endpoint';
import { REPLAY_ALL } from './replay-position';

/** The Pub/Sub API allows at most 100 events outstanding per FetchRequest. */
const MAX_WINDOW = 100;

export interface PubSubTransportOptions {
  /** The org connection: its current access token and instance are sent with every RPC. */
  conn: Connection;
  /** `host:port` (default Salesforce's). */
  endpoint?: string;
  /** Verify the server certificate (default true; the emulator's is self-signed). */
  rejectUnauthorized?: boolean;
  /** Events requested and not yet handled, at most (1–100, default 100); more are asked for as they drain. */
  window?: number;
  logger: Logger;
}

/**
 * Change events and platform events over Salesforce's Pub/Sub API (gRPC, Avro; see pubsub-grpc.ts). Flow control: a
 * Subscribe asks for `window` events; more are requested only as the pipeline finishes with them (once half the
 * window is free), so at most `window` events are ever in memory or on their way. A stream neither reconnects nor
 * renews tokens; each failure is reported to the subscriber, which reopens from the stored replay id.
 */
export class PubSubTransport implements CdcTransport {
  readonly name = 'pubsub';
  private readonly describes: DescribeCache;
  private readonly window: number;

  constructor(private readonly options: PubSubTransportOptions) {
    this.describes = new DescribeCache(options.conn);
    this.window = Math.max(1, Math.min(MAX_WINDOW, Math.trunc(options.window ?? MAX_WINDOW)));
  }

  open(channel: string, replayFrom: number, sink: TransportSink): CdcTransportSession {
    const session = new PubSubSession(this.options, this.window, channel, sink, (entity) => this.temporal(entity));
    session.start(replayFrom);
    return session;
  }

  /** Datetime and date fields of an object, from describe (fetched once per object). */
  private async temporal(entity: string): Promise<TemporalFields> {
    const describe = await this.describes.describe(entity);
    const kinds = new Map<string, TemporalKind>();
    for (const field of describe.fields) {
      if (field.type === 'datetime' || field.type === 'date') kinds.set(field.name, field.type);
    }
    return kinds;
  }
}

class PubSubSession implements CdcTransportSession {
  private client: PubSubClient | undefined;
  private call: grpc.ClientDuplexStream<unknown, FetchResponse> | undefined;
  private closed = false;
  /** Whether a FetchResponse came on this stream yet. */
  private answered = false;
  /** Requested from the server and not yet received. */
  private credit = 0;
  /** Received and not yet finished with by the pipeline. */
  private held = 0;
  /** Events are decoded one after another (a schema or describe may be awaited): they reach the sink in order. */
  private order: Promise<void> = Promise.resolve();
  private metadata: grpc.Metadata | undefined;
  private readonly schemas = new Map<string, Promise<AvroType>>();
  private readonly log: Logger;

  constructor(
    private readonly options: PubSubTransportOptions,
    private readonly window: number,
    private readonly channel: string,
    private readonly sink: TransportSink,
    private readonly temporal: (entity: string) => Promise<TemporalFields>,
  ) {
    this.log = options.logger.child({ transport: 'pubsub' });
  }

  start(replayFrom: number): void {
    const conn = this.options.conn;
    try {
      const accessToken = conn.accessToken;
      if (!accessToken) throw new Error('the org connection has no access token');
      // The token's prefix is the org id (15 characters), as Salesforce's own client reads it.
      const orgId = conn.userInfo?.organizationId ?? accessToken.split('!')[0] ?? '';
      this.metadata = sessionMetadata(accessToken, conn.instanceUrl, orgId);
      this.client = pubSubClient(
        this.options.endpoint ?? PUBSUB_DEFAULT_ENDPOINT,
        this.options.rejectUnauthorized ?? true,
      );
      const call = this.client.Subscribe(this.metadata);
      this.call = call;
      call.on('data', (response: FetchResponse) => this.onResponse(response));
      call.on('error', (error: grpc.ServiceError) => this.onError(error));
      call.on('end', () => this.report(() => this.sink.lost('the Pub/Sub stream ended')));
      this.credit = this.window;
      call.write({
        topicName: this.channel,
        replayPreset: replayFrom >= 0 ? 'CUSTOM' : replayFrom === REPLAY_ALL ? 'EARLIEST' : 'LATEST',
        replayId: replayFrom >= 0 ? encodeReplayId(replayFrom) : Buffer.alloc(0),
        numRequested: this.window,
      });
      // Pub/Sub acknowledges nothing: the request is on its way, and the stream's own failures come as errors. The
      // first FetchResponse (events or a keep-alive, within 270 s) proves the subscription in effect: `answered`.
      this.sink.subscribed();
    } catch (error) {
      this.report(() => this.sink.lost(`could not open the Pub/Sub stream: ${describeError(error)}`));
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.call?.cancel();
      this.client?.close();
    } catch (error) {
      this.log.debug({ err: error }, 'closing the Pub/Sub stream failed');
    }
  }

  private onResponse(response: FetchResponse): void {
    if (this.closed) return;
    if (!this.answered) {
      this.answered = true;
      this.sink.answered?.();
    }
    for (const consumed of response.events ?? []) {
      this.credit = Math.max(0, this.credit - 1);
      this.held += 1;
      this.order = this.order
        .then(async () => {
          if (this.closed) return;
          const data = await this.decode(consumed);
          if (data === undefined || this.closed) return;
          this.sink.event(data, () => this.release());
        })
        .catch((error: unknown) => {
          this.report(() => this.sink.lost(`could not read a change event: ${describeError(error)}`));
        });
    }
  }

  /** The CometD-shaped message of one event; an undecodable payload becomes a malformed one (rejected by the parser). */
  private async decode(consumed: FetchResponse['events'][number]): Promise<unknown> {
    const replayId = decodeReplayId(consumed.replayId);
    // A schema that cannot be fetched is the org's trouble (retried by reopening), not the event's.
    const type = await this.schema(consumed.event.schemaId);
    let event: PubSubEvent;
    try {
      event = {
        id: consumed.event.id,
        schemaId: consumed.event.schemaId,
        replayId,
        payload: decodeEvent(type, consumed.event.payload),
      };
    } catch (error) {
      return undecodableEvent(replayId, describeError(error));
    }
    // A platform event channel carries one event type (commands, record requests); a change channel several.
    const eventName = platformEventName(this.channel);
    if (eventName) return cometdShapedPlatformEvent(event, await this.temporal(eventName));
    const entity = pubSubEntityName(event);
    const temporal = entity ? await this.temporal(entity) : new Map<string, TemporalKind>();
    return cometdShapedChangeEvent(event, temporal);
  }

  /** Schemas by id, fetched once (single-flight); a failed fetch is forgotten. */
  private schema(schemaId: string): Promise<AvroType> {
    let pending = this.schemas.get(schemaId);
    if (!pending) {
      pending = new Promise<AvroType>((resolve, reject) => {
        this.client!.GetSchema({ schemaId }, this.metadata!, (error, response) => {
          if (error) reject(error);
          else {
            try {
              resolve(parseSchema(response.schemaJson));
            } catch (parseError) {
              reject(parseError as Error);
            }
          }
        });
      });
      pending.catch(() => this.schemas.delete(schemaId));
      this.schemas.set(schemaId, pending);
    }
    return pending;
  }

  private onError(error: grpc.ServiceError): void {
    const message = describeError(error);
    const errorCode = errorCodeOf(error);
    if (error.code === grpc.status.UNAUTHENTICATED || errorCode.includes('auth.error')) {
      this.report(() => this.sink.authFailed(message));
    } else if (error.code === grpc.status.INVALID_ARGUMENT && /replayid/i.test(errorCode)) {
      this.report(() => this.sink.invalidReplay(`Pub/Sub refused the replay id: ${message}`));
    } else {
      this.report(() => this.sink.lost(message));
    }
  }

  /** The pipeline finished an event: ask for more once half the window is free. */
  private release(): void {
    this.held = Math.max(0, this.held - 1);
    if (this.closed || !this.call) return;
    const free = this.window - this.credit - this.held;
    if (free <= 0 || (free < Math.ceil(this.window / 2) && this.credit + this.held > 0)) return;
    try {
      this.call.write({ topicName: this.channel, numRequested: free });
      this.credit += free;
    } catch (error) {
      this.report(() => this.sink.lost(`could not request more events: ${describeError(error)}`));
    }
  }

  /** The first failure of a session is reported (an error is followed by status and end); the session is done. */
  private report(tell: () => void): void {
    if (this.closed) return;
    this.close();
    tell();
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

/** Salesforce's own code from the `error-code` trailer, e.g. `sfdc.platform.eventbus.grpc.service.auth.error`. */
function errorCodeOf(error: unknown): string {
  const metadata = (error as { metadata?: { get?: (key: string) => unknown[] } } | null)?.metadata;
  const value = metadata?.get?.('error-code')?.[0];
  return typeof value === 'string' ? value : '';
}
