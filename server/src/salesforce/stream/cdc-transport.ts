/**
 * How change events reach the subscriber. CometD (the default) is built into `CdcSubscriber`; another transport
 * (the Pub/Sub API) implements this and reports into the same pipeline: the ordering chain, poison handling,
 * replay-id commits and dead letters stay in one place whichever transport delivers. The command channels use it
 * too (`PubSubCommandChannels`), with their own in-memory replay.
 */
export interface TransportSink {
  /** The subscription is open: from here on new events reach the sink. */
  subscribed(): void;
  /**
   * The server answered on this stream for the first time (events, or an empty keep-alive): the subscription is in
   * effect from that point at the latest. Pub/Sub acknowledges no subscribe; its first FetchResponse is the proof.
   */
  answered?(): void;
  /**
   * One event, shaped as CometD delivers it (`{ schema, payload, event: { replayId } }`), in replay order.
   * `done` is called once the pipeline has finished with it (handled, dead-lettered or dropped as a duplicate):
   * the transport's flow control asks for more only then.
   */
  event(data: unknown, done: () => void): void;
  /** The requested replay id is past retention (or unknown to the org). */
  invalidReplay(error: string): void;
  /** The org refused the session (expired or revoked token): renew it, then open again. */
  authFailed(reason: string): void;
  /** The stream broke or ended for another reason: open again from the stored replay id. */
  lost(reason: string): void;
}

/** One open subscription; closed before the subscriber opens the next one. */
export interface CdcTransportSession {
  close(): void;
}

export interface CdcTransport {
  /** For logs: `pubsub`. */
  readonly name: string;
  /** Subscribes after `replayFrom` (-1: only new events). Failures are reported through the sink, never thrown. */
  open(channel: string, replayFrom: number, sink: TransportSink): CdcTransportSession;
}
