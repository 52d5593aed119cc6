import type { Connection } from 'jsforce';
import type { Logger } from '../../lib/logger';
import { backoffDelay, type BackoffOptions } from './backoff';

const QUIET_BEFORE_IMMEDIATE_MS = 10_000;

/** What the recovery drives on the subscriber it belongs to. */
export interface RecoveryHost {
  conn: Connection;
  log: Logger;
  backoff: BackoffOptions | undefined;
  /** The subscriber's run (bumped by start and stop): a recovery of an older run gives up. */
  currentRun(): number;
  isStopped(): boolean;
  closeClient(): void;
  /** Builds a new Faye client subscribing from where the stream stands. */
  openClient(): void;
  reconnecting(reason: string): void;
  noteError(message: string): void;
  sleep(ms: number): Promise<void>;
}

/**
 * Rebuilding the streaming client after it is lost: at once for an occasional drop, with backoff for a server that
 * keeps refusing, and after a session check when the org refused the session itself (expired or revoked token).
 */
export class SessionRecovery {
  private reconnectAttempt = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private lastReconnectAt = 0;
  private recoveringAuth = false;

  constructor(private readonly host: RecoveryHost) {}

  /** Reconnects so far since the last acknowledged subscribe. */
  get attempt(): number {
    return this.reconnectAttempt;
  }

  /** A subscribe was acknowledged (or a new start): the next trouble starts from the first attempt. */
  resetAttempts(): void {
    this.reconnectAttempt = 0;
  }

  /** Drops a planned reconnect (at stop). */
  cancel(): void {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
  }

  reconnect(reason: string, immediateFirst: boolean): void {
    const host = this.host;
    if (host.isStopped() || this.recoveringAuth || this.reconnectTimer) return;
    host.closeClient();
    host.reconnecting(reason);
    // At once for an occasional drop; a server that keeps refusing gets backoff instead of a tight loop.
    const immediate = immediateFirst && Date.now() - this.lastReconnectAt > QUIET_BEFORE_IMMEDIATE_MS;
    this.lastReconnectAt = Date.now();
    const delayMs = immediate ? 0 : backoffDelay(this.reconnectAttempt, host.backoff);
    this.reconnectAttempt += 1;
    const run = host.currentRun();
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      if (run === host.currentRun() && !host.isStopped()) host.openClient();
    }, delayMs);
  }

  /** The connection renewed its access token: the client is rebuilt with the new one. */
  tokenRefreshed(): void {
    // During auth recovery the recovery itself builds the new client.
    if (this.host.isStopped() || this.recoveringAuth) return;
    this.reconnect('access token renewed; the streaming client is rebuilt with the new one', true);
  }

  /**
   * Faye stops for good on `reconnect: none`, and its header holds the old token. A REST call makes jsforce
   * refresh the token on its 401; then a new client is built (with whatever token the connection now has).
   */
  async recoverAuth(reason: string): Promise<void> {
    const host = this.host;
    if (this.recoveringAuth || host.isStopped()) return;
    this.recoveringAuth = true;
    const run = host.currentRun();
    host.closeClient();
    this.cancel();
    host.reconnecting(reason);
    try {
      for (let attempt = 0; run === host.currentRun(); attempt += 1) {
        try {
          await host.conn.request(`/services/data/v${host.conn.version}`);
          break;
        } catch (error) {
          const delayMs = backoffDelay(attempt, host.backoff);
          host.noteError(error instanceof Error ? error.message : String(error));
          host.log.error({ err: error, attempt: attempt + 1, delayMs }, 'session check failed; retrying');
          await host.sleep(delayMs);
        }
      }
      if (run !== host.currentRun()) return;
      const delayMs = this.reconnectAttempt === 0 ? 0 : backoffDelay(this.reconnectAttempt, host.backoff);
      this.reconnectAttempt += 1;
      await host.sleep(delayMs);
      if (run === host.currentRun()) host.openClient();
    } finally {
      this.recoveringAuth = false;
    }
  }
}
