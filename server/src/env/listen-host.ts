import type { Env } from './env-schema';
import type { SalesforceMode } from './env';

/**
 * The interface the HTTP server listens on: `HOST` when set; otherwise loopback in sandbox mode (a developer's
 * machine: /readyz and /metrics must not be reachable from the café's network), and every interface with a real
 * org, where the service runs in a container whose port mapping decides what is exposed.
 */
export function listenHost(env: Pick<Env, 'HOST'>, mode: SalesforceMode): string {
  if (env.HOST !== undefined) return env.HOST;
  return mode === 'sandbox' ? '127.0.0.1' : '0.0.0.0';
}
