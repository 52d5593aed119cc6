/**
 * Key-pair authentication for the Snowflake SQL API (docs/snowflake-reference.md §2): an RS256 JWT whose `sub` is
 * ACCOUNT.USER and whose `iss` adds the SHA-256 fingerprint of the user's public key, minted with node:crypto.
 */
import { createHash, createPublicKey, sign, type KeyObject } from 'node:crypto';

/** Snowflake refuses a token that lives longer than an hour; we stay a minute under it. */
export const JWT_LIFETIME_SECONDS = 59 * 60;

/**
 * The account as the claims want it: upper case, without region or cloud segments (`xy12345.us-east-1.aws` → XY12345).
 * An organisation account is given as `MYORG-MYACCOUNT` (its URL form), which has no dot and passes unchanged.
 */
export function claimAccount(account: string): string {
  const trimmed = account.trim().replace(/\.snowflakecomputing\.com$/i, '');
  const [locator] = trimmed.split('.');
  return (locator ?? trimmed).toUpperCase();
}

/** `SHA256:<base64 of SHA-256 over the public key's DER (SubjectPublicKeyInfo)>` — what `DESC USER` shows. */
export function publicKeyFingerprint(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `SHA256:${createHash('sha256').update(der).digest('base64')}`;
}

export type SnowflakeJwtClaims = { iss: string; sub: string; iat: number; exp: number };

export function snowflakeJwtClaims(account: string, user: string, publicKey: KeyObject, nowSeconds: number) {
  const qualifiedUser = `${claimAccount(account)}.${user.trim().toUpperCase()}`;
  return {
    iss: `${qualifiedUser}.${publicKeyFingerprint(publicKey)}`,
    sub: qualifiedUser,
    iat: nowSeconds,
    exp: nowSeconds + JWT_LIFETIME_SECONDS,
  } satisfies SnowflakeJwtClaims;
}

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/** Signs the claims with the private key (RS256). The public key is derived from it, so one key file is enough. */
export function mintSnowflakeJwt(account: string, user: string, privateKey: KeyObject, nowSeconds: number): string {
  const claims = snowflakeJwtClaims(account, user, createPublicKey(privateKey), nowSeconds);
  const signingInput = `${base64url(JSON.stringify({ alg: 'RS256', typ: 'JWT' }))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(signingInput), privateKey);
  return `${signingInput}.${signature.toString('base64url')}`;
}

/** Keeps one token until five minutes before it expires, so a long import does not sign on every request. */
export class SnowflakeTokenSource {
  private cached: { token: string; exp: number } | undefined;

  constructor(
    private readonly account: string,
    private readonly user: string,
    private readonly privateKey: KeyObject,
    private readonly nowSeconds: () => number = () => Math.floor(Date.now() / 1000),
  ) {}

  token(): string {
    const now = this.nowSeconds();
    if (this.cached && this.cached.exp - now > 300) return this.cached.token;
    const token = mintSnowflakeJwt(this.account, this.user, this.privateKey, now);
    this.cached = { token, exp: now + JWT_LIFETIME_SECONDS };
    return token;
  }
}
