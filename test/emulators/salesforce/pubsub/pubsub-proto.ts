import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';

/**
 * Salesforce's `pubsub_api.proto` (package `eventbus.v1`), read from the copy the `salesforce-pubsub-api-client`
 * package ships, so the server speaks exactly the contract that client was built against.
 */
export function pubSubProtoPath(): string {
  // The package's `exports` hide package.json; its entry point lives in dist/, the proto one level up.
  const entry = createRequire(import.meta.url).resolve('salesforce-pubsub-api-client');
  return join(dirname(entry), '..', 'pubsub_api.proto');
}

/** The `eventbus.v1.PubSub` client constructor; its `.service` is what the server registers. */
export function loadPubSubPackage(): grpc.ServiceClientConstructor {
  const definition = protoLoader.loadSync(pubSubProtoPath(), {
    keepCase: false,
    enums: String,
    defaults: true,
    arrays: true,
  });
  const root = grpc.loadPackageDefinition(definition) as unknown as {
    eventbus: { v1: { PubSub: grpc.ServiceClientConstructor } };
  };
  return root.eventbus.v1.PubSub;
}

/** Messages as proto-loader decodes them (camelCase, enums as names, defaults filled). */
export interface FetchRequest {
  topicName: string;
  replayPreset: 'LATEST' | 'EARLIEST' | 'CUSTOM';
  replayId: Buffer;
  numRequested: number;
  authRefresh: string;
}

export interface ProducerEvent {
  id: string;
  schemaId: string;
  payload: Buffer;
  headers: { key: string; value: Buffer }[];
}

export interface ConsumerEvent {
  event: ProducerEvent;
  replayId: Buffer;
}

export interface FetchResponse {
  events: ConsumerEvent[];
  latestReplayId: Buffer;
  rpcId: string;
  pendingNumRequested: number;
}

export interface PublishRequest {
  topicName: string;
  events: ProducerEvent[];
  authRefresh: string;
}

export interface PublishResult {
  replayId: Buffer;
  error?: { code: 'UNKNOWN' | 'PUBLISH' | 'COMMIT'; msg: string };
  correlationKey: string;
}

export interface PublishResponse {
  results: PublishResult[];
  schemaId: string;
  rpcId: string;
}
