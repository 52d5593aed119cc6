import PubSubApiClient, { type SubscribeCallback } from 'salesforce-pubsub-api-client';

/** An event as `salesforce-pubsub-api-client` hands it over: payload decoded, bitmaps turned into field names. */
export interface DecodedEvent {
  id: string;
  schemaId: string;
  replayId: number;
  payload: Record<string, unknown> & {
    ChangeEventHeader?: {
      entityName: string;
      recordIds: string[];
      changeType: string;
      changeOrigin: string;
      commitUser: string;
      commitTimestamp: number;
      changedFields: string[];
      nulledFields: string[];
      diffFields: string[];
    };
  };
}

export interface EmulatorSession {
  pubSubEndpoint: string;
  instanceUrl: string;
  orgId: string;
  accessToken: string;
}

const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };

/** Salesforce's own Node client, pointed at the emulator (its self-signed certificate is not verified). */
export async function connectPubSubClient(session: EmulatorSession): Promise<PubSubApiClient> {
  const client = new PubSubApiClient(
    {
      authType: 'user-supplied',
      accessToken: session.accessToken,
      // The client insists on https; the emulator's Pub/Sub side does not compare it.
      instanceUrl: session.instanceUrl.replace(/^http:/, 'https:'),
      organizationId: session.orgId,
      pubSubEndpoint: session.pubSubEndpoint,
      rejectUnauthorizedSsl: false,
    },
    silent,
  );
  await client.connect();
  return client;
}

/** Collects what a subscription's callback receives; `waitFor` resolves on arrival, never on a timer. */
export class SubscriptionRecorder {
  readonly events: DecodedEvent[] = [];
  readonly errors: unknown[] = [];
  lastEventSignals = 0;
  ended = false;
  private waiters: (() => void)[] = [];

  readonly callback: SubscribeCallback = (_info, type, data) => {
    if (type === 'event') this.events.push(data as DecodedEvent);
    else if (type === 'lastEvent') this.lastEventSignals += 1;
    else if (type === 'error') this.errors.push(data);
    else if (type === 'end') this.ended = true;
    for (const wake of this.waiters.splice(0)) wake();
  };

  /** Resolves once `done()` holds; rejects after `timeoutMs` (a safety net for a broken server, not a race). */
  until(done: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
      const check = (): void => {
        if (done()) {
          clearTimeout(timer);
          resolve();
        } else this.waiters.push(check);
      };
      check();
    });
  }

  waitForEvents(n: number): Promise<DecodedEvent[]> {
    return this.until(() => this.events.length >= n, `${n} events (have ${this.events.length})`).then(
      () => this.events,
    );
  }
}
