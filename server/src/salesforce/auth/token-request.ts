import { z } from 'zod';
import { SalesforceAuthError } from './salesforce-auth-error';

/** What `/services/oauth2/token` answers on success (client credentials, JWT bearer and refresh token alike). */
const tokenResponseSchema = z.looseObject({
  access_token: z.string().min(1),
  instance_url: z.url(),
  id: z.string().optional(),
  token_type: z.string().optional(),
  issued_at: z.string().optional(),
  scope: z.string().optional(),
});

export type TokenResponse = z.infer<typeof tokenResponseSchema>;

const oauthErrorSchema = z.looseObject({ error: z.string(), error_description: z.string().optional() });

/** Posts a grant to the org's token endpoint. Never puts the grant's secrets in an error message. */
export async function requestToken(loginUrl: string, grant: Record<string, string>): Promise<TokenResponse> {
  const url = new URL('/services/oauth2/token', loginUrl).toString();
  let response: Response;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
      body: new URLSearchParams(grant).toString(),
    });
  } catch (error) {
    throw new SalesforceAuthError(`cannot reach the token endpoint ${url}`, undefined, true, { cause: error });
  }
  const text = await response.text();
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (!response.ok) {
    const oauthError = oauthErrorSchema.safeParse(body);
    const reason = oauthError.success
      ? `${oauthError.data.error}${oauthError.data.error_description ? `: ${oauthError.data.error_description}` : ''}`
      : `HTTP ${response.status}`;
    throw new SalesforceAuthError(
      `the org refused the ${grant.grant_type ?? 'token'} grant (${reason})`,
      oauthError.success ? oauthError.data.error : undefined,
      response.status >= 500,
    );
  }
  const parsed = tokenResponseSchema.safeParse(body);
  if (!parsed.success) {
    throw new SalesforceAuthError(
      `the token endpoint answered without an access token and instance URL`,
      undefined,
      true,
    );
  }
  return parsed.data;
}
