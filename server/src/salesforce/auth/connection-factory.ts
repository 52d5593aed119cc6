import { OrgClient } from '../org-client';
import { readFileSync } from 'node:fs';
import { Connection } from 'jsforce';
import type { Env } from '../../env/env';
import { salesforceMode } from '../../env/env';
import { ConfigError } from '../../lib/errors';
import { buildJwtAssertion, jwtAudienceFor } from './jwt-assertion';
import { requestToken, type TokenResponse } from './token-request';
import { SalesforceAuthError } from './salesforce-auth-error';

/** Names every call of ours in Salesforce's change events (`changeOrigin … ;client=audience-loop`). */
export const CALL_OPTIONS_CLIENT = 'audience-loop';

export interface SalesforceCredentials {
  mode: 'client_credentials' | 'jwt' | 'refresh_token' | 'session';
  apiVersion: string;
  loginUrl?: string;
  clientId?: string;
  clientSecret?: string;
  username?: string;
  privateKeyPem?: string;
  refreshToken?: string;
  instanceUrl?: string;
  accessToken?: string;
}

/** Reads the credentials for the configured flow; undefined in sandbox mode (the caller supplies the emulator's). */
export function credentialsFromEnv(env: Env): SalesforceCredentials | undefined {
  const mode = salesforceMode(env);
  if (mode === 'sandbox') return undefined;
  let privateKeyPem: string | undefined;
  if (mode === 'jwt') {
    try {
      privateKeyPem = readFileSync(env.SALESFORCE_PRIVATE_KEY_FILE as string, 'utf8');
    } catch (error) {
      throw new ConfigError(
        'CONFIG_INVALID_ENV',
        `SALESFORCE_PRIVATE_KEY_FILE: cannot read ${env.SALESFORCE_PRIVATE_KEY_FILE} (${(error as Error).message})`,
      );
    }
  }
  return {
    mode,
    apiVersion: env.SALESFORCE_API_VERSION,
    loginUrl: env.SALESFORCE_LOGIN_URL,
    clientId: env.SALESFORCE_CLIENT_ID,
    clientSecret: env.SALESFORCE_CLIENT_SECRET,
    username: env.SALESFORCE_USERNAME,
    privateKeyPem,
    refreshToken: env.SALESFORCE_REFRESH_TOKEN,
    instanceUrl: env.SALESFORCE_INSTANCE_URL,
    accessToken: env.SALESFORCE_ACCESS_TOKEN,
  };
}

/** Gets a fresh token for the flows that can mint one without a person. */
async function mintToken(credentials: SalesforceCredentials): Promise<TokenResponse> {
  if (credentials.mode === 'session') {
    throw new SalesforceAuthError(
      'the given session (SALESFORCE_ACCESS_TOKEN) has expired and cannot be renewed; use a flow that can',
      'INVALID_SESSION_ID',
      false,
    );
  }
  const loginUrl = credentials.loginUrl;
  if (!loginUrl)
    throw new ConfigError('CONFIG_INCOMPLETE_SALESFORCE', 'SALESFORCE_LOGIN_URL is required for this flow');
  switch (credentials.mode) {
    case 'client_credentials':
      return requestToken(loginUrl, {
        grant_type: 'client_credentials',
        client_id: credentials.clientId ?? '',
        client_secret: credentials.clientSecret ?? '',
      });
    case 'jwt':
      return requestToken(loginUrl, {
        grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
        assertion: buildJwtAssertion({
          clientId: credentials.clientId ?? '',
          username: credentials.username ?? '',
          audience: jwtAudienceFor(loginUrl),
          privateKeyPem: credentials.privateKeyPem ?? '',
        }),
      });
    case 'refresh_token': {
      const grant: Record<string, string> = {
        grant_type: 'refresh_token',
        refresh_token: credentials.refreshToken ?? '',
        client_id: credentials.clientId ?? '',
      };
      if (credentials.clientSecret) grant.client_secret = credentials.clientSecret;
      return requestToken(loginUrl, grant);
    }
  }
}

/**
 * A jsforce connection that names our client on every call and renews its own token: jsforce renews by itself
 * only with a refresh token, so every flow gets a refresh function. jsforce runs one refresh at a time and
 * retries the call that met INVALID_SESSION_ID; listeners of the connection's `refresh` event (the streaming
 * client, which fixes its header when created) rebuild what holds the old token.
 */
export async function connectSalesforce(credentials: SalesforceCredentials): Promise<Connection> {
  let instanceUrl = credentials.instanceUrl;
  let accessToken = credentials.accessToken;
  if (credentials.mode !== 'session') {
    const token = await mintToken(credentials);
    instanceUrl = token.instance_url;
    accessToken = token.access_token;
  }
  return new Connection({
    instanceUrl,
    accessToken,
    version: credentials.apiVersion,
    callOptions: { client: CALL_OPTIONS_CLIENT },
    refreshFn: (conn, callback) => {
      mintToken(credentials).then(
        (token) => {
          if (token.instance_url) conn.instanceUrl = token.instance_url;
          callback(null, token.access_token, token as never);
        },
        (error: unknown) => callback(error as Error),
      );
    },
  });
}

/** The org behind the boundary the rest of the server uses (see `OrgClient`). */
export async function connectOrg(credentials: SalesforceCredentials): Promise<OrgClient> {
  return new OrgClient(await connectSalesforce(credentials));
}
