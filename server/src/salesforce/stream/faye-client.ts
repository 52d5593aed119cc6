/**
 * The parts of Faye's client (inside jsforce 3 streaming) the subscriber uses. jsforce's bundled typings lack
 * `disconnect()` and the private fields needed to stop a client for good, hence this narrow view.
 */
export interface FayeMessage {
  channel?: string;
  clientId?: string;
  successful?: boolean;
  error?: string;
  subscription?: string | string[];
  advice?: { reconnect?: string; interval?: number; timeout?: number };
  data?: unknown;
  ext?: Record<string, unknown>;
}

export type FayeCallback = (message: FayeMessage | null) => void;

/** A Faye extension: `incoming` may swallow a message by not calling back. */
export interface FayeExtension {
  incoming?(message: FayeMessage, callback: FayeCallback): void;
  outgoing?(message: FayeMessage, callback: FayeCallback): void;
}

export interface FayeSubscription {
  then(onFulfilled?: () => void, onRejected?: (error: unknown) => void): Promise<unknown>;
}

export interface FayeClient {
  subscribe(channel: string, listener: (data: unknown) => void): FayeSubscription;
  disconnect(): unknown;
  bind(event: 'transport:down' | 'transport:up', listener: () => void): void;
}

interface FayeInternals {
  _advice?: { reconnect?: string };
  _dispatcher?: { close?: () => void };
}

/**
 * Stops a Faye client for good: `disconnect()` only acts on a connected client, and a client that is between
 * handshakes would keep retrying, so the reconnect advice is pinned to `none` (Faye's own off switch) and the
 * dispatcher dropped so no queued retry can send again.
 */
export function closeFayeClient(client: FayeClient): void {
  try {
    client.disconnect();
  } catch {
    // Already gone: nothing to tell the server.
  }
  const internals = client as unknown as FayeInternals;
  if (internals._advice) internals._advice.reconnect = 'none';
  try {
    internals._dispatcher?.close?.();
  } catch {
    // Closing a closed dispatcher is harmless.
  }
}
