import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * `X-Audiences-Signature`, Stripe's scheme: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`. The
 * outbound webhooks sign with it and the inbound signal webhook verifies it: one module, so both ends agree.
 */
export const SIGNATURE_HEADER = 'X-Audiences-Signature';

/** How far `t` may be from our clock, either way: older deliveries are replays, newer ones a wrong clock. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/**
 * The header for one delivery: one `v1` per secret (the current one first, the previous one during a rotation) so
 * a receiver that still knows only the old secret, or already only the new one, accepts it.
 */
export function signatureHeader(rawBody: string | Buffer, unixSeconds: number, secrets: readonly string[]): string {
  const v1 = secrets.map((secret) => `v1=${hmacHex(secret, unixSeconds, rawBody)}`);
  return [`t=${unixSeconds}`, ...v1].join(',');
}

/** Why a signature was refused (logged and counted; the sender only sees 401). */
export type SignatureRefusal = 'missing' | 'malformed' | 'stale' | 'mismatch';

export type SignatureVerdict = { ok: true } | { ok: false; reason: SignatureRefusal };

/**
 * Checks a received header against the raw body bytes: `t` within the tolerance of `nowSeconds`, and any `v1`
 * equal (constant-time) to the HMAC under any of our secrets (current and previous, during a rotation).
 */
export function verifySignatureHeader(
  header: string | undefined,
  rawBody: Buffer,
  secrets: readonly string[],
  nowSeconds: number,
  toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS,
): SignatureVerdict {
  if (!header) return { ok: false, reason: 'missing' };
  const parts = header.split(',').map((part) => {
    const at = part.indexOf('=');
    return at < 0 ? ['', ''] : [part.slice(0, at).trim(), part.slice(at + 1).trim()];
  });
  const t = parts.find(([name]) => name === 't')?.[1];
  const given = parts.filter(([name, value]) => name === 'v1' && /^[0-9a-f]{64}$/i.test(value ?? ''));
  if (!t || !/^\d{1,12}$/.test(t) || given.length === 0) return { ok: false, reason: 'malformed' };
  if (Math.abs(nowSeconds - Number(t)) > toleranceSeconds) return { ok: false, reason: 'stale' };
  const expected = secrets.map((secret) => Buffer.from(hmacHex(secret, Number(t), rawBody), 'hex'));
  // Every pair is compared (no early exit on the first secret) so timing says nothing about which one matched.
  let matched = false;
  for (const [, value] of given) {
    const bytes = Buffer.from(value as string, 'hex');
    for (const digest of expected) {
      if (bytes.length === digest.length && timingSafeEqual(bytes, digest)) matched = true;
    }
  }
  return matched ? { ok: true } : { ok: false, reason: 'mismatch' };
}

function hmacHex(secret: string, unixSeconds: number, rawBody: string | Buffer): string {
  const hmac = createHmac('sha256', secret).update(`${unixSeconds}.`, 'utf8');
  if (typeof rawBody === 'string') hmac.update(rawBody, 'utf8');
  else hmac.update(rawBody);
  return hmac.digest('hex');
}
