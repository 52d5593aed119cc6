export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

/** What /readyz shows about the stream. */
export interface StreamStatus {
  state: StreamState;
  /** ISO time of the last change event received. */
  lastEventAt: string | null;
  /** The replay id last stored in Redis. */
  replayId: number | null;
  lastError: string | null;
  /** Events received and not handled yet (the one being handled included). */
  waiting?: number;
  /** Commit time (ISO) of the oldest of them: the stream is that far behind the org. */
  oldestWaitingAt?: string | null;
}
