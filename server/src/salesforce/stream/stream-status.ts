export type StreamState = 'connecting' | 'live' | 'reconnecting' | 'stopped';

/** What /readyz shows about the stream. */
export interface StreamStatus {
  state: StreamState;
  /** ISO time of the last change event received. */
  lastEventAt: string | null;
  /** The replay id last stored in Redis. */
  replayId: number | null;
  lastError: string | null;
}
