import { createHmac } from 'node:crypto';

/**
 * `X-Audiences-Signature`, Stripe's scheme: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`, one `v1`
 * per secret (the current one first, the previous one during a rotation) so a receiver that still knows only the
 * old secret, or already only the new one, accepts the delivery.
 */
export function signatureHeader(rawBody: string, unixSeconds: number, secrets: readonly string[]): string {
  const signed = `${unixSeconds}.${rawBody}`;
  const v1 = secrets.map((secret) => `v1=${createHmac('sha256', secret).update(signed, 'utf8').digest('hex')}`);
  return [`t=${unixSeconds}`, ...v1].join(',');
}
