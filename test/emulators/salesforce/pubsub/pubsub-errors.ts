import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';

/**
 * Pub/Sub API failures: a gRPC status plus Salesforce's own code in the `error-code` trailer and an rpc id in the
 * message (`… rpcId: <uuid>`) and the `rpc-id` trailer, as the Pub/Sub "Handle Errors" page describes.
 */
export interface PubSubError extends Partial<grpc.StatusObject> {
  code: grpc.status;
  details: string;
  metadata: grpc.Metadata;
}

export function pubSubError(code: grpc.status, errorCode: string, message: string): PubSubError {
  const rpcId = randomUUID();
  const metadata = new grpc.Metadata();
  metadata.set('error-code', errorCode);
  metadata.set('rpc-id', rpcId);
  return { code, details: `${message} rpcId: ${rpcId}`, metadata };
}

export const PUBSUB_ERRORS = {
  auth: () =>
    pubSubError(
      grpc.status.UNAUTHENTICATED,
      'sfdc.platform.eventbus.grpc.service.auth.error',
      'An authentication exception occurred. Provide valid authentication via metadata headers.',
    ),
  // The emulator's wording for an unknown topic; Salesforce documents no code for it.
  topicNotFound: (topic: string) =>
    pubSubError(
      grpc.status.NOT_FOUND,
      'sfdc.platform.eventbus.grpc.topic.not.found',
      `The topic ${topic} doesn't exist or you don't have access to it.`,
    ),
  schemaNotFound: (schemaId: string) =>
    pubSubError(
      grpc.status.NOT_FOUND,
      'sfdc.platform.eventbus.grpc.schema.not.found',
      `The schema ${schemaId} doesn't exist.`,
    ),
  replayIdCorrupted: () =>
    pubSubError(
      grpc.status.INVALID_ARGUMENT,
      'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.corrupted',
      'The Replay ID validation failed.',
    ),
  replayIdMissing: () =>
    pubSubError(
      grpc.status.INVALID_ARGUMENT,
      'sfdc.platform.eventbus.grpc.subscription.fetch.replayid.validation.failed',
      'The replay_preset field in FetchRequest is set to ReplayPreset.CUSTOM, but no Replay ID value is set.',
    ),
  requestedEventsInvalid: () =>
    pubSubError(
      grpc.status.INVALID_ARGUMENT,
      'sfdc.platform.eventbus.grpc.subscription.fetch.requested.events.invalid',
      'The requested number of events in a fetch request must be greater than zero.',
    ),
  topicChanged: () =>
    pubSubError(
      grpc.status.INVALID_ARGUMENT,
      'sfdc.platform.eventbus.grpc.subscription.fetch.topic.changed',
      'The topic name cannot change within a Subscribe stream.',
    ),
  unimplemented: (method: string) =>
    pubSubError(grpc.status.UNIMPLEMENTED, 'sfdc.platform.eventbus.grpc.unimplemented', `${method} is not emulated.`),
};
