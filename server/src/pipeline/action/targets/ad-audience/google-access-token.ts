/**
 * OAuth access tokens for the Google Ads API from the refresh token. Cached per process until a minute before they
 * expire, one refresh at a time. Google does not rotate the refresh token, so workers need not coordinate.
 */
import { z } from 'zod';
import { adFailure, type AdFailure } from './ad-failure';
import type { GoogleAdsCredentials } from './ad-audience-env';
import { sendRequest, type FetchLike } from './ad-http';

const tokenReplySchema = z.object({ access_token: z.string().min(1), expires_in: z.coerce.number().positive() });
const EARLY_REFRESH_MS = 60_000;

export type TokenResult = { ok: true; token: string } | { ok: false; failure: AdFailure };

export class GoogleAccessToken {
  private cached?: { token: string; expiresAt: number };
  private inFlight?: Promise<TokenResult>;

  constructor(
    private readonly credentials: GoogleAdsCredentials,
    private readonly fetchImpl: FetchLike,
    private readonly now: () => number,
    private readonly timeoutMs: number,
  ) {}

  async get(): Promise<TokenResult> {
    if (this.cached && this.cached.expiresAt - EARLY_REFRESH_MS > this.now()) {
      return { ok: true, token: this.cached.token };
    }
    this.inFlight ??= this.refresh().finally(() => (this.inFlight = undefined));
    return this.inFlight;
  }

  /** After a 401: the token was revoked or expired early. */
  forget(): void {
    this.cached = undefined;
  }

  private async refresh(): Promise<TokenResult> {
    const { clientId, clientSecret, refreshToken, tokenUrl } = this.credentials;
    const reply = await sendRequest(
      {
        url: tokenUrl,
        method: 'POST',
        form: {
          grant_type: 'refresh_token',
          client_id: clientId,
          client_secret: clientSecret,
          refresh_token: refreshToken,
        },
        timeoutMs: this.timeoutMs,
      },
      this.fetchImpl,
    );
    if (reply.kind === 'network') {
      return { ok: false, failure: adFailure('AD_AUDIENCE_UNAVAILABLE', `Google OAuth: ${reply.message}`) };
    }
    if (reply.status >= 200 && reply.status < 300) {
      const parsed = tokenReplySchema.safeParse(reply.body);
      if (!parsed.success) {
        return {
          ok: false,
          failure: adFailure('AD_AUDIENCE_UNAVAILABLE', 'Google OAuth: token reply without a token'),
        };
      }
      this.cached = { token: parsed.data.access_token, expiresAt: this.now() + parsed.data.expires_in * 1000 };
      return { ok: true, token: parsed.data.access_token };
    }
    const error =
      typeof reply.body === 'object' && reply.body !== null ? (reply.body as Record<string, unknown>).error : undefined;
    const message = `Google OAuth: HTTP ${reply.status} ${typeof error === 'string' ? error : ''}`.trim();
    if (reply.status >= 500 || reply.status === 429) {
      return { ok: false, failure: adFailure('AD_AUDIENCE_UNAVAILABLE', message) };
    }
    // invalid_grant (revoked refresh token), invalid_client: a person must replace the credentials.
    return { ok: false, failure: adFailure('AD_AUDIENCE_AUTH', message) };
  }
}
