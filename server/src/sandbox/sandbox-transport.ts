import type { LoopSettings } from '../runtime/compose';

/**
 * How the sandbox follows its emulated org: as CDC_TRANSPORT says, but over Pub/Sub at the emulator's own endpoint
 * (PUBSUB_ENDPOINT names a real org's), whose certificate is made at start and so cannot be verified.
 */
export function sandboxTransport(
  cdcTransport: 'cometd' | 'pubsub',
  sandbox: { pubSubEndpoint: string | undefined },
): LoopSettings['cdcTransport'] {
  if (cdcTransport !== 'pubsub' || !sandbox.pubSubEndpoint) return { kind: 'cometd' };
  return { kind: 'pubsub', endpoint: sandbox.pubSubEndpoint, rejectUnauthorized: false };
}
