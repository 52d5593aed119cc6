import type { Env } from '../../../../env/env-schema';
import { ConfigError } from '../../../../lib/errors';
import { parseSecretKey } from '../shared/secret-box';

/** What the Outreach target needs from the environment. */
export interface OutreachConfig {
  clientId: string;
  clientSecret: string;
  refreshToken: string;
  redirectUri?: string;
  /** `…/api/v2`; the token endpoint is `/oauth/token` on the same origin. */
  baseUrl: string;
  tokenUrl: URL;
  encryptionKey: Buffer;
}

const REQUIRED = [
  'OUTREACH_CLIENT_ID',
  'OUTREACH_CLIENT_SECRET',
  'OUTREACH_REFRESH_TOKEN',
  'OUTREACH_TOKEN_KEY',
] as const;

/** Undefined when Outreach is not configured at all; a ConfigError naming what is missing when half of it is. */
export function outreachConfigFromEnv(env: Env): OutreachConfig | undefined {
  const missing = REQUIRED.filter((name) => env[name] === undefined);
  if (missing.length === REQUIRED.length) return undefined;
  if (missing.length > 0) {
    throw new ConfigError('CONFIG_INVALID_ENV', `Outreach is half configured: set ${missing.join(', ')} as well`);
  }
  return {
    clientId: env.OUTREACH_CLIENT_ID as string,
    clientSecret: env.OUTREACH_CLIENT_SECRET as string,
    refreshToken: env.OUTREACH_REFRESH_TOKEN as string,
    redirectUri: env.OUTREACH_REDIRECT_URI,
    baseUrl: env.OUTREACH_BASE_URL,
    tokenUrl: new URL('/oauth/token', env.OUTREACH_BASE_URL),
    encryptionKey: parseSecretKey(env.OUTREACH_TOKEN_KEY as string, 'OUTREACH_TOKEN_KEY'),
  };
}
