import { createPublicKey, verify as cryptoVerify, X509Certificate, type KeyObject } from 'node:crypto';

export interface JwtClaims {
  iss?: string;
  sub?: string;
  aud?: string | string[];
  exp?: number;
  [k: string]: unknown;
}

/** Verifies an RS256 JWT against a PEM certificate or public key; returns the claims, or an error text. */
export function verifyRs256(assertion: string, certificatePem: string): { claims: JwtClaims } | { error: string } {
  const parts = assertion.split('.');
  if (parts.length !== 3) return { error: 'invalid assertion' };
  const [h, p, s] = parts as [string, string, string];
  let header: { alg?: string };
  let claims: JwtClaims;
  try {
    header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  } catch {
    return { error: 'invalid assertion' };
  }
  if (header.alg !== 'RS256') return { error: 'invalid assertion' };
  let key: KeyObject;
  try {
    key = certificatePem.includes('CERTIFICATE')
      ? new X509Certificate(certificatePem).publicKey
      : createPublicKey(certificatePem);
  } catch {
    return { error: 'invalid assertion' };
  }
  const ok = cryptoVerify('RSA-SHA256', Buffer.from(`${h}.${p}`), key, Buffer.from(s, 'base64url'));
  if (!ok) return { error: 'invalid assertion' };
  return { claims };
}
