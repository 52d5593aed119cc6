/**
 * How the fake checks a key-pair JWT the way Snowflake documents it (docs/snowflake-reference.md §2): RS256 signature
 * against the user's registered public key, `iss` = ACCOUNT.USER.SHA256:<fingerprint>, `sub` = ACCOUNT.USER, and a
 * lifetime of at most one hour that has not run out. Written from the reference, not from our client.
 */
import { createHash, verify, type KeyObject } from 'node:crypto';

export type RegisteredUser = { account: string; user: string; publicKey: KeyObject };

const decodeJson = (part: string): unknown => JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));

/** Undefined when the token is good; otherwise why it is refused (never echoed to the client in detail). */
export function jwtProblem(token: string, registered: RegisteredUser, nowSeconds: number): string | undefined {
  const parts = token.split('.');
  if (parts.length !== 3) return 'not a JWT';
  const [headerPart = '', claimsPart = '', signaturePart = ''] = parts;
  let header: unknown;
  let claims: unknown;
  try {
    header = decodeJson(headerPart);
    claims = decodeJson(claimsPart);
  } catch {
    return 'unreadable JWT';
  }
  if ((header as { alg?: unknown }).alg !== 'RS256') return 'alg must be RS256';
  const signed = verify(
    'sha256',
    Buffer.from(`${headerPart}.${claimsPart}`),
    registered.publicKey,
    Buffer.from(signaturePart, 'base64url'),
  );
  if (!signed) return 'signature does not verify against the registered public key';
  const { iss, sub, iat, exp } = claims as Record<string, unknown>;
  const qualified = `${registered.account.toUpperCase()}.${registered.user.toUpperCase()}`;
  const der = registered.publicKey.export({ type: 'spki', format: 'der' });
  const fingerprint = `SHA256:${createHash('sha256').update(der).digest('base64')}`;
  if (sub !== qualified) return `sub must be ${qualified}`;
  if (iss !== `${qualified}.${fingerprint}`) return 'iss must be ACCOUNT.USER.SHA256:<public key fingerprint>';
  if (typeof iat !== 'number' || typeof exp !== 'number') return 'iat and exp must be numbers';
  if (exp <= nowSeconds) return 'token expired';
  if (exp - iat > 3600) return 'token lifetime exceeds one hour';
  if (iat > nowSeconds + 60) return 'token issued in the future';
  return undefined;
}
