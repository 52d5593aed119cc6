import { createSign } from 'node:crypto';

/**
 * The JWT bearer assertion Salesforce expects: RS256-signed, issuer = the connected app's consumer key, subject =
 * the username, audience = the login host (login.salesforce.com, or test.salesforce.com for sandboxes), expiring
 * within three minutes.
 */
export function buildJwtAssertion(input: {
  clientId: string;
  username: string;
  audience: string;
  privateKeyPem: string;
  now?: Date;
}): string {
  const issuedAt = Math.floor((input.now ?? new Date()).getTime() / 1000);
  const header = { alg: 'RS256', typ: 'JWT' };
  const claims = { iss: input.clientId, sub: input.username, aud: input.audience, exp: issuedAt + 180 };
  const encode = (part: object) => Buffer.from(JSON.stringify(part)).toString('base64url');
  const signingInput = `${encode(header)}.${encode(claims)}`;
  const signature = createSign('RSA-SHA256').update(signingInput).sign(input.privateKeyPem).toString('base64url');
  return `${signingInput}.${signature}`;
}

/** Sandboxes authenticate against test.salesforce.com; everything else against login.salesforce.com. */
export function jwtAudienceFor(loginUrl: string): string {
  const host = new URL(loginUrl).hostname;
  return host === 'test.salesforce.com' || host.includes('.sandbox.')
    ? 'https://test.salesforce.com'
    : 'https://login.salesforce.com';
}
