/**
 * The org's Pub/Sub API: a gRPC server speaking Salesforce's `eventbus.v1.PubSub` over TLS with a certificate made
 * at start. It reads and writes the streaming side's event bus, so CometD and Pub/Sub see the same events with the
 * same replay ids.
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import type { EmulatorContext } from '../org-contract';
import { engineFor } from '../streaming/streaming-engine';
import { EventEncoder } from './event-encoder';
import { EventSchemaRegistry } from './event-schema-registry';
import { authenticatedUserId } from './pubsub-auth';
import { PUBSUB_ERRORS } from './pubsub-errors';
import {
  loadPubSubPackage,
  type FetchRequest,
  type FetchResponse,
  type PublishRequest,
  type PublishResponse,
} from './pubsub-proto';
import { publish } from './publish-handler';
import { createSelfSignedCertificate } from './self-signed-certificate';
import { SubscribeStream, type SubscriptionState } from './subscribe-stream';
import { topicSchema } from './topic-schema';

export interface PubSubServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  host?: string;
  /** Quiet time after which an idle Subscribe stream gets an empty keep-alive batch (Salesforce: within 270 s). */
  keepAliveMs?: number;
}

export interface RunningPubSubServer {
  /** `host:port`, what `salesforce-pubsub-api-client` takes as `pubSubEndpoint`. */
  endpoint: string;
  port: number;
  /** The self-signed certificate, for clients that trust it instead of skipping verification. */
  certificatePem: string;
  /** Live Subscribe streams (tests check flow control against it). */
  subscriptions(): SubscriptionState[];
  /**
   * Holds the Subscribe streams opened on `topic` from now on: they neither take effect nor answer (no events, no
   * keep-alive) until the returned release is called — as a real subscription may not be in effect before its first
   * FetchResponse. Released, each starts then (LATEST: from the tip at that moment) and answers at once.
   */
  holdSubscriptions(topic: string): () => void;
  stop(): Promise<void>;
}

export async function startPubSubServer(
  ctx: EmulatorContext,
  options: PubSubServerOptions = {},
): Promise<RunningPubSubServer> {
  const engine = engineFor(ctx);
  const registry = new EventSchemaRegistry(ctx.schema);
  const encoder = new EventEncoder(registry);
  const streams = new Set<SubscribeStream>();
  /** Topics a test holds → resolved on release. */
  const holds = new Map<string, Promise<void>>();
  const userOf = (call: { metadata: grpc.Metadata }): string | undefined => authenticatedUserId(call.metadata, ctx);

  const handlers: grpc.UntypedServiceImplementation = {
    GetTopic(call: grpc.ServerUnaryCall<{ topicName: string }, unknown>, callback: grpc.sendUnaryData<unknown>) {
      if (!userOf(call)) return callback(PUBSUB_ERRORS.auth());
      const topic = call.request.topicName;
      if (!engine.catalog.exists(topic)) return callback(PUBSUB_ERRORS.topicNotFound(topic));
      const schema = topicSchema(topic, engine, registry);
      callback(null, {
        topicName: topic,
        tenantGuid: ctx.orgId,
        canPublish: topic.startsWith('/event/'),
        canSubscribe: true,
        schemaId: schema?.schemaId ?? '',
        rpcId: randomUUID(),
      });
    },
    GetSchema(call: grpc.ServerUnaryCall<{ schemaId: string }, unknown>, callback: grpc.sendUnaryData<unknown>) {
      if (!userOf(call)) return callback(PUBSUB_ERRORS.auth());
      const schema = registry.get(call.request.schemaId);
      if (!schema) return callback(PUBSUB_ERRORS.schemaNotFound(call.request.schemaId));
      callback(null, { schemaJson: schema.json, schemaId: schema.schemaId, rpcId: randomUUID() });
    },
    Subscribe(call: grpc.ServerDuplexStream<FetchRequest, FetchResponse>) {
      if (!userOf(call)) return call.emit('error', PUBSUB_ERRORS.auth());
      const stream: SubscribeStream = new SubscribeStream(call, engine, encoder, {
        keepAliveMs: options.keepAliveMs ?? 60_000,
        onEnd: () => streams.delete(stream),
        heldUntil: (topic) => holds.get(topic),
      });
      streams.add(stream);
    },
    Publish(
      call: grpc.ServerUnaryCall<PublishRequest, PublishResponse>,
      callback: grpc.sendUnaryData<PublishResponse>,
    ) {
      const userId = userOf(call);
      if (!userId) return callback(PUBSUB_ERRORS.auth());
      callback(null, publish(call.request, userId, ctx, engine, registry));
    },
    PublishStream(call: grpc.ServerDuplexStream<PublishRequest, PublishResponse>) {
      const userId = userOf(call);
      if (!userId) return call.emit('error', PUBSUB_ERRORS.auth());
      call.on('data', (request: PublishRequest) => call.write(publish(request, userId, ctx, engine, registry)));
      call.on('end', () => call.end());
    },
    ManagedSubscribe(call: grpc.ServerDuplexStream<unknown, unknown>) {
      call.emit('error', PUBSUB_ERRORS.unimplemented('ManagedSubscribe'));
    },
  };

  const server = new grpc.Server();
  server.addService(loadPubSubPackage().service, handlers);
  const identity = createSelfSignedCertificate();
  const credentials = grpc.ServerCredentials.createSsl(
    null,
    [{ private_key: Buffer.from(identity.privateKeyPem), cert_chain: Buffer.from(identity.certificatePem) }],
    false,
  );
  const host = options.host ?? '127.0.0.1';
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${host}:${options.port ?? 0}`, credentials, (err, bound) => (err ? reject(err) : resolve(bound))),
  );

  return {
    endpoint: `${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    port,
    certificatePem: identity.certificatePem,
    subscriptions: () => [...streams].map((s) => s.view()),
    holdSubscriptions: (topic) => {
      let open = (): void => undefined;
      const held = new Promise<void>((resolve) => (open = resolve));
      holds.set(topic, held);
      return () => {
        if (holds.get(topic) === held) holds.delete(topic);
        open();
      };
    },
    stop: async () => {
      // Streams end with an OK status first, so clients see a clean end rather than a cancelled call.
      for (const stream of [...streams]) stream.close();
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 2_000);
        force.unref();
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
    },
  };
}
