import { Connection } from 'jsforce';
import { StreamingExtension } from 'jsforce/api/streaming';

import type { EventDataView } from './wire-types';

/** What a Faye subscriber callback receives: the `data` of the Bayeux message. */
export type ReceivedEvent = EventDataView;

/** A jsforce streaming client as the server uses it: one Faye client per channel, Replay + AuthFailure. */
export interface JsforceSubscriber {
  received: ReceivedEvent[];
  authFailures: unknown[];
  /** Resolves once the subscribe was acknowledged, rejects with the Bayeux error when it failed. */
  subscribed: Promise<void>;
  /** Resolves when at least `n` events have arrived. */
  waitFor(n: number, timeoutMs?: number): Promise<ReceivedEvent[]>;
  lastReplayId(): number | undefined;
  disconnect(): void;
}

export function subscribeWithJsforce(
  instanceUrl: string,
  accessToken: string,
  channel: string,
  replayId: number,
): JsforceSubscriber {
  const conn = new Connection({ instanceUrl, accessToken, version: '62.0' });
  const received: ReceivedEvent[] = [];
  const authFailures: unknown[] = [];
  const waiters: (() => void)[] = [];
  const client = conn.streaming.createClient([
    new StreamingExtension.AuthFailure((message: unknown) => authFailures.push(message)),
    new StreamingExtension.Replay(channel, replayId),
  ]);
  const subscription = client.subscribe(channel, (data: ReceivedEvent) => {
    received.push(data);
    for (const wake of waiters.splice(0)) wake();
  });
  const subscribed = new Promise<void>((resolve, reject) => {
    subscription.then(
      () => resolve(),
      (err: unknown) => reject(err),
    );
  });
  // Keeps an unobserved failure from becoming an unhandled rejection.
  subscribed.catch(() => undefined);
  return {
    received,
    authFailures,
    subscribed,
    waitFor(n, timeoutMs = 10_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`only ${received.length}/${n} events after ${timeoutMs} ms`)),
          timeoutMs,
        );
        const check = (): void => {
          if (received.length >= n) {
            clearTimeout(timer);
            resolve(received);
          } else waiters.push(check);
        };
        check();
      });
    },
    lastReplayId: () => received.at(-1)?.event.replayId,
    disconnect: () => {
      // jsforce's bundled Faye typings omit disconnect(), which Faye's Client has.
      (client as unknown as { disconnect(): void }).disconnect();
    },
  };
}
